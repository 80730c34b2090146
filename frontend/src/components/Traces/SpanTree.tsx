import { IconChevronDown, IconChevronRight } from "@douyinfe/semi-icons";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, type KeyboardEvent } from "react";
import type { OutputSpan } from "../../api/traces";
import { formatLatency } from "../../lib/timeRange";
import { visibleRows, waterfall, type TraceTree } from "../../lib/traceTree";

export const ROW_HEIGHT = 30;
const INDENT = 14;
const MAX_INDENT_DEPTH = 24;

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
 * `aria-activedescendant`; ↑/↓ move, ←/→ collapse/expand (or go to parent/child), Home/End.
 */
export function SpanTree({ tree, collapsed, onToggle, selectedId, onSelect, height = "100%" }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const selectedIndex = rows.findIndex((row) => row.node.span.span_id === selectedId);
  // The virtualizer is a mutable object by design; this component is not memoized by the React Compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rows[index]?.node.span.span_id ?? index,
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
          const parent = tree.byId.get(row.node.span.parent_id);
          if (parent && row.depth > 0) onSelect(parent.span.span_id);
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
          return (
            <div
              key={item.key}
              id={`span-row-${span.span_id}`}
              role="treeitem"
              aria-level={row.depth + 1}
              aria-expanded={row.hasChildren ? row.expanded : undefined}
              aria-selected={selected}
              aria-label={`${span.span_name || "(unnamed)"}, ${span.span_type}, ${span.status}, ${formatLatency(Number(span.duration))}`}
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
                    aria-label={`${row.expanded ? "Collapse" : "Expand"} ${span.span_name}`}
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
                  {span.span_name || "(unnamed)"}
                </span>
                <span className="loop-span-type">{span.span_type}</span>
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
