import { Select, Spin } from "@douyinfe/semi-ui";
import { useMemo, useState, type ReactNode } from "react";
import { GRANULARITIES, useMetricNames, useMetrics, useModelNames, type Metric } from "../../api/metrics";
import { useCurrentSpace } from "../../app/session";
import { quickRange, refreshRange, resolveRange, type TimeRange } from "../../lib/timeRange";
import { PageHeader } from "../common/PageHeader";
import { ErrorState, Loading } from "../common/QueryState";
import { NoTracesHint } from "../Observation/NoTracesHint";
import { TimeRangePicker } from "../Observation/TimeRangePicker";
import { EChart } from "./EChart";
import {
  fitGranularity,
  formatFor,
  formatMetric,
  granularityLabel,
  granularityMs,
  lineOption,
  pieOption,
  pieSlices,
  type ChartWindow,
  type GranularityChoice,
  type MetricSpec,
} from "./metricFormat";
import "../Observation/observation.css";

const CARDS: MetricSpec[] = [
  { name: "service_trace_count", label: "Traces", format: "count" },
  { name: "service_span_count", label: "Spans", format: "count" },
  { name: "general_fail_ratio", label: "Trace error rate", format: "percent" },
  { name: "model_duration", label: "Model latency (avg)", format: "ms" },
  { name: "model_token_count", label: "Model tokens", format: "count" },
  { name: "service_user_count", label: "Users", format: "count" },
];
/** Time series; `model` ones are split by model name when models are picked. */
const LINES: (MetricSpec & { model: boolean })[] = [
  { name: "service_trace_count", label: "Traces", format: "count", model: false },
  { name: "general_fail_ratio", label: "Trace error rate (%)", format: "percent", model: false },
  { name: "model_token_count", label: "Model tokens", format: "count", model: true },
  { name: "model_duration_pct99", label: "Model latency p99 (ms)", format: "ms", model: true },
];
const PIES: MetricSpec[] = [
  { name: "model_total_count_pie", label: "Model calls by model", format: "count" },
  { name: "model_token_count_pie", label: "Model tokens by model", format: "count" },
];

function ChartCard({ title, children, busy }: { title: string; children: ReactNode; busy?: boolean }) {
  return (
    <section className="loop-card" aria-label={title}>
      <div className="loop-section-header">
        <h2 className="loop-card-title">{title}</h2>
        {busy && <Spin size="small" />}
      </div>
      {children}
    </section>
  );
}

function LineCard({ spec, metric, window, only, title, busy }: { spec: MetricSpec; metric: Metric | undefined; window: ChartWindow; only?: readonly string[]; title: string; busy?: boolean }) {
  const option = useMemo(() => lineOption(spec, metric, window, only), [spec, metric, window, only]);
  return (
    <ChartCard title={title} busy={busy}>
      <EChart label={title} option={option} />
    </ChartCard>
  );
}

function PieCard({ spec, metric }: { spec: MetricSpec; metric: Metric | undefined }) {
  const option = useMemo(() => pieOption(metric), [metric]);
  return (
    <ChartCard title={spec.label}>
      {pieSlices(metric).length === 0 ? <p className="loop-muted">No model calls in this range.</p> : <EChart label={spec.label} option={option} />}
    </ChartCard>
  );
}

const NO_MODELS: string[] = [];

