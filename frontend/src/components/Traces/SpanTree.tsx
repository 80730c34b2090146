import { IconChevronDown, IconChevronRight } from "@douyinfe/semi-icons";
import { defaultRangeExtractor, useVirtualizer, type Range } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from "react";
import type { OutputSpan } from "../../api/traces";
import { formatLatency } from "../../lib/timeRange";
import { parentOf, visibleRows, waterfall, type TraceTree } from "../../lib/traceTree";

export const ROW_HEIGHT = 30;
const INDENT = 14;
const MAX_INDENT_DEPTH = 24;

/** Why a span sits at the root though it names a parent. */
function orphanNote(span: OutputSpan, tree: TraceTree<OutputSpan>): string {
  return tree.byId.has(span.parent_id)
    ? `Its parents loop back to it (parent ${span.parent_id}): shown as a root.`
    : `Its parent span ${span.parent_id} is not in this trace (not reported, or not yet).`;
}

interface Props {
  tree: TraceTree<OutputSpan>;
  collapsed: ReadonlySet<string>;
  onToggle: (spanId: string) => void;
  selectedId: string | null;
  onSelect: (spanId: string) => void;
  /** Height of the scrolling viewport (CSS). */
  height?: string;
}

/**
 * The span tree as a virtualised list: the tree is flattened into its visible rows (children of collapsed spans
 * skipped), and only the rows in the viewport (plus a few above and below) are in the DOM, each absolutely placed at
 * index × ROW_HEIGHT inside a spacer as tall as all rows. Keyboard: the tree is one tab stop whose active row is
 * `aria-activedescendant`; ↑/↓ move, ←/→ collapse/expand (or go to parent/child), PageUp/PageDown, Home/End.
 * The selected row is always rendered, even when scrolled out of view, so `aria-activedescendant` names an element.
 */
export function SpanTree({ tree, collapsed, onToggle, selectedId, onSelect, height = "100%" }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const selectedIndex = rows.findIndex((row) => row.node.span.span_id === selectedId);
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (selectedIndex < 0 || indexes.includes(selectedIndex)) return indexes;
      return [...indexes, selectedIndex].sort((a, b) => a - b);
    },
    [selectedIndex],
  );
  // The virtualizer is a mutable object by design; this component is not memoized by the React Compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rows[index]?.node.span.span_id ?? index,
    rangeExtractor,
    useFlushSync: false,
  });

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedIndex, virtualizer]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    const index = selectedIndex < 0 ? 0 : selectedIndex;
    const row = rows[index]!;
    const go = (next: number) => {
      const target = rows[Math.min(Math.max(next, 0), rows.length - 1)];
      if (target) onSelect(target.node.span.span_id);
    };
    switch (event.key) {
      case "ArrowDown":
        go(selectedIndex < 0 ? 0 : index + 1);
        break;
      case "ArrowUp":
        go(index - 1);
        break;
      case "PageDown":
      case "PageUp": {
        const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / ROW_HEIGHT) - 1);
        go(event.key === "PageDown" ? index + page : index - page);
        break;
      }
      case "Home":
        go(0);
        break;
      case "End":
        go(rows.length - 1);
        break;
      case "ArrowRight":
        if (row.hasChildren && !row.expanded) onToggle(row.node.span.span_id);
        else if (row.expanded) go(index + 1);
        break;
      case "ArrowLeft":
        if (row.expanded) onToggle(row.node.span.span_id);
        else {
          const parent = parentOf(tree, row.node);
          if (parent) onSelect(parent.span.span_id);
        }
        break;
      case "Enter":
      case " ":
        if (row.hasChildren) onToggle(row.node.span.span_id);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <div
      ref={scrollRef}
      className="loop-span-tree"
      role="tree"
      aria-label="Span tree"
      tabIndex={0}
      aria-activedescendant={selectedIndex >= 0 ? `span-row-${selectedId}` : undefined}
      onKeyDown={onKeyDown}
      style={{ height }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: "relative", width: "100%" }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          const span = row.node.span;
          const selected = span.span_id === selectedId;
          const bar = waterfall(span, tree.startMs, tree.endMs);
          const indent = Math.min(row.depth, MAX_INDENT_DEPTH) * INDENT;
          const name = span.span_name || "(unnamed)";
          return (
            <div
              key={item.key}
              id={`span-row-${span.span_id}`}
              role="treeitem"
              aria-level={row.depth + 1}
              aria-posinset={row.posInSet}
              aria-setsize={row.setSize}
              aria-expanded={row.hasChildren ? row.expanded : undefined}
              aria-selected={selected}
              aria-label={`${name}, ${span.span_type}, ${span.status}, ${formatLatency(Number(span.duration))}${row.node.orphan ? ", parent missing" : ""}`}
              className={`loop-span-row${selected ? " loop-span-row-selected" : ""}${span.status !== "success" ? " loop-span-row-error" : ""}`}
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              onClick={() => onSelect(span.span_id)}
            >
              <div className="loop-span-label" style={{ paddingLeft: indent }}>
                {row.hasChildren ? (
                  <button
                    type="button"
                    tabIndex={-1}
                    className="loop-span-toggle"
                    aria-label={`${row.expanded ? "Collapse" : "Expand"} ${name}`}
                    onClick={(event) => {
                      event.stopPropagation();
                      onToggle(span.span_id);
                    }}
                  >
                    {row.expanded ? <IconChevronDown aria-hidden size="small" /> : <IconChevronRight aria-hidden size="small" />}
                  </button>
                ) : (
                  <span className="loop-span-toggle" aria-hidden />
                )}
                <span className={`loop-status-dot loop-status-${span.status}`} aria-hidden />
                <span className="loop-span-name" title={span.span_name}>
                  {name}
                </span>
                <span className="loop-span-type">{span.span_type}</span>
                {row.node.orphan && (
                  <span className="loop-span-orphan" title={orphanNote(span, tree)}>
                    parent missing
                  </span>
                )}
                {row.depth > MAX_INDENT_DEPTH && <span className="loop-span-type">depth {row.depth}</span>}
              </div>
              <div className="loop-span-timeline" aria-hidden>
                <span className="loop-span-bar" style={{ left: `${bar.left}%`, width: `${bar.width}%` }} />
              </div>
              <span className="loop-span-latency">{formatLatency(Number(span.duration))}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
