import { Table, Tag, Tooltip } from "@douyinfe/semi-ui";
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { spanCost, spanTokens, type OutputSpan, type TraceAdvanceInfo } from "../../api/traces";
import { previewPayload } from "../../lib/modelPayload";
import { formatTimestamp } from "../../lib/time";
import { formatLatency } from "../../lib/timeRange";
import { CopyButton } from "../common/CopyButton";
import { LabelledTable } from "../common/LabelledTable";

export function StatusTag({ status }: { status: string }) {
  return (
    <Tag size="small" color={status === "success" ? "green" : "red"}>
      {status}
    </Tag>
  );
}

export function formatCost(cost: number | null): string {
  if (cost === null) return "–";
  return cost >= 0.01 ? cost.toFixed(4) : cost.toPrecision(3);
}

/** How long the input / output preview in a cell's tooltip may be (the cell itself shows one line). */
const PREVIEW_TOOLTIP_CHARS = 400;

/** One line of a span's input or output, cut with an ellipsis; the tooltip (title) holds more of it. */
function PreviewLine({ label, raw }: { label: string; raw: string }) {
  const line = previewPayload(raw, PREVIEW_TOOLTIP_CHARS);
  return (
    <div className="loop-io-line">
      <span className="loop-io-label">{label}</span>
      {line ? (
        <span className="loop-io-text" title={line}>
          {line}
        </span>
      ) : (
        <span className="loop-muted">–</span>
      )}
    </div>
  );
}

function Tokens({ span, advance, rootList, failed }: { span: OutputSpan; advance?: TraceAdvanceInfo; rootList: boolean; failed: boolean }) {
  let tokens: { input: number; output: number } | null = null;
  if (rootList && advance) tokens = { input: Number(advance.tokens.input), output: Number(advance.tokens.output) };
  else if (!rootList) tokens = spanTokens(span);
  if (!tokens) {
    // Root lists wait for the traces' totals ("…"); "–" when there are none, or they could not be loaded.
    if (!rootList || failed) return <span className="loop-muted">–</span>;
    return (
      <span className="loop-muted">
        <span aria-hidden>…</span>
        <span className="loop-visually-hidden">Loading tokens</span>
      </span>
    );
  }
  return (
    <Tooltip content={`${tokens.input} in / ${tokens.output} out${rootList ? " (whole trace)" : ""}`}>
      <span>{(tokens.input + tokens.output).toLocaleString()}</span>
    </Tooltip>
  );
}

/** The span's cost tag under its tokens (the table has no room for a column of its own at 1280 px). */
function Cost({ span }: { span: OutputSpan }) {
  const cost = spanCost(span);
  if (cost === null) return null;
  return (
    <div className="loop-cost" title="Cost (the span's cost tag)">
      {formatCost(cost)}
    </div>
  );
}

/**
 * Column widths (px; cells have 8 px side padding). Span name, latency, tokens and model sit left of the previews,
 * and all of them plus `io` (the least the input / output column gets) fit the ~920 px the table has at 1280 px.
 */
const WIDTHS = { status: 80, traceId: 112, span: 160, latency: 80, tokens: 76, model: 112, start: 160, io: 140 } as const;

/** The narrowest the table gets before it scrolls sideways (the input / output column takes the rest). */
export const MIN_TABLE_WIDTH = Object.values(WIDTHS).reduce((sum, width) => sum + width, 0);

interface Props {
  spans: OutputSpan[];
  advance: Map<string, TraceAdvanceInfo>;
  /** True when the token totals of the traces could not be loaded. */
  advanceFailed?: boolean;
  /** Root spans: tokens come from the traces' advance info, else from the span's tags. */
  rootList: boolean;
  loading: boolean;
  empty: ReactNode;
  onOpen: (span: OutputSpan) => void;
  linkTo: (span: OutputSpan) => string;
  /** Check boxes to pick spans (by `spanKey`), e.g. to export them to an evaluation set. */
  selection?: { selected: string[]; onChange: (keys: string[]) => void };
}

/** A listed span's key: its trace and span ids. */
export const spanKey = (span: OutputSpan) => `${span.trace_id}:${span.span_id}`;

/** The check box column; the input / output column (no fixed width) gives up as much, so the table still fits 1280 px. */
const SELECTION_WIDTH = 40;

