import { describe, expect, it } from "vitest";
import { buildTraceTree, parentIds, parentOf, visibleAncestor, visibleRows, waterfall, type TreeSpan } from "./traceTree";

function span(span_id: string, parent_id: string, started_at = 0, duration = 10): TreeSpan {
  return { span_id, parent_id, started_at: String(started_at), duration: String(duration) };
}

const ids = (rows: { node: { span: TreeSpan } }[]) => rows.map((row) => row.node.span.span_id);

describe("buildTraceTree", () => {
  it("nests children under their parents, siblings by start time then span id", () => {
    // Reported in finish order (children first), as the SDK does.
    const tree = buildTraceTree([span("c2", "root", 30), span("c1", "root", 10), span("g1", "c1", 12), span("c0", "root", 10), span("root", "0", 0, 100)]);
    expect(tree.roots.map((node) => node.span.span_id)).toEqual(["root"]);
    expect(tree.roots[0]!.children.map((node) => node.span.span_id)).toEqual(["c0", "c1", "c2"]);
    expect(ids(visibleRows(tree, new Set()))).toEqual(["root", "c0", "c1", "g1", "c2"]);
    expect(visibleRows(tree, new Set()).map((row) => row.depth)).toEqual([0, 1, 1, 2, 1]);
    expect(tree.startMs).toBe(0);
    expect(tree.endMs).toBe(100);
  });

  it('treats parent "0", "" and a parent missing from the trace as roots (the last ones marked orphans)', () => {
    const tree = buildTraceTree([span("a", "0", 5), span("b", "", 1), span("lost", "ffffffffffffffff", 3), span("child", "lost", 4)]);
    expect(tree.roots.map((node) => node.span.span_id)).toEqual(["b", "lost", "a"]);
    expect(tree.roots.map((node) => node.orphan)).toEqual([false, true, false]);
    expect(tree.byId.get("child")!.depth).toBe(1);
  });

  it("breaks parent cycles instead of losing the spans, and keeps the first copy of a duplicated span", () => {
    const tree = buildTraceTree([span("x", "y", 2), span("y", "x", 1), span("z", "y", 3), span("x", "0", 9), span("self", "self", 0)]);
    expect(tree.size).toBe(4);
    const rows = visibleRows(tree, new Set());
    expect(ids(rows).sort()).toEqual(["self", "x", "y", "z"]);
    // y (the earliest of the cycle) became a root; x and z hang below it.
    expect(ids(rows)).toEqual(["self", "y", "x", "z"]);
  });

  it("skips the children of collapsed spans", () => {
    const tree = buildTraceTree([span("root", "0"), span("a", "root", 1), span("a1", "a", 2), span("b", "root", 3)]);
    const rows = visibleRows(tree, new Set(["a"]));
    expect(ids(rows)).toEqual(["root", "a", "b"]);
    expect(rows[1]).toMatchObject({ hasChildren: true, expanded: false });
    expect(ids(visibleRows(tree, new Set(parentIds(tree))))).toEqual(["root"]);
  });

  it("handles a 5,000-deep chain without recursion", () => {
    const spans = Array.from({ length: 5000 }, (_, i) => span(`s${i}`, i === 0 ? "0" : `s${i - 1}`, i));
    const tree = buildTraceTree(spans);
    expect(tree.byId.get("s4999")!.depth).toBe(4999);
    expect(visibleRows(tree, new Set())).toHaveLength(5000);
  });
});

describe("tree rows for assistive tech and selection", () => {
  it("gives each row its position among its siblings (aria-posinset / aria-setsize), as only some rows are in the DOM", () => {
    const tree = buildTraceTree([span("root", "0"), span("a", "root", 1), span("a1", "a", 2), span("b", "root", 3), span("lost", "gone", 4)]);
    expect(visibleRows(tree, new Set()).map((row) => [row.node.span.span_id, row.posInSet, row.setSize])).toEqual([
      ["root", 1, 2],
      ["a", 1, 2],
      ["a1", 1, 1],
      ["b", 2, 2],
      ["lost", 2, 2],
    ]);
  });

  it("finds the row that stands for a span hidden by a collapse: its outermost collapsed ancestor", () => {
    const tree = buildTraceTree([span("root", "0"), span("a", "root", 1), span("a1", "a", 2), span("a2", "a1", 3), span("b", "root", 4)]);
    expect(visibleAncestor(tree, "a2", new Set())).toBe("a2");
    expect(visibleAncestor(tree, "a2", new Set(["a1"]))).toBe("a1");
    expect(visibleAncestor(tree, "a2", new Set(["a1", "a"]))).toBe("a");
    expect(visibleAncestor(tree, "a2", new Set(parentIds(tree)))).toBe("root");
    // Collapsing a span keeps the span itself (and its siblings) visible.
    expect(visibleAncestor(tree, "a", new Set(["a"]))).toBe("a");
    expect(visibleAncestor(tree, "b", new Set(["a"]))).toBe("b");
    expect(visibleAncestor(tree, "nope", new Set())).toBeNull();
  });

  it("treats orphans and broken cycles as roots: no parent to climb to", () => {
    const tree = buildTraceTree([span("x", "y", 2), span("y", "x", 1), span("lost", "gone", 0)]);
    expect(parentOf(tree, tree.byId.get("y")!)).toBeUndefined();
    expect(parentOf(tree, tree.byId.get("lost")!)).toBeUndefined();
    expect(parentOf(tree, tree.byId.get("x")!)?.span.span_id).toBe("y");
    expect(visibleAncestor(tree, "x", new Set(["y"]))).toBe("y");
  });
});

describe("waterfall", () => {
  it("places a span's bar by its start and length relative to the trace", () => {
    expect(waterfall(span("a", "0", 100, 50), 100, 300)).toEqual({ left: 0, width: 25 });
    expect(waterfall(span("b", "0", 200, 100), 100, 300)).toEqual({ left: 50, width: 50 });
    // A zero-length span still gets a visible sliver.
    expect(waterfall(span("c", "0", 300, 0), 100, 300).width).toBeGreaterThan(0);
  });

  it("never draws a bar past the right edge, even for a zero-length span at the very end", () => {
    for (const bar of [waterfall(span("end", "0", 300, 0), 100, 300), waterfall(span("late", "0", 400, 50), 100, 300), waterfall(span("long", "0", 250, 500), 100, 300)]) {
      expect(bar.left + bar.width).toBeLessThanOrEqual(100);
      expect(bar.width).toBeGreaterThan(0);
    }
  });
});
