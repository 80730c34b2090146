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

/** The same range again, its quick pick re-anchored at now (the Refresh button). */
export function refreshRange(range: TimeRange): TimeRange {
  return range.kind === "quick" ? { ...range, anchor: Date.now() } : range;
}

export function formatMs(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/** A latency in ms, compact: 850 ms, 12.3 s, 4.5 min. */
export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}
