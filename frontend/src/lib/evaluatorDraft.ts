/**
 * The evaluator editors' state and the EvaluatorContent it stands for: an LLM judge (messages with {{variables}},
 * a model) or code (exec_evaluation(turn) in Python or JS). Pure, so both directions are tested.
 */
import { textContent } from "./evalContent";
import { inputSchemas, judgeVariables, OUTPUT_SCHEMAS, type ArgsSchema } from "./evaluatorVariables";

/** Upstream's judge roles: 1 System, 2 User, 3 Assistant. */
export type JudgeRole = 1 | 2 | 3;

export interface JudgeDraft {
  messages: { role: JudgeRole; text: string }[];
  modelId: string | null;
  temperature: number | null;
  maxTokens: number | null;
  templateKey: string | null;
  templateName: string | null;
}

export type CodeLanguage = "Python" | "JS";

export interface CodeDraft {
  language: CodeLanguage;
  code: string;
  templateKey: string | null;
  templateName: string | null;
}

/** Upstream's PromptSourceType: 1 a built-in template, 3 written here. */
const FROM_TEMPLATE = 1;
const CUSTOM = 3;

export interface JudgeContentLike {
  prompt_evaluator?: {
    message_list?: { role?: number | null; content?: { text?: string | null } | null }[];
    model_config?: { model_id?: string | number | null; temperature?: number | null; max_tokens?: number | null } | null;
    prompt_template_key?: string | null;
    prompt_template_name?: string | null;
  } | null;
}

export interface CodeContentLike {
  code_evaluator?: {
    language_type?: CodeLanguage | null;
    code_content?: string | null;
    lang_2_code_content?: Record<string, string> | null;
    code_template_key?: string | null;
    code_template_name?: string | null;
  } | null;
}

export function emptyJudge(): JudgeDraft {
  return {
    messages: [
      { role: 1, text: "You are an evaluator. Judge the output against the input.\nAnswer with a score between 0 and 1 and your reason." },
      { role: 2, text: "Input: {{input}}\nOutput: {{output}}" },
    ],
    modelId: null,
    temperature: null,
    maxTokens: null,
    templateKey: null,
    templateName: null,
  };
}

function asRole(role: number | null | undefined): JudgeRole {
  return role === 1 || role === 3 ? role : 2;
}

export function judgeDraftOf(content: JudgeContentLike | null | undefined): JudgeDraft {
  const judge = content?.prompt_evaluator;
  if (!judge) return emptyJudge();
  const model = judge.model_config;
  return {
    messages: (judge.message_list ?? []).map((message) => ({ role: asRole(message.role), text: message.content?.text ?? "" })),
    modelId: model?.model_id === null || model?.model_id === undefined ? null : String(model.model_id),
    temperature: model?.temperature ?? null,
    maxTokens: model?.max_tokens ?? null,
    templateKey: judge.prompt_template_key ?? null,
    templateName: judge.prompt_template_name ?? null,
  };
}

export interface JudgeContent {
  receive_chat_history: boolean;
  input_schemas: ArgsSchema[];
  output_schemas: ArgsSchema[];
  prompt_evaluator: {
    message_list: { role: JudgeRole; content: ReturnType<typeof textContent> }[];
    model_config: { model_id: string | null; temperature?: number; max_tokens?: number };
    prompt_source_type: number;
    prompt_template_key?: string;
    prompt_template_name?: string;
  };
}

/** The judge's EvaluatorContent: its variables become its input_schemas. */
export function judgeContent(draft: JudgeDraft): JudgeContent {
  const variables = judgeVariables(draft.messages.map((message) => ({ content: { text: message.text } })));
  return {
    receive_chat_history: false,
    input_schemas: inputSchemas(variables),
    output_schemas: OUTPUT_SCHEMAS,
    prompt_evaluator: {
      message_list: draft.messages.map((message) => ({ role: message.role, content: textContent(message.text) })),
      model_config: {
        model_id: draft.modelId,
        ...(draft.temperature !== null ? { temperature: draft.temperature } : {}),
        ...(draft.maxTokens !== null ? { max_tokens: draft.maxTokens } : {}),
      },
      prompt_source_type: draft.templateKey ? FROM_TEMPLATE : CUSTOM,
      ...(draft.templateKey ? { prompt_template_key: draft.templateKey } : {}),
      ...(draft.templateName ? { prompt_template_name: draft.templateName } : {}),
    },
  };
}

