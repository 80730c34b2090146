import { Table, Tag, Tooltip } from "@douyinfe/semi-ui";
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { spanCost, spanTokens, type OutputSpan, type TraceAdvanceInfo } from "../../api/traces";
import { previewPayload } from "../../lib/modelPayload";
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

export function formatStart(ms: string): string {
  const n = Number(ms);
  if (!Number.isFinite(n) || n <= 0) return "–";
  return new Date(n).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function formatCost(cost: number | null): string {
  if (cost === null) return "–";
  return cost >= 0.01 ? cost.toFixed(4) : cost.toPrecision(3);
}

function Preview({ raw }: { raw: string }) {
  const line = previewPayload(raw);
  return line ? <span className="loop-clamp loop-preview">{line}</span> : <span className="loop-muted">–</span>;
}

function Tokens({ span, advance, rootList }: { span: OutputSpan; advance?: TraceAdvanceInfo; rootList: boolean }) {
  let tokens: { input: number; output: number } | null = null;
  if (rootList && advance) tokens = { input: Number(advance.tokens.input), output: Number(advance.tokens.output) };
  else if (!rootList) tokens = spanTokens(span);
  if (!tokens) return <span className="loop-muted">{rootList ? "…" : "–"}</span>;
  return (
    <Tooltip content={`${tokens.input} in / ${tokens.output} out${rootList ? " (whole trace)" : ""}`}>
      <span>{tokens.input + tokens.output}</span>
    </Tooltip>
  );
}

interface Props {
  spans: OutputSpan[];
  advance: Map<string, TraceAdvanceInfo>;
  /** Root spans: tokens come from the traces' advance info, else from the span's tags. */
  rootList: boolean;
  loading: boolean;
  empty: ReactNode;
  onOpen: (span: OutputSpan) => void;
  linkTo: (span: OutputSpan) => string;
}

export function SpanTable({ spans, advance, rootList, loading, empty, onOpen, linkTo }: Props) {
  const columns = [
    { title: "Status", key: "status", width: 90, render: (_: unknown, span: OutputSpan) => <StatusTag status={span.status} /> },
    {
      title: "Trace ID",
      key: "trace_id",
      width: 150,
      render: (_: unknown, span: OutputSpan) => (
        <span className="loop-id-cell">
          <span className="loop-mono-small" title={span.trace_id}>
            {span.trace_id.slice(0, 10)}…
          </span>
          <CopyButton compact text={span.trace_id} label={`Copy trace ID ${span.trace_id}`} />
        </span>
      ),
    },
    {
      title: "Span name",
      key: "span_name",
      width: 180,
      render: (_: unknown, span: OutputSpan) => (
        <Link to={linkTo(span)} className="loop-link-strong" onClick={(event) => event.stopPropagation()}>
          {span.span_name || "(unnamed)"}
        </Link>
      ),
    },
    { title: "Type", key: "span_type", width: 100, render: (_: unknown, span: OutputSpan) => span.span_type },
    { title: "Input", key: "input", width: 240, render: (_: unknown, span: OutputSpan) => <Preview raw={span.input} /> },
    { title: "Output", key: "output", width: 240, render: (_: unknown, span: OutputSpan) => <Preview raw={span.output} /> },
    { title: "Start time", key: "started_at", width: 150, render: (_: unknown, span: OutputSpan) => formatStart(span.started_at) },
    { title: "Latency", key: "duration", width: 90, align: "right" as const, render: (_: unknown, span: OutputSpan) => formatLatency(Number(span.duration)) },
    {
      title: "Tokens",
      key: "tokens",
      width: 80,
      align: "right" as const,
      render: (_: unknown, span: OutputSpan) => <Tokens span={span} advance={advance.get(span.trace_id)} rootList={rootList} />,
    },
    { title: "Model", key: "model", width: 130, render: (_: unknown, span: OutputSpan) => span.tags_string?.model_name || <span className="loop-muted">–</span> },
    { title: "Cost", key: "cost", width: 80, align: "right" as const, render: (_: unknown, span: OutputSpan) => formatCost(spanCost(span)) },
  ];

  return (
    <LabelledTable label="Spans">
      <Table<OutputSpan>
        rowKey={(span?: OutputSpan) => (span ? `${span.trace_id}:${span.span_id}` : "")}
        columns={columns}
        dataSource={spans}
        loading={loading}
        pagination={false}
        size="small"
        scroll={{ x: 1500 }}
        empty={empty}
        onRow={(span?: OutputSpan) => ({ onClick: () => span && onOpen(span), className: "loop-clickable-row" })}
      />
    </LabelledTable>
  );
}
