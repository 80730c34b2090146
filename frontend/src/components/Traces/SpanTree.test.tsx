import { fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { OutputSpan } from "../../api/traces";
import { buildTraceTree } from "../../lib/traceTree";
import { outputSpan } from "../../test/outputSpan";
import { SpanTree } from "./SpanTree";

function span(id: number, parent: string, status: "success" | "error" = "success"): OutputSpan {
  return outputSpan({
    trace_id: "a".repeat(32),
    span_id: `span-${id}`,
    parent_id: parent,
    span_name: `step ${id}`,
    span_type: id === 0 ? "custom" : "tool",
    started_at: String(1_000 + id),
    duration: String(id === 0 ? 10_000 : 5),
    status,
    status_code: status === "success" ? 0 : -1,
  });
}

function Harness({ spans }: { spans: OutputSpan[] }) {
  const tree = buildTraceTree(spans);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | null>("span-0");
  const toggle = (id: string) =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <div style={{ height: 600 }}>
      <SpanTree tree={tree} collapsed={collapsed} onToggle={toggle} selectedId={selected} onSelect={setSelected} height="600px" />
      <output data-testid="selected">{selected}</output>
    </div>
  );
}

// A root with 4,999 children, the first of which has one child of its own.
const FIVE_THOUSAND = [span(0, "0"), ...Array.from({ length: 4998 }, (_, i) => span(i + 1, "span-0")), span(4999, "span-1", "error")];

describe("SpanTree", () => {
  // jsdom lays nothing out: give the tree's scrolling viewport a size (what the virtualiser measures).
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.classList.contains("loop-span-tree") ? 600 : 0;
    });
    vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockImplementation(function (this: HTMLElement) {
      return this.classList.contains("loop-span-tree") ? 800 : 0;
    });
  });

  it("keeps only the visible rows of a 5,000-span trace in the DOM", () => {
    render(<Harness spans={FIVE_THOUSAND} />);
    const tree = screen.getByRole("tree", { name: "Span tree" });
    const rows = within(tree).getAllByRole("treeitem");
    // 600 px / 30 px rows = 20 on screen, plus the overscan below.
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]).toHaveAttribute("aria-level", "1");
    expect(rows[0]).toHaveAttribute("aria-expanded", "true");
    expect(rows[0]).toHaveAttribute("aria-selected", "true");
    // The spacer is as tall as all 5,000 rows, so the scrollbar covers the whole trace.
    expect((tree.firstElementChild as HTMLElement).style.height).toBe(`${5000 * 30}px`);

    // Scrolled to row 3,000: that neighbourhood is rendered instead of the top, but for the selected row, which
    // stays in the DOM (out of view) so aria-activedescendant names an element.
    tree.scrollTop = 3000 * 30;
    fireEvent.scroll(tree);
    const after = within(tree).getAllByRole("treeitem").map((item) => item.id);
    expect(after.length).toBeLessThan(60);
    expect(after).toContain("span-row-span-2999");
    expect(after).not.toContain("span-row-span-1");
    expect(after.filter((id) => Number(id.split("-").pop()) < 2900)).toEqual(["span-row-span-0"]);
    expect(tree).toHaveAttribute("aria-activedescendant", "span-row-span-0");
    expect(document.getElementById("span-row-span-0")).toHaveAttribute("aria-selected", "true");
  });

  it("collapses and expands a span, and moves the selection with the keyboard", () => {
    render(<Harness spans={[span(0, "0"), span(1, "span-0"), span(2, "span-1"), span(3, "span-0")]} />);
    const tree = screen.getByRole("tree", { name: "Span tree" });
    expect(within(tree).getAllByRole("treeitem")).toHaveLength(4);

    fireEvent.click(screen.getByRole("button", { name: "Collapse step 1" }));
    expect(within(tree).getAllByRole("treeitem")).toHaveLength(3);
    fireEvent.click(screen.getByRole("button", { name: "Expand step 1" }));
    expect(within(tree).getAllByRole("treeitem")).toHaveLength(4);

    fireEvent.keyDown(tree, { key: "ArrowDown" });
    expect(screen.getByTestId("selected")).toHaveTextContent("span-1");
    fireEvent.keyDown(tree, { key: "ArrowLeft" }); // collapse step 1
    expect(within(tree).getAllByRole("treeitem")).toHaveLength(3);
    fireEvent.keyDown(tree, { key: "ArrowLeft" }); // to its parent
    expect(screen.getByTestId("selected")).toHaveTextContent("span-0");
    fireEvent.keyDown(tree, { key: "End" });
    expect(screen.getByTestId("selected")).toHaveTextContent("span-3");
    fireEvent.click(within(tree).getAllByRole("treeitem")[1]!);
    expect(screen.getByTestId("selected")).toHaveTextContent("span-1");
    expect(tree).toHaveAttribute("aria-activedescendant", "span-row-span-1");
  });

  it("marks orphans (parent not in the trace) and gives rows their place among siblings", () => {
    render(<Harness spans={[span(0, "0"), span(1, "span-0"), span(2, "span-0"), span(3, "ffffffffffffffff")]} />);
    const tree = screen.getByRole("tree", { name: "Span tree" });
    const rows = within(tree).getAllByRole("treeitem");
    expect(rows.map((row) => [row.getAttribute("aria-level"), row.getAttribute("aria-posinset"), row.getAttribute("aria-setsize")])).toEqual([
      ["1", "1", "2"],
      ["2", "1", "2"],
      ["2", "2", "2"],
      ["1", "2", "2"],
    ]);
    expect(rows[3]).toHaveAttribute("aria-label", "step 3, tool, success, 5 ms, parent missing");
    expect(within(rows[3]!).getByText("parent missing")).toHaveAttribute("title", expect.stringContaining("ffffffffffffffff is not in this trace"));
    expect(within(rows[0]!).queryByText("parent missing")).not.toBeInTheDocument();
  });

  it("pages with PageDown / PageUp by a viewport of rows", () => {
    render(<Harness spans={FIVE_THOUSAND} />);
    const tree = screen.getByRole("tree", { name: "Span tree" });
    fireEvent.keyDown(tree, { key: "PageDown" });
    // 600 px viewport / 30 px rows = 20 rows; a page moves 19 (one row of context stays): row 19 is step 18, as
    // step 4999 (step 1's child) is row 2.
    expect(screen.getByTestId("selected").textContent).toBe("span-18");
    expect(tree).toHaveAttribute("aria-activedescendant", "span-row-span-18");
    fireEvent.keyDown(tree, { key: "PageUp" });
    expect(screen.getByTestId("selected").textContent).toBe("span-0");
    fireEvent.keyDown(tree, { key: "PageUp" });
    expect(screen.getByTestId("selected").textContent).toBe("span-0");
  });

  it("labels the toggle of an unnamed span", () => {
    render(<Harness spans={[{ ...span(0, "0"), span_name: "" }, span(1, "span-0")]} />);
    expect(screen.getByRole("button", { name: "Collapse (unnamed)" })).toBeInTheDocument();
  });
});
