/** The time range of the trace list and the metrics: a quick pick relative to an anchor ("now" when picked or refreshed), or a custom one. */

export type QuickRangeKey = "15m" | "1h" | "6h" | "24h" | "7d";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const QUICK_RANGES: { key: QuickRangeKey; label: string; ms: number }[] = [
  { key: "15m", label: "15 min", ms: 15 * MINUTE },
  { key: "1h", label: "1 h", ms: HOUR },
  { key: "6h", label: "6 h", ms: 6 * HOUR },
  { key: "24h", label: "24 h", ms: 24 * HOUR },
  { key: "7d", label: "7 d", ms: 7 * 24 * HOUR },
];

export type TimeRange = { kind: "quick"; key: QuickRangeKey; anchor: number } | { kind: "custom"; start: number; end: number };

export function quickRange(key: QuickRangeKey, anchor = Date.now()): TimeRange {
  return { kind: "quick", key, anchor };
}

/** [start, end] in epoch ms. */
export function resolveRange(range: TimeRange): { start: number; end: number } {
  if (range.kind === "custom") return { start: range.start, end: range.end };
  const ms = QUICK_RANGES.find((quick) => quick.key === range.key)?.ms ?? HOUR;
  return { start: range.anchor - ms, end: range.anchor };
}

/** The same range again, its quick pick re-anchored at now (Refresh; and a new tab, filter or view on the trace list). */
export function refreshRange(range: TimeRange): TimeRange {
  return range.kind === "quick" ? { ...range, anchor: Date.now() } : range;
}

/** A latency in ms, compact: 850 ms, 2.35 s, 12.3 s, 4.5 min (the unit picked after rounding, so never "1000 ms" or "60.0 s"). */
export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const whole = Math.round(ms);
  if (whole < 1000) return `${whole} ms`;
  const seconds = ms / 1000;
  if (Number(seconds.toFixed(2)) < 10) return `${seconds.toFixed(2)} s`;
  if (Number(seconds.toFixed(1)) < 60) return `${seconds.toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}
