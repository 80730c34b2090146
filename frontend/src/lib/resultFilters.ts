/**
 * Filters of an experiment's item results, in upstream's shape (expt.thrift Filters: filter_conditions of
 * {field{field_type, field_key}, operator, value}, ANDed), keyed by experiment id in the results request.
 */

/** FieldType values the server filters results by. */
export const FIELD_TYPE = { evaluatorScore: 1, itemRunState: 48 } as const;
/** FilterOperatorType values. */
export const OPERATOR = { equal: 1, greaterOrEqual: 4, lessOrEqual: 6, in: 7 } as const;

export interface FilterCondition {
  field: { field_type: number; field_key?: string };
  operator: number;
  value: string;
}

export interface ResultFilterState {
  /** Item run states to keep (ITEM_STATE numbers); empty = all. */
  states: number[];
  /** One evaluator's score range; evaluatorVersionId "" = no score filter. */
  score: { evaluatorVersionId: string; min: number | null; max: number | null };
}

export const NO_FILTER: ResultFilterState = { states: [], score: { evaluatorVersionId: "", min: null, max: null } };

export function filterConditions(state: ResultFilterState): FilterCondition[] {
  const conditions: FilterCondition[] = [];
  if (state.states.length > 0) {
    conditions.push({ field: { field_type: FIELD_TYPE.itemRunState }, operator: OPERATOR.in, value: state.states.join(",") });
  }
  const { evaluatorVersionId, min, max } = state.score;
  if (evaluatorVersionId) {
    const field = { field_type: FIELD_TYPE.evaluatorScore, field_key: evaluatorVersionId };
    if (min !== null) conditions.push({ field, operator: OPERATOR.greaterOrEqual, value: String(min) });
    if (max !== null) conditions.push({ field, operator: OPERATOR.lessOrEqual, value: String(max) });
  }
  return conditions;
}

/** The request's `filters` map: the experiment's conditions under its id, or {} when nothing filters. */
export function resultFilters(experimentId: string, state: ResultFilterState): Record<string, { filters: { filter_conditions: FilterCondition[]; logic_op: number } }> {
  const conditions = filterConditions(state);
  return conditions.length === 0 ? {} : { [experimentId]: { filters: { filter_conditions: conditions, logic_op: 1 } } };
}

export function isFiltering(state: ResultFilterState): boolean {
  return filterConditions(state).length > 0;
}

/** A score range that cannot match anything, in words; null when the range is fine. */
export function scoreRangeProblem(min: number | null, max: number | null): string | null {
  if (min !== null && max !== null && min > max) return "The lowest score is above the highest: swap them.";
  return null;
}