/**
 * The span list. Left to right: status, trace id, span name and type, latency, tokens (and the cost, when a listed
 * span has a cost tag), model, start time, then the input / output previews (one line each, more in a tooltip)
 * taking what width is left. At 1280 px it all fits without scrolling sideways.
 */
export function SpanTable({ spans, advance, advanceFailed = false, rootList, loading, empty, onOpen, linkTo, selection }: Props) {
  const withCost = spans.some((span) => spanCost(span) !== null);
  const columns = [
    { title: "Status", key: "status", width: WIDTHS.status, render: (_: unknown, span: OutputSpan) => <StatusTag status={span.status} /> },
    {
      title: "Trace ID",
      key: "trace_id",
      width: WIDTHS.traceId,
      render: (_: unknown, span: OutputSpan) => (
        <span className="loop-id-cell">
          <span className="loop-mono-small" title={span.trace_id}>
            {span.trace_id.slice(0, 8)}…
          </span>
          <CopyButton compact text={span.trace_id} label={`Copy trace ID ${span.trace_id}`} />
        </span>
      ),
    },
    {
      title: "Span",
      key: "span_name",
      width: WIDTHS.span,
      render: (_: unknown, span: OutputSpan) => (
        <div className="loop-span-cell">
          <Link to={linkTo(span)} className="loop-link-strong loop-ellipsis" title={span.span_name} onClick={(event) => event.stopPropagation()}>
            {span.span_name || "(unnamed)"}
          </Link>
          <span className="loop-span-type loop-ellipsis">{span.span_type}</span>
        </div>
      ),
    },
    { title: "Latency", key: "duration", width: WIDTHS.latency, align: "right" as const, render: (_: unknown, span: OutputSpan) => formatLatency(Number(span.duration)) },
    {
      title: withCost ? (
        <>
          Tokens
          <div className="loop-th-sub">and cost</div>
        </>
      ) : (
        "Tokens"
      ),
      key: "tokens",
      width: WIDTHS.tokens,
      align: "right" as const,
      render: (_: unknown, span: OutputSpan) => (
        <>
          <Tokens span={span} advance={advance.get(span.trace_id)} rootList={rootList} failed={advanceFailed} />
          <Cost span={span} />
        </>
      ),
    },
    {
      title: "Model",
      key: "model",
      width: WIDTHS.model,
      render: (_: unknown, span: OutputSpan) => {
        const model = span.tags_string?.model_name;
        return model ? (
          <span className="loop-ellipsis" title={model}>
            {model}
          </span>
        ) : (
          <span className="loop-muted">–</span>
        );
      },
    },
    {
      title: "Start time",
      key: "started_at",
      width: WIDTHS.start,
      render: (_: unknown, span: OutputSpan) => (
        <span className="loop-nowrap" title={formatTimestamp(span.started_at, "full")}>
          {formatTimestamp(span.started_at)}
        </span>
      ),
    },
    {
      title: "Input / output",
      key: "io",
      render: (_: unknown, span: OutputSpan) => (
        <div className="loop-io-cell">
          <PreviewLine label="In" raw={span.input} />
          <PreviewLine label="Out" raw={span.output} />
        </div>
      ),
    },
  ];

  return (
    <div className="loop-span-table">
      <LabelledTable label="Spans">
        <Table<OutputSpan>
          rowKey={(span?: OutputSpan) => (span ? spanKey(span) : "")}
          columns={columns}
          dataSource={spans}
          loading={loading}
          pagination={false}
          size="small"
          scroll={{ x: `max(100%, ${MIN_TABLE_WIDTH}px)` }}
          empty={empty}
          rowSelection={
            selection
              ? {
                  width: SELECTION_WIDTH,
                  selectedRowKeys: selection.selected,
                  onChange: (keys?: (string | number)[]) => selection.onChange((keys ?? []).map(String)),
                  getCheckboxProps: (span: OutputSpan) => ({ "aria-label": `Select span ${span.span_name || span.span_id}`, onClick: (event: { stopPropagation: () => void }) => event.stopPropagation() }),
                }
              : undefined
          }
          onRow={(span?: OutputSpan) => ({ onClick: () => span && onOpen(span), className: "loop-clickable-row" })}
        />
      </LabelledTable>
    </div>
  );
}
