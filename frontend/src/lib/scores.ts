/**
 * Evaluator scores as the console shows them: at most two decimals (the judge's 0.8333… reads as 0.83), a
 * person's correction winning over the evaluator's score, averages and deltas against a baseline.
 */

export interface ScoredRecord {
  evaluator_output_data?: {
    evaluator_result?: { score?: number | null; reasoning?: string | null; correction?: { score?: number | null; explain?: string | null } | null } | null;
    evaluator_run_error?: { code?: number | null; message?: string | null } | null;
  } | null;
}

/** "0.83", "1", "–" when there is no score. Never "-0". */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return "–";
  const rounded = Math.round(score * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** The score that counts: a person's correction, else the evaluator's; null when it failed or has none. */
export function recordScore(record: ScoredRecord | null | undefined): number | null {
  const result = record?.evaluator_output_data?.evaluator_result;
  if (!result) return null;
  const corrected = result.correction?.score;
  if (typeof corrected === "number") return corrected;
  return typeof result.score === "number" ? result.score : null;
}

export function isCorrected(record: ScoredRecord | null | undefined): boolean {
  return typeof record?.evaluator_output_data?.evaluator_result?.correction?.score === "number";
}

export function recordReason(record: ScoredRecord | null | undefined): string {
  const data = record?.evaluator_output_data;
  const error = data?.evaluator_run_error?.message;
  if (error) return error;
  const result = data?.evaluator_result;
  const explain = result?.correction?.explain;
  if (typeof result?.correction?.score === "number") return explain ? `Corrected: ${explain}` : "Corrected by a person";
  return result?.reasoning ?? "";
}

export function recordFailed(record: ScoredRecord | null | undefined): boolean {
  return !!record?.evaluator_output_data?.evaluator_run_error;
}

/** score − baseline, or null when either is missing (no delta is better than a made-up one). */
export function scoreDelta(score: number | null | undefined, baseline: number | null | undefined): number | null {
  if (typeof score !== "number" || typeof baseline !== "number") return null;
  return Math.round((score - baseline) * 10000) / 10000;
}

/** "+0.25", "−0.1" (a real minus sign), "±0"; "" when there is no delta. */
export function formatDelta(delta: number | null): string {
  if (delta === null) return "";
  const rounded = Math.round(delta * 100) / 100;
  if (rounded === 0) return "±0";
  return rounded > 0 ? `+${rounded}` : `−${Math.abs(rounded)}`;
}

export type DeltaTone = "better" | "worse" | "same" | "none";

export function deltaTone(delta: number | null): DeltaTone {
  if (delta === null) return "none";
  const rounded = Math.round(delta * 100) / 100;
  return rounded > 0 ? "better" : rounded < 0 ? "worse" : "same";
}

/** The mean of the numbers, or null for none. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Upstream's AggregatorType. */
export const AGGREGATOR = { average: 1, sum: 2, max: 3, min: 4, distribution: 5 } as const;

export interface AggregatorResultLike {
  aggregator_type: number;
  data: { value?: number | null; score_distribution?: { score_distribution_items?: { score: string; count: string | number; percentage: number }[] } | null };
}

export function aggregateValue(results: readonly AggregatorResultLike[] | undefined, type: number): number | null {
  const found = results?.find((result) => result.aggregator_type === type);
  return typeof found?.data.value === "number" ? found.data.value : null;
}

export interface DistributionBucket {
  score: string;
  count: number;
  percentage: number;
}

/** The score distribution, lowest score first; [] when there is none. */
export function distribution(results: readonly AggregatorResultLike[] | undefined): DistributionBucket[] {
  const items = results?.find((result) => result.aggregator_type === AGGREGATOR.distribution)?.data.score_distribution?.score_distribution_items ?? [];
  return items
    .map((item) => ({ score: item.score, count: Number(item.count), percentage: item.percentage }))
    .sort((a, b) => Number(a.score) - Number(b.score));
}
