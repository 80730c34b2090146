/**
 * The span tree of one trace, built from parent ids, and its visible rows for a virtualised list.
 *
 * Roots are spans whose parent is "0" or "" (the SDK's root marker), whose parent is not in the trace (a child
 * reported before its parent, or a parent lost), or that sit on a parent cycle. Siblings are ordered by start time,
 * then span id. Everything is iterative: a trace can be a 5,000-deep chain.
 */

export interface TreeSpan {
  span_id: string;
  parent_id: string;
  started_at: string;
  duration: string;
}

export interface TraceNode<S extends TreeSpan> {
  span: S;
  children: TraceNode<S>[];
  depth: number;
  /** True when the span names a parent that is not in the trace. */
  orphan: boolean;
}

export interface TraceTree<S extends TreeSpan> {
  roots: TraceNode<S>[];
  byId: Map<string, TraceNode<S>>;
  /** Earliest start and latest end over all spans, in ms (the waterfall's scale). */
  startMs: number;
  endMs: number;
  size: number;
}

const ROOT_PARENTS = new Set(["0", ""]);

function compare<S extends TreeSpan>(a: TraceNode<S>, b: TraceNode<S>): number {
  const byStart = Number(a.span.started_at) - Number(b.span.started_at);
  if (byStart !== 0) return byStart;
  return a.span.span_id < b.span.span_id ? -1 : a.span.span_id > b.span.span_id ? 1 : 0;
}

export function buildTraceTree<S extends TreeSpan>(spans: readonly S[]): TraceTree<S> {
  const byId = new Map<string, TraceNode<S>>();
  for (const span of spans) {
    // A span reported twice keeps its first copy.
    if (!byId.has(span.span_id)) byId.set(span.span_id, { span, children: [], depth: 0, orphan: false });
  }
  const roots: TraceNode<S>[] = [];
  for (const node of byId.values()) {
    const parentId = node.span.parent_id;
    const parent = ROOT_PARENTS.has(parentId) || parentId === node.span.span_id ? undefined : byId.get(parentId);
    if (parent) parent.children.push(node);
    else {
      node.orphan = !ROOT_PARENTS.has(parentId) && parentId !== node.span.span_id;
      roots.push(node);
    }
  }
  // Spans on a parent cycle are reachable from no root: the earliest of each cycle becomes a root.
  const reached = new Set<TraceNode<S>>();
  const walk = (from: TraceNode<S>) => {
    const stack = [from];
    while (stack.length) {
      const node = stack.pop()!;
      if (reached.has(node)) continue;
      reached.add(node);
      for (const child of node.children) stack.push(child);
    }
  };
  roots.forEach(walk);
  if (reached.size < byId.size) {
    const unreached = [...byId.values()].filter((node) => !reached.has(node)).sort(compare);
    const parentOf = (node: TraceNode<S>) => byId.get(node.span.parent_id)!; // unreached spans all have one
    for (const start of unreached) {
      if (reached.has(start)) continue;
      // Climb until a span repeats: it is on the cycle. Break the cycle above its earliest member.
      const seen = new Set<TraceNode<S>>();
      let onCycle = start;
      while (!seen.has(onCycle)) {
        seen.add(onCycle);
        onCycle = parentOf(onCycle);
      }
      let earliest = onCycle;
      for (let member = parentOf(onCycle); member !== onCycle; member = parentOf(member)) {
        if (compare(member, earliest) < 0) earliest = member;
      }
      const parent = parentOf(earliest);
      parent.children = parent.children.filter((child) => child !== earliest);
      earliest.orphan = true;
      roots.push(earliest);
      walk(earliest);
    }
  }
  roots.sort(compare);
  let startMs = Infinity;
  let endMs = -Infinity;
  const stack: TraceNode<S>[] = [...roots];
  for (const root of roots) root.depth = 0;
  while (stack.length) {
    const node = stack.pop()!;
    node.children.sort(compare);
    const start = Number(node.span.started_at);
    startMs = Math.min(startMs, start);
    endMs = Math.max(endMs, start + Number(node.span.duration));
    for (const child of node.children) {
      child.depth = node.depth + 1;
      stack.push(child);
    }
  }
  if (!Number.isFinite(startMs)) startMs = endMs = 0;
  return { roots, byId, startMs, endMs, size: byId.size };
}

export interface TreeRow<S extends TreeSpan> {
  node: TraceNode<S>;
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
  /** 1-based position among its siblings, and how many siblings there are (aria-posinset / aria-setsize). */
  posInSet: number;
  setSize: number;
}

/** The rows on screen in order: a depth-first walk that skips the children of collapsed spans. */
export function visibleRows<S extends TreeSpan>(tree: TraceTree<S>, collapsed: ReadonlySet<string>): TreeRow<S>[] {
  const rows: TreeRow<S>[] = [];
  type Entry = { node: TraceNode<S>; pos: number; size: number };
  const stack: Entry[] = tree.roots.map((node, index) => ({ node, pos: index + 1, size: tree.roots.length })).reverse();
  while (stack.length) {
    const { node, pos, size } = stack.pop()!;
    const hasChildren = node.children.length > 0;
    const expanded = hasChildren && !collapsed.has(node.span.span_id);
    rows.push({ node, depth: node.depth, hasChildren, expanded, posInSet: pos, setSize: size });
    if (expanded) {
      const count = node.children.length;
      for (let i = count - 1; i >= 0; i -= 1) stack.push({ node: node.children[i]!, pos: i + 1, size: count });
    }
  }
  return rows;
}

/** The node's parent in the tree as built (undefined for roots, including orphans and broken cycles). */
export function parentOf<S extends TreeSpan>(tree: TraceTree<S>, node: TraceNode<S>): TraceNode<S> | undefined {
  if (node.depth === 0) return undefined;
  return tree.byId.get(node.span.parent_id);
}

/**
 * Where `spanId` shows in the tree with these spans collapsed: itself when visible, else its outermost collapsed
 * ancestor (the row that hides it). The selection moves there when a collapse hides the selected span, so the
 * selected row stays on screen and keyboard navigation goes on from it. Null when the span is not in the tree.
 */
export function visibleAncestor<S extends TreeSpan>(tree: TraceTree<S>, spanId: string, collapsed: ReadonlySet<string>): string | null {
  const node = tree.byId.get(spanId);
  if (!node) return null;
  let shown = node;
  for (let up = parentOf(tree, node); up; up = parentOf(tree, up)) {
    if (collapsed.has(up.span.span_id)) shown = up;
  }
  return shown.span.span_id;
}

/** Where a span's bar sits on the trace's waterfall, in percent of the trace's length. */
export function waterfall(span: TreeSpan, startMs: number, endMs: number): { left: number; width: number } {
  const total = Math.max(endMs - startMs, 1);
  const rawLeft = ((Number(span.started_at) - startMs) / total) * 100;
  const rawWidth = (Number(span.duration) / total) * 100;
  // At least a sliver so a zero-length span shows; never past the right edge.
  const left = Math.min(Math.max(rawLeft, 0), 99.5);
  return { left, width: Math.min(Math.max(rawWidth, 0.5), 100 - left) };
}

/** The ids of every span that has children (to collapse all). */
export function parentIds<S extends TreeSpan>(tree: TraceTree<S>): string[] {
  return [...tree.byId.values()].filter((node) => node.children.length > 0).map((node) => node.span.span_id);
}