/** What blocks saving a judge, in words; [] when it can be saved. */
export function judgeProblems(draft: JudgeDraft): string[] {
  const problems: string[] = [];
  if (draft.messages.length === 0 || draft.messages.every((message) => !message.text.trim())) problems.push("Write at least one message for the judge.");
  if (!draft.modelId) problems.push("Pick the model that judges.");
  return problems;
}

export const STARTER_CODE: Record<CodeLanguage, string> = {
  Python: `def exec_evaluation(turn):
    # turn["evaluate_dataset_fields"]: the set's columns, e.g. turn["evaluate_dataset_fields"]["reference_output"]["text"]
    # turn["evaluate_target_output_fields"]["actual_output"]["text"]: what the target answered
    output = turn["evaluate_target_output_fields"]["actual_output"]["text"]
    reference = turn["evaluate_dataset_fields"]["reference_output"]["text"]
    score = 1.0 if output.strip() == reference.strip() else 0.0
    return EvalOutput(score=score, reason="equal" if score else "different")
`,
  JS: `function exec_evaluation(turn) {
  const output = turn.evaluate_target_output_fields.actual_output.text;
  const reference = turn.evaluate_dataset_fields.reference_output.text;
  const score = output.trim() === reference.trim() ? 1 : 0;
  return { score, reason: score ? "equal" : "different" };
}
`,
};

export function emptyCode(language: CodeLanguage = "Python"): CodeDraft {
  return { language, code: STARTER_CODE[language], templateKey: null, templateName: null };
}

/** A template's code in a language: its per-language code, else its code_content when that is its language. */
export function templateCode(content: CodeContentLike | null | undefined, language: CodeLanguage): string | null {
  const code = content?.code_evaluator;
  if (!code) return null;
  const byLanguage = code.lang_2_code_content?.[language];
  if (byLanguage) return byLanguage;
  return (code.language_type ?? "Python") === language ? (code.code_content ?? null) : null;
}

export function codeDraftOf(content: CodeContentLike | null | undefined): CodeDraft {
  const code = content?.code_evaluator;
  if (!code) return emptyCode();
  const language: CodeLanguage = code.language_type === "JS" ? "JS" : "Python";
  return {
    language,
    code: code.code_content ?? templateCode(content, language) ?? "",
    templateKey: code.code_template_key ?? null,
    templateName: code.code_template_name ?? null,
  };
}

export interface CodeContent {
  receive_chat_history: boolean;
  input_schemas: ArgsSchema[];
  output_schemas: ArgsSchema[];
  code_evaluator: { language_type: CodeLanguage; code_content: string; code_template_key?: string; code_template_name?: string };
}

/** The code's EvaluatorContent; only the code on screen is sent (no per-language copies that could disagree). */
export function codeContent(draft: CodeDraft): CodeContent {
  return {
    receive_chat_history: false,
    input_schemas: [{ key: "turn", support_content_types: ["Text"], json_schema: '{"type": "object"}' }],
    output_schemas: OUTPUT_SCHEMAS,
    code_evaluator: {
      language_type: draft.language,
      code_content: draft.code,
      ...(draft.templateKey ? { code_template_key: draft.templateKey } : {}),
      ...(draft.templateName ? { code_template_name: draft.templateName } : {}),
    },
  };
}

export function codeProblems(draft: CodeDraft): string[] {
  if (!draft.code.trim()) return ["Write the function exec_evaluation(turn)."];
  if (!/exec_evaluation/.test(draft.code)) return ["The code must define exec_evaluation(turn): the evaluator calls it for each item."];
  return [];
}
