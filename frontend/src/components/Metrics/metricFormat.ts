import { GRANULARITIES, MAX_BUCKETS, type Granularity, type Metric } from "../../api/metrics";

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
  points: [number, number][];
}

/**
 * A metric's time series as chart lines. `only` keeps the named series (drill-down by model: one series per model
 * name; spans without a model form the "" series). Ratios are scaled to percent.
 */
export function lineSeries(metric: Metric | undefined, format: MetricFormat, only?: readonly string[]): LineSeries[] {
  const series = metric?.time_series ?? {};
  return Object.entries(series)
    .filter(([name]) => !only || only.includes(name))
    .map(([name, points]) => ({
      name: name === "all" && !only ? "all" : name || "(no model)",
      points: points.map((point) => [Number(point.timestamp), Number(point.value) * (format === "percent" ? 100 : 1)] as [number, number]),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function pieSlices(metric: Metric | undefined): { name: string; value: number }[] {
  return Object.entries(metric?.pie ?? {})
    .map(([name, value]) => ({ name: name || "(none)", value: Number(value) }))
    .filter((slice) => Number.isFinite(slice.value) && slice.value > 0)
    .sort((a, b) => b.value - a.value);
}

export type GranularityChoice = Granularity | "auto";

/** "auto": minutes up to 6 h, hours up to 14 days, else days. */
function autoGranularity(start: number, end: number): Granularity {
  const span = end - start;
  if (span <= 6 * 3_600_000) return "1min";
  if (span <= 14 * 86_400_000) return "1hour";
  return "1day";
}

/** The finest granularity at or above the chosen one that keeps the range under the server's bucket limit. */
export function fitGranularity(choice: GranularityChoice, start: number, end: number): Granularity {
  const wanted = choice === "auto" ? autoGranularity(start, end) : choice;
  const from = GRANULARITIES.findIndex((g) => g.key === wanted);
  const fits = GRANULARITIES.slice(Math.max(from, 0)).find((g) => (end - start) / g.ms <= MAX_BUCKETS);
  return fits?.key ?? "1day";
}
