import type { PromptMessage, TemplateType, VariableDef, VariableType } from "../api/prompts";

export const VARIABLE_TYPES: VariableType[] = [
  "string",
  "integer",
  "float",
  "boolean",
  "object",
  "array<string>",
  "array<integer>",
  "array<float>",
  "array<boolean>",
  "array<object>",
  "placeholder",
];

const NORMAL = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
// Jinja2: the first name of an expression, e.g. {{ user.name | upper }} → user; loop variables are not inputs.
const JINJA_EXPR = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)/g;
const JINJA_FOR = /\{%-?\s*for\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s*,\s*([A-Za-z_][A-Za-z0-9_]*))?\s+in\s+([A-Za-z_][A-Za-z0-9_]*)/g;
const JINJA_IF = /\{%-?\s*(?:if|elif)\s+(?:not\s+)?([A-Za-z_][A-Za-z0-9_]*)/g;
const JINJA_RESERVED = new Set(["loop", "true", "false", "none", "True", "False", "None", "range"]);

/** The variables a template uses, in order of first use: `{{name}}` in messages, and each placeholder message's name. */
export function detectVariables(messages: PromptMessage[], templateType: TemplateType): { key: string; placeholder: boolean }[] {
  const found = new Map<string, boolean>();
  const add = (key: string, placeholder = false) => {
    if (!found.has(key)) found.set(key, placeholder);
  };
  for (const message of messages) {
    const content = message.content ?? "";
    if (message.role === "placeholder") {
      const key = content.trim();
      if (key) add(key, true);
      continue;
    }
    if (templateType === "jinja2") {
      const loopVars = new Set<string>();
      for (const match of content.matchAll(JINJA_FOR)) {
        loopVars.add(match[1]!);
        if (match[2]) loopVars.add(match[2]);
        add(match[3]!);
      }
      for (const match of content.matchAll(JINJA_IF)) if (!loopVars.has(match[1]!) && !JINJA_RESERVED.has(match[1]!)) add(match[1]!);
      for (const match of content.matchAll(JINJA_EXPR)) if (!loopVars.has(match[1]!) && !JINJA_RESERVED.has(match[1]!)) add(match[1]!);
    } else {
      for (const match of content.matchAll(NORMAL)) add(match[1]!);
    }
  }
  return [...found].map(([key, placeholder]) => ({ key, placeholder }));
}

/**
 * The declared variables after an edit: one per detected variable, keeping the type and description the user gave
 * before; new ones are strings (placeholders are "placeholder"); ones no longer used are dropped.
 */
export function syncVariableDefs(messages: PromptMessage[], templateType: TemplateType, previous: VariableDef[]): VariableDef[] {
  const byKey = new Map(previous.map((def) => [def.key, def]));
  return detectVariables(messages, templateType).map(({ key, placeholder }) => {
    const old = byKey.get(key);
    if (placeholder) return { key, desc: old?.desc ?? "", type: "placeholder" };
    if (old && old.type !== "placeholder") return old;
    return { key, desc: old?.desc ?? "", type: "string" };
  });
}
