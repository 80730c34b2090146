/**
 * Field mappings of an experiment (upstream's FieldMapping {field_name, from_field_name}): which evaluation-set
 * column feeds each prompt variable of the target, and which column or target output feeds each evaluator
 * variable. The wizard keeps one "source" string per variable and builds the request from them here.
 */

/** The prompt target's user message (upstream's builtin_prompt_user_query), mapped like a variable. */
export const PROMPT_USER_QUERY = "builtin_prompt_user_query";
/** The only output a prompt target has. */
export const ACTUAL_OUTPUT = "actual_output";

/** "column:<name>", TARGET_OUTPUT, or "" (not mapped). */
export type MappingSource = string;
export const TARGET_OUTPUT: MappingSource = `target:${ACTUAL_OUTPUT}`;

export function columnSource(name: string): MappingSource {
  return `column:${name}`;
}

export function sourceColumn(source: MappingSource): string | null {
  return source.startsWith("column:") ? source.slice("column:".length) : null;
}

export interface FieldMapping {
  field_name: string;
  from_field_name: string;
}

export interface EvaluatorFieldMapping {
  evaluator_version_id: string;
  from_eval_set: FieldMapping[];
  from_target: FieldMapping[];
}

// Names that usually mean the same thing, tried after an exact match: the judge's `input` is often a set's
// `question`, its `reference_output` a set's `expected_output`.
const SYNONYMS: Record<string, string[]> = {
  input: ["input", "question", "query", "prompt", "user_input"],
  question: ["question", "input", "query"],
  query: ["query", "question", "input"],
  reference_output: ["reference_output", "expected_output", "reference", "ground_truth", "answer", "expected"],
  expected_output: ["expected_output", "reference_output", "reference", "ground_truth", "answer", "expected"],
  context: ["context", "contexts", "document", "documents", "knowledge"],
};
const OUTPUT_NAMES = new Set(["output", "actual_output", "response", "answer", "prediction", "completion"]);

const norm = (name: string) => name.trim().toLowerCase();

/** The column that most likely holds `variable`: the same name (any case), else a usual synonym; else null. */
export function suggestColumn(variable: string, columns: readonly string[]): string | null {
  const byName = new Map(columns.map((column) => [norm(column), column]));
  const exact = byName.get(norm(variable));
  if (exact !== undefined) return exact;
  for (const candidate of SYNONYMS[norm(variable)] ?? []) {
    const found = byName.get(candidate);
    if (found !== undefined) return found;
  }
  return null;
}

/**
 * Where an evaluator variable most likely comes from: an output-like name reads the target's output when there is
 * a target (what is being judged), then a column of the same name, then a synonym column; else "".
 */
export function suggestSource(variable: string, columns: readonly string[], hasTarget: boolean): MappingSource {
  if (hasTarget && OUTPUT_NAMES.has(norm(variable))) return TARGET_OUTPUT;
  const column = suggestColumn(variable, columns);
  return column === null ? "" : columnSource(column);
}

/** One suggested source per variable, keeping what the person already chose when it is still valid. */
export function autoMapping(
  variables: readonly string[],
  columns: readonly string[],
  hasTarget: boolean,
  previous: Readonly<Record<string, MappingSource>> = {},
): Record<string, MappingSource> {
  const valid = (source: MappingSource | undefined): source is MappingSource => {
    if (!source) return false;
    if (source === TARGET_OUTPUT) return hasTarget;
    const column = sourceColumn(source);
    return column !== null && columns.includes(column);
  };
  const mapping: Record<string, MappingSource> = {};
  for (const variable of variables) {
    const kept = previous[variable];
    mapping[variable] = valid(kept) ? kept : suggestSource(variable, columns, hasTarget);
  }
  return mapping;
}

/** The variables with no source yet, in their order. */
export function unmappedVariables(variables: readonly string[], mapping: Readonly<Record<string, MappingSource>>): string[] {
  return variables.filter((variable) => !mapping[variable]);
}

/** target_field_mapping: prompt variable (or PROMPT_USER_QUERY) → column name; empty choices are left out. */
export function buildTargetFieldMapping(mapping: Readonly<Record<string, string>>): { from_eval_set: FieldMapping[] } {
  return {
    from_eval_set: Object.entries(mapping)
      .filter(([, column]) => column !== "")
      .map(([field_name, from_field_name]) => ({ field_name, from_field_name })),
  };
}

/** One evaluator version's evaluator_field_mapping: columns go to from_eval_set, the target output to from_target. */
export function buildEvaluatorFieldMapping(evaluatorVersionId: string, mapping: Readonly<Record<string, MappingSource>>): EvaluatorFieldMapping {
  const result: EvaluatorFieldMapping = { evaluator_version_id: evaluatorVersionId, from_eval_set: [], from_target: [] };
  for (const [field_name, source] of Object.entries(mapping)) {
    if (source === TARGET_OUTPUT) result.from_target.push({ field_name, from_field_name: ACTUAL_OUTPUT });
    else {
      const column = sourceColumn(source);
      if (column !== null) result.from_eval_set.push({ field_name, from_field_name: column });
    }
  }
  return result;
}

/** How a source reads in the review step. */
export function describeSource(source: MappingSource): string {
  if (source === TARGET_OUTPUT) return "Target output (actual_output)";
  const column = sourceColumn(source);
  return column === null ? "Not mapped" : `Column "${column}"`;
}
