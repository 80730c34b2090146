import { Button, SideSheet } from "@douyinfe/semi-ui";
import { useMemo, useState } from "react";
import { useTrace, type OutputSpan } from "../../api/traces";
import { formatLatency } from "../../lib/timeRange";
import { buildTraceTree, parentIds, visibleAncestor } from "../../lib/traceTree";
import { CopyButton } from "../common/CopyButton";
import { ErrorState, Loading } from "../common/QueryState";
import { SpanDetail } from "./SpanDetail";
import { SpanTree } from "./SpanTree";

/** The trace detail side sheet: opened by `?trace_id=` (so it can be linked), `onClose` drops the parameter. */
export function TraceDrawer({ spaceId, traceId, initialSpanId, onClose }: { spaceId: string; traceId: string | null; initialSpanId?: string | null; onClose: () => void }) {
  return (
    <SideSheet
      visible={!!traceId}
      onCancel={onClose}
      width="min(1280px, 94vw)"
      title={traceId ? <TraceTitle traceId={traceId} /> : null}
      bodyStyle={{ padding: 0, display: "flex", flexDirection: "column", overflow: "hidden" }}
      closeOnEsc
      aria-label="Trace detail"
    >
      {traceId && <TraceDetail key={traceId} spaceId={spaceId} traceId={traceId} initialSpanId={initialSpanId ?? null} />}
    </SideSheet>
  );
}

function TraceTitle({ traceId }: { traceId: string }) {
  return (
    <span className="loop-trace-title">
      Trace <span className="loop-mono-small">{traceId}</span>
      <CopyButton compact text={traceId} label="Copy trace ID" />
    </span>
  );
}

export function TraceDetail({ spaceId, traceId, initialSpanId }: { spaceId: string; traceId: string; initialSpanId: string | null }) {
  const trace = useTrace(spaceId, traceId);
  const spans = trace.data?.spans;
  const tree = useMemo(() => buildTraceTree<OutputSpan>(spans ?? []), [spans]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [picked, setPicked] = useState<string | null>(initialSpanId);
  const selectedId = picked && tree.byId.has(picked) ? picked : (tree.roots[0]?.span.span_id ?? null);
  const selected = selectedId ? tree.byId.get(selectedId)?.span : undefined;

  if (trace.isPending) return <Loading label="Loading the trace…" />;
  if (trace.isError && !trace.data) return <ErrorState title="Could not load this trace" error={trace.error} onRetry={() => void trace.refetch()} />;
  if (tree.size === 0) {
    return (
      <div className="loop-empty loop-no-traces">
        <p className="loop-empty-title">This trace has no spans (yet)</p>
        <p className="loop-muted">Spans show up about a second after they are reported, and are kept for the workspace&apos;s retention period.</p>
        <Button onClick={() => void trace.refetch()}>Reload</Button>
      </div>
    );
  }
  const tokens = trace.data.traces_advance_info?.tokens;
  // A collapse that hides the selected span moves the selection to the row that now stands for it.
  const collapse = (next: ReadonlySet<string>) => {
    setCollapsed(next);
    if (selectedId) setPicked(visibleAncestor(tree, selectedId, next));
  };
  const toggle = (spanId: string) => {
    const next = new Set(collapsed);
    if (next.has(spanId)) next.delete(spanId);
    else next.add(spanId);
    collapse(next);
  };
  let errors = 0;
  for (const node of tree.byId.values()) if (node.span.status !== "success") errors += 1;

  return (
    <div className="loop-trace-detail">
      <div className="loop-trace-summary" data-testid="trace-summary">
        <span>
          <strong>{tree.size}</strong> span{tree.size === 1 ? "" : "s"}
        </span>
        <span>
          Duration <strong>{formatLatency(tree.endMs - tree.startMs)}</strong>
        </span>
        {tokens && (
          <span>
            Tokens <strong>{Number(tokens.input) + Number(tokens.output)}</strong> ({tokens.input} in / {tokens.output} out)
          </span>
        )}
        {errors > 0 && <span className="loop-text-danger">{errors} with errors</span>}
        <span className="loop-header-spacer" />
        <Button size="small" theme="borderless" onClick={() => setCollapsed(new Set())}>
          Expand all
        </Button>
        <Button size="small" theme="borderless" onClick={() => collapse(new Set(parentIds(tree)))}>
          Collapse all
        </Button>
        <Button size="small" theme="borderless" loading={trace.isFetching} onClick={() => void trace.refetch()}>
          Reload
        </Button>
      </div>
      {trace.isError && <ErrorState title="Could not reload this trace" error={trace.error} onRetry={() => void trace.refetch()} />}
      <div className="loop-trace-split">
        <div className="loop-trace-tree-pane">
          <SpanTree tree={tree} collapsed={collapsed} onToggle={toggle} selectedId={selectedId} onSelect={setPicked} />
        </div>
        <div className="loop-trace-detail-pane">{selected && <SpanDetail spaceId={spaceId} span={selected} />}</div>
      </div>
    </div>
  );
}
