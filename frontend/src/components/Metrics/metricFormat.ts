import { GRANULARITIES, MAX_BUCKETS, type Granularity, type Metric } from "../../api/metrics";
import type { ChartOption } from "./EChart";

export type MetricFormat = "count" | "ms" | "percent" | "number";

export interface MetricSpec {
  name: string;
  label: string;
  format: MetricFormat;
}

/** How a metric's number reads; ratios (0..1) become percentages. */
export function formatMetric(value: string | number | null | undefined, format: MetricFormat): string {
  if (value === null || value === undefined || value === "") return "–";
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  switch (format) {
    case "percent":
      return `${(n * 100).toFixed(n === 0 ? 0 : 1)}%`;
    case "ms":
      return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
    case "count":
      return Math.round(n).toLocaleString();
    default:
      return Number.isInteger(n) ? n.toLocaleString() : n.toPrecision(4);
  }
}

export function formatFor(name: string): MetricFormat {
  if (/_ratio/.test(name)) return "percent";
  if (/duration|latency|ttft|tpot/.test(name)) return "ms";
  if (/count|tokens|uniq/.test(name)) return "count";
  return "number";
}

export interface LineSeries {
  name: string;
  /** [bucket start ms, value]; a null value breaks the line where buckets have no data. */
  points: [number, number | null][];
}

/**
 * A metric's time series as chart lines. `only` keeps the named series (drill-down by model: one series per model
 * name; spans without a model form the "" series). Ratios are scaled to percent. The server leaves out the buckets
 * of averages and percentiles that had no spans: with `stepMs`, such a gap gets a null point, so the line breaks
 * there instead of drawing a slope across it.
 */
export function lineSeries(metric: Metric | undefined, format: MetricFormat, only?: readonly string[], stepMs?: number): LineSeries[] {
  const series = metric?.time_series ?? {};
  return Object.entries(series)
    .filter(([name]) => !only || only.includes(name))
    .map(([name, raw]) => {
      const points: [number, number | null][] = [];
      for (const point of raw) {
        const at = Number(point.timestamp);
        const previous = points[points.length - 1];
        if (stepMs && previous && at - previous[0] > stepMs) points.push([previous[0] + stepMs, null]);
        points.push([at, Number(point.value) * (format === "percent" ? 100 : 1)]);
      }
      return { name: name === "all" && !only ? "all" : name || "(no model)", points };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function pieSlices(metric: Metric | undefined): { name: string; value: number }[] {
  return Object.entries(metric?.pie ?? {})
    .map(([name, value]) => ({ name: name || "(none)", value: Number(value) }))
    .filter((slice) => Number.isFinite(slice.value) && slice.value > 0)
    .sort((a, b) => b.value - a.value);
}

export type GranularityChoice = Granularity | "auto";

export function granularityMs(granularity: Granularity): number {
  return GRANULARITIES.find((g) => g.key === granularity)?.ms ?? 3_600_000;
}

export function granularityLabel(granularity: Granularity): string {
  return GRANULARITIES.find((g) => g.key === granularity)?.label ?? granularity;
}

/** "auto": minutes up to 6 h, hours up to 14 days, else days. */
function autoGranularity(start: number, end: number): Granularity {
  const span = end - start;
  if (span <= 6 * 3_600_000) return "1min";
  if (span <= 14 * 86_400_000) return "1hour";
  return "1day";
}

/**
 * The granularity the charts use: the chosen one, made coarser while the range would need more buckets than the
 * server allows, or finer while the range holds fewer than two buckets (one point is not a chart).
 */
export function fitGranularity(choice: GranularityChoice, start: number, end: number): Granularity {
  const span = end - start;
  const wanted = choice === "auto" ? autoGranularity(start, end) : choice;
  let index = Math.max(GRANULARITIES.findIndex((g) => g.key === wanted), 0);
  while (index < GRANULARITIES.length - 1 && span / GRANULARITIES[index]!.ms > MAX_BUCKETS) index += 1;
  while (index > 0 && GRANULARITIES[index]!.ms * 2 > span && span / GRANULARITIES[index - 1]!.ms <= MAX_BUCKETS) index -= 1;
  return GRANULARITIES[index]!.key;
}

/** The start of the bucket holding `ms`, as the server buckets (from the epoch, so days are UTC days). */
export function bucketStart(ms: number, granularity: Granularity): number {
  const step = granularityMs(granularity);
  return ms - (((ms % step) + step) % step);
}

/** What the charts draw: the metrics of a window at a granularity. */
export interface ChartWindow {
  start: number;
  end: number;
  granularity: Granularity;
}

/**
 * A line chart of one metric over the window its data was asked for. The axis starts at the first bucket (which
 * starts before the window unless the window is aligned), so the first point is never cut off.
 */
export function lineOption(spec: MetricSpec, metric: Metric | undefined, window: ChartWindow, only?: readonly string[]): ChartOption {
  const series = lineSeries(metric, spec.format, only, granularityMs(window.granularity));
  const unit = spec.format === "percent" ? "%" : "";
  return {
    tooltip: {
      trigger: "axis",
      valueFormatter: (value) => (typeof value === "number" ? `${formatMetric(spec.format === "percent" ? value / 100 : value, spec.format)}` : "–"),
    },
    legend: { show: series.length > 1, top: 0, type: "scroll" },
    grid: { left: 48, right: 16, top: series.length > 1 ? 32 : 16, bottom: 28 },
    xAxis: { type: "time", min: bucketStart(window.start, window.granularity), max: window.end },
    // (An `axisLabel: undefined` would hide the labels: ECharts takes the key as set.)
    yAxis: unit ? { type: "value", min: 0, axisLabel: { formatter: `{value}${unit}` } } : { type: "value", min: 0 },
    series: series.map((line) => ({ type: "line", name: line.name, data: line.points, showSymbol: line.points.length < 60, connectNulls: false })),
  };
}

export function pieOption(metric: Metric | undefined): ChartOption {
  return {
    tooltip: { trigger: "item" },
    legend: { type: "scroll", bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: pieSlices(metric), label: { formatter: "{b}: {d}%" } }],
  };
}