export function MetricsDashboard() {
  const space = useCurrentSpace();
  const [range, setRange] = useState<TimeRange>(() => quickRange("24h"));
  const [wanted, setWanted] = useState<GranularityChoice>("auto");
  const [models, setModels] = useState<string[]>(NO_MODELS);
  const [extra, setExtra] = useState<string[]>([]);
  const timeWindow = useMemo(() => resolveRange(range), [range]);
  const { start, end } = timeWindow;
  const granularity = fitGranularity(wanted, start, end);
  const autoGranularity = fitGranularity("auto", start, end);

  const names = useMetricNames(space.id);
  const known = useMemo(() => new Set(names.data ?? []), [names.data]);
  const baseNames = useMemo(() => {
    const all = [...CARDS, ...LINES, ...PIES].map((spec) => spec.name).concat(extra);
    return [...new Set(all)].filter((name) => known.has(name));
  }, [known, extra]);
  const modelNames = useMemo(() => LINES.filter((line) => line.model && known.has(line.name)).map((line) => line.name), [known]);
  const splitting = models.length > 0;
  const base = useMetrics(space.id, { start, end, granularity, names: baseNames }, names.isSuccess);
  const drill = useMetrics(space.id, { start, end, granularity, names: modelNames, byModel: true }, names.isSuccess && splitting);
  const modelOptions = useModelNames(space.id, { start, end });

  const refresh = () => {
    if (range.kind === "quick") setRange(refreshRange(range));
    else {
      // A custom range is the same query key again: ask again explicitly.
      void base.refetch();
      void modelOptions.refetch();
      if (splitting) void drill.refetch();
    }
  };

  // Each result carries the window it was asked for: while the next window loads, charts keep their own axis.
  const result = base.data;
  const metrics = result?.metrics;
  const chartWindow = useMemo<ChartWindow | undefined>(() => result && { start: result.start, end: result.end, granularity: result.granularity }, [result]);
  const drilled = drill.data;
  const drillWindow = useMemo<ChartWindow | undefined>(() => drilled && { start: drilled.start, end: drilled.end, granularity: drilled.granularity }, [drilled]);
  const countMetric = metrics?.service_span_count ?? metrics?.service_trace_count;
  const noSpans = !!countMetric && Number(countMetric.summary ?? "0") === 0;
  const extraOptions = (names.data ?? []).filter((name) => !name.endsWith("_pie") && !LINES.some((line) => line.name === name));
  const stale = base.isPlaceholderData;

  return (
    <div className="loop-page loop-page-wide">
      <PageHeader title="Metrics" description="Traffic, errors, latency and tokens of the traces in this workspace." />
      <div className="loop-card loop-metrics-controls">
        <TimeRangePicker value={range} onChange={setRange} onRefresh={refresh} busy={base.isFetching} />
        <span id="granularity-label" className="loop-field-label loop-inline-label">
          Granularity
        </span>
        <Select
          aria-labelledby="granularity-label"
          value={wanted}
          optionList={[{ value: "auto", label: `Auto (${granularityLabel(autoGranularity)})` }, ...GRANULARITIES.map((g) => ({ value: g.key, label: g.label }))]}
          onChange={(value) => setWanted(value as GranularityChoice)}
          style={{ width: 170 }}
        />
        {wanted !== "auto" && granularity !== wanted && (
          <span className="loop-muted" role="status">
            {granularityMs(wanted) > granularityMs(granularity)
              ? `${granularityLabel(wanted)} buckets are too coarse for this range; showing ${granularityLabel(granularity)}.`
              : `Too many points at ${granularityLabel(wanted)} for this range; showing ${granularityLabel(granularity)}.`}
          </span>
        )}
        <span id="models-label" className="loop-field-label loop-inline-label">
          Split by model
        </span>
        <Select
          aria-labelledby="models-label"
          multiple
          maxTagCount={2}
          placeholder={modelOptions.data?.length === 0 ? "No models in this range" : "All models combined"}
          value={models}
          optionList={[...new Set([...(modelOptions.data ?? []), ...models])].map((model) => ({ value: model, label: model }))}
          onChange={(value) => setModels(Array.isArray(value) && value.length > 0 ? value.map(String) : NO_MODELS)}
          style={{ minWidth: 220 }}
          showClear
        />
        <span id="extra-label" className="loop-field-label loop-inline-label">
          More charts
        </span>
        <Select
          aria-labelledby="extra-label"
          multiple
          filter
          maxTagCount={1}
          placeholder="Add a metric"
          value={extra}
          optionList={extraOptions.map((name) => ({ value: name, label: name }))}
          onChange={(value) => setExtra(Array.isArray(value) ? value.map(String) : [])}
          style={{ minWidth: 220 }}
        />
      </div>
      {names.isError && <ErrorState title="Could not load the metric names" error={names.error} onRetry={() => void names.refetch()} />}
      {base.isError && <ErrorState title="Could not load the metrics" error={base.error} onRetry={() => void base.refetch()} />}
      {modelOptions.isError && <ErrorState title="Could not load the models of this range" error={modelOptions.error} onRetry={() => void modelOptions.refetch()} />}
      {/* Only while splitting: back on "All models combined", an earlier failure of the split is moot. */}
      {splitting && drill.isError && <ErrorState title="Could not split the metrics by model" error={drill.error} onRetry={() => void drill.refetch()} />}
      {(names.isPending || (base.isPending && base.fetchStatus !== "idle")) && <Loading label="Loading metrics…" />}
      {metrics && chartWindow && (
        <>
          {noSpans && (
            <div className="loop-card">
              <NoTracesHint spaceId={space.id} />
            </div>
          )}
          <div className={`loop-metric-cards${stale ? " loop-stale" : ""}`} role="list" aria-label="Summary" aria-busy={stale}>
            {CARDS.filter((card) => card.name in metrics).map((card) => (
              <div key={card.name} className="loop-metric-card" role="listitem" aria-label={card.label}>
                <div className="loop-muted">{card.label}</div>
                <div className="loop-metric-card-value" data-testid={`metric-${card.name}`}>
                  {formatMetric(metrics[card.name]?.summary, card.format)}
                </div>
              </div>
            ))}
          </div>
          {!noSpans && (
            <div className={`loop-metric-charts${stale ? " loop-stale" : ""}`}>
              {LINES.filter((line) => line.name in metrics).map((line) => {
                const split = line.model && splitting;
                const title = split ? `${line.label}, by model` : line.label;
                if (split) {
                  return (
                    <LineCard key={line.name} spec={line} metric={drilled?.metrics[line.name]} window={drillWindow ?? chartWindow} only={models} title={title} busy={drill.isFetching} />
                  );
                }
                return <LineCard key={line.name} spec={line} metric={metrics[line.name]} window={chartWindow} title={title} />;
              })}
              {PIES.filter((pie) => pie.name in metrics).map((pie) => (
                <PieCard key={pie.name} spec={pie} metric={metrics[pie.name]} />
              ))}
              {extra
                .filter((name) => name in metrics)
                .map((name) => {
                  const spec: MetricSpec = { name, label: name, format: formatFor(name) };
                  return <LineCard key={name} spec={spec} metric={metrics[name]} window={chartWindow} title={`${name} (${formatMetric(metrics[name]?.summary, spec.format)})`} />;
                })}
            </div>
          )}
        </>
      )}
    </div>
  );
}
