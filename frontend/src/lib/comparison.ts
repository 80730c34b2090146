/**
 * Comparing experiments: an evaluator is one column across the experiments that ran it (any version of it, matched
 * by evaluator id), and each experiment's score is shown with its difference from the baseline's.
 */
import { AGGREGATOR, aggregateValue, recordScore, scoreDelta, type AggregatorResultLike, type ScoredRecord } from "./scores";

export interface ExperimentColumnsLike {
  experiment_id: string;
  column_evaluators: { evaluator_id: string; evaluator_version_id: string; name?: string | null; version?: string | null }[];
}

export interface CompareColumn {
  evaluatorId: string;
  name: string;
  /** experiment id → the evaluator version that experiment ran (absent when it did not run this evaluator). */
  versionIds: Record<string, string>;
}

/** One column per evaluator, in the order the experiments first list them. */
export function comparisonColumns(experiments: readonly ExperimentColumnsLike[]): CompareColumn[] {
  const columns: CompareColumn[] = [];
  for (const experiment of experiments) {
    for (const evaluator of experiment.column_evaluators) {
      let column = columns.find((c) => c.evaluatorId === evaluator.evaluator_id);
      if (!column) {
        column = { evaluatorId: evaluator.evaluator_id, name: evaluator.name || `Evaluator ${evaluator.evaluator_id}`, versionIds: {} };
        columns.push(column);
      }
      column.versionIds[experiment.experiment_id] ??= evaluator.evaluator_version_id;
    }
  }
  return columns;
}

export interface ComparedScore {
  score: number | null;
  /** Against the baseline's score for the same evaluator; null for the baseline itself or when either is missing. */
  delta: number | null;
}

/**
 * One item's scores for one evaluator column across the experiments (`records`: experiment id → its records by
 * evaluator version id), each with its delta from the baseline.
 */
export function compareItemScores(
  column: CompareColumn,
  experimentIds: readonly string[],
  baselineId: string,
  records: Readonly<Record<string, Readonly<Record<string, ScoredRecord>> | undefined>>,
): Record<string, ComparedScore> {
  const scoreOf = (exptId: string): number | null => {
    const versionId = column.versionIds[exptId];
    const record = versionId ? records[exptId]?.[versionId] : undefined;
    return recordScore(record);
  };
  const baseline = scoreOf(baselineId);
  const result: Record<string, ComparedScore> = {};
  for (const exptId of experimentIds) {
    const score = scoreOf(exptId);
    result[exptId] = { score, delta: exptId === baselineId ? null : scoreDelta(score, baseline) };
  }
  return result;
}

export interface AggregatesLike {
  experiment_id: string;
  evaluator_results?: Record<string, { aggregator_results?: AggregatorResultLike[] } | undefined>;
}

/** Each experiment's average for a column, with its delta from the baseline's average. */
export function compareAverages(column: CompareColumn, aggregates: readonly AggregatesLike[], experimentIds: readonly string[], baselineId: string): Record<string, ComparedScore> {
  const averageOf = (exptId: string): number | null => {
    const versionId = column.versionIds[exptId];
    const found = aggregates.find((aggregate) => aggregate.experiment_id === exptId);
    return versionId && found ? aggregateValue(found.evaluator_results?.[versionId]?.aggregator_results, AGGREGATOR.average) : null;
  };
  const baseline = averageOf(baselineId);
  const result: Record<string, ComparedScore> = {};
  for (const exptId of experimentIds) {
    const score = averageOf(exptId);
    result[exptId] = { score, delta: exptId === baselineId ? null : scoreDelta(score, baseline) };
  }
  return result;
}

/** The ids for a comparison URL's `ids` (comma-separated, distinct, order kept) and a valid baseline. */
export function parseComparison(ids: string | null, baseline: string | null): { ids: string[]; baseline: string } {
  const list = [...new Set((ids ?? "").split(",").map((id) => id.trim()).filter((id) => /^\d+$/.test(id)))];
  return { ids: list, baseline: baseline && list.includes(baseline) ? baseline : (list[0] ?? "") };
}
