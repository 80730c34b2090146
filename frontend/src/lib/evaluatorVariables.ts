/**
 * The {{variables}} of an LLM judge's messages: each one is an input of the evaluator (an input_schema) that an
 * experiment maps to a column or to the target's output, and that a debug run asks a value for.
 */

// As the server reads them (shared/evaluation/judge.py): anything between {{ and }} without braces, trimmed.
const VARIABLE = /\{\{\s*([^{}\s](?:[^{}]*[^{}\s])?)\s*\}\}/g;

export interface JudgeMessageLike {
  content?: { text?: string | null } | null;
}

/** Variable names in order of first use across the messages. */
export function judgeVariables(messages: readonly JudgeMessageLike[]): string[] {
  const found: string[] = [];
  for (const message of messages) {
    for (const match of (message.content?.text ?? "").matchAll(VARIABLE)) {
      if (!found.includes(match[1]!)) found.push(match[1]!);
    }
  }
  return found;
}

export interface ArgsSchema {
  key: string;
  support_content_types: string[];
  json_schema: string;
}

/** The input_schemas an evaluator declares for its variables: text values, as the built-in templates do. */
export function inputSchemas(variables: readonly string[]): ArgsSchema[] {
  return variables.map((key) => ({ key, support_content_types: ["Text"], json_schema: '{"type": "string"}' }));
}

/** The score and reasoning every evaluator outputs. */
export const OUTPUT_SCHEMAS: ArgsSchema[] = [
  { key: "score", support_content_types: ["Text"], json_schema: '{"type": "number"}' },
  { key: "reasoning", support_content_types: ["Text"], json_schema: '{"type": "string"}' },
];

/** The variables of a stored evaluator version: its input_schemas, else the variables its messages use. */
export function evaluatorInputs(content: { input_schemas?: { key?: string | null }[] | null; prompt_evaluator?: { message_list?: JudgeMessageLike[] } | null } | null | undefined): string[] {
  const declared = (content?.input_schemas ?? []).map((schema) => schema.key ?? "").filter((key) => key !== "");
  if (declared.length > 0) return declared;
  return judgeVariables(content?.prompt_evaluator?.message_list ?? []);
}
