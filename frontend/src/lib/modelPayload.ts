/**
 * How a span's input or output string is shown. The SDK's ModelInput (`{"messages":[...]}`) and ModelOutput
 * (`{"choices":[{"message":{...}}]}`) become chat messages; other JSON is pretty-printed; anything else is text.
 */

export interface ChatPart {
  type: string;
  text?: string;
  url?: string;
  name?: string;
}

export interface ChatToolCall {
  id?: string;
  name: string;
  arguments: string;
}

export interface ChatMessage {
  role: string;
  content: string;
  reasoning?: string;
  parts: ChatPart[];
  name?: string;
  toolCalls: ChatToolCall[];
  toolCallId?: string;
  /** ModelOutput choices only. */
  finishReason?: string;
}

export interface ChatTool {
  name: string;
  description?: string;
}

export type Payload =
  | { kind: "empty" }
  | { kind: "messages"; messages: ChatMessage[]; tools: ChatTool[] }
  | { kind: "choices"; messages: ChatMessage[] }
  | { kind: "json"; pretty: string }
  | { kind: "text"; text: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return undefined;
  return JSON.stringify(value);
}

function parts(value: unknown): ChatPart[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((part) => {
    const type = typeof part.type === "string" ? part.type : "text";
    const media = isObject(part.image_url) ? part.image_url : isObject(part.file_url) ? part.file_url : undefined;
    return {
      type,
      text: text(part.text),
      url: media ? text(media.url) : undefined,
      name: media ? text(media.name) : undefined,
    };
  });
}

function toolCalls(value: unknown): ChatToolCall[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((call) => {
    const fn = isObject(call.function) ? call.function : {};
    return { id: text(call.id), name: text(fn.name) ?? "", arguments: text(fn.arguments) ?? "" };
  });
}

/** A ModelMessage, or null when `value` does not look like one (it needs a string role). */
export function toChatMessage(value: unknown): ChatMessage | null {
  if (!isObject(value) || typeof value.role !== "string") return null;
  return {
    role: value.role,
    content: text(value.content) ?? "",
    reasoning: text(value.reasoning_content) || undefined,
    parts: parts(value.parts),
    name: text(value.name) || undefined,
    toolCalls: toolCalls(value.tool_calls),
    toolCallId: text(value.tool_call_id) || undefined,
  };
}

function modelInput(value: Json): Payload | null {
  if (!Array.isArray(value.messages)) return null;
  const messages = value.messages.map(toChatMessage);
  if (messages.some((message) => message === null)) return null;
  const tools = Array.isArray(value.tools)
    ? value.tools.filter(isObject).map((tool) => {
        const fn = isObject(tool.function) ? tool.function : {};
        return { name: text(fn.name) ?? "", description: text(fn.description) };
      })
    : [];
  return { kind: "messages", messages: messages as ChatMessage[], tools };
}

function modelOutput(value: Json): Payload | null {
  if (!Array.isArray(value.choices) || value.choices.length === 0) return null;
  const messages: ChatMessage[] = [];
  for (const choice of value.choices) {
    if (!isObject(choice)) return null;
    const message = toChatMessage(choice.message);
    if (!message) return null;
    messages.push({ ...message, finishReason: text(choice.finish_reason) || undefined });
  }
  return { kind: "choices", messages };
}

export function parsePayload(raw: string): Payload {
  if (!raw.trim()) return { kind: "empty" };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { kind: "text", text: raw };
  }
  if (isObject(value)) {
    const chat = modelInput(value) ?? modelOutput(value);
    if (chat) return chat;
  }
  if (typeof value === "string") return { kind: "text", text: value };
  return { kind: "json", pretty: JSON.stringify(value, null, 2) };
}

/** One line for a table cell: the last message's text for chat payloads, else the raw string. */
export function previewPayload(raw: string, max = 160): string {
  const payload = raw.length > 20_000 ? ({ kind: "text", text: raw } as const) : parsePayload(raw);
  let line: string;
  switch (payload.kind) {
    case "empty":
      return "";
    case "messages":
    case "choices": {
      const last = payload.messages[payload.messages.length - 1];
      line = last ? last.content || last.parts.map((part) => part.text ?? "").join(" ") || last.toolCalls.map((call) => call.name).join(", ") : "";
      break;
    }
    case "json":
      line = raw;
      break;
    case "text":
      line = payload.text;
  }
  line = line.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
