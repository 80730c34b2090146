/**
 * How a span's input or output string is shown. The SDK's ModelInput (`{"messages":[...]}`, or a bare array of
 * messages) and ModelOutput (`{"choices":[{"message":{...}}]}`) become chat messages; other JSON is pretty-printed;
 * anything else is text. A message's content may be a string or, OpenAI style, an array of parts.
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

/** A media part's URL: `{url, name}` (SDK and OpenAI) or a bare string. */
function media(value: unknown): { url?: string; name?: string } | undefined {
  if (typeof value === "string") return { url: value };
  if (isObject(value)) return { url: text(value.url), name: text(value.name) };
  return undefined;
}

function parts(value: unknown): ChatPart[] {
  if (!Array.isArray(value)) return [];
  return value.map((part): ChatPart => {
    if (typeof part === "string") return { type: "text", text: part };
    if (!isObject(part)) return { type: "text", text: text(part) ?? "" };
    const type = typeof part.type === "string" ? part.type : "text";
    const file = media(part.image_url) ?? media(part.file_url) ?? media(part.input_image) ?? media(part.file);
    return { type, text: text(part.text), url: file?.url, name: file?.name };
  });
}

/** True for a part that is an image (SDK `image_url`, OpenAI `image_url` / `input_image`, or `image`). */
export function isImagePart(part: ChatPart): boolean {
  return part.type === "image_url" || part.type === "image" || part.type === "input_image";
}

/**
 * The URL as a link or image source, or null when it is not safe to put in the page: only http(s), and data:
 * URLs of images (a trace's payload is whatever the traced app sent, so never `javascript:` and the like).
 */
export function safeUrl(url: string | undefined, kind: "link" | "image" = "link"): string | null {
  if (!url) return null;
  const trimmed = url.trim();
  if (/^https?:\/\//i.test(trimmed)) return trimmed;
  if (kind === "image" && /^data:image\/(png|jpe?g|gif|webp|bmp|avif);/i.test(trimmed)) return trimmed;
  return null;
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
  // OpenAI style: content is an array of parts.
  const contentParts = Array.isArray(value.content) ? parts(value.content) : [];
  return {
    role: value.role,
    content: Array.isArray(value.content) ? "" : (text(value.content) ?? ""),
    reasoning: text(value.reasoning_content) || undefined,
    parts: [...contentParts, ...parts(value.parts)],
    name: text(value.name) || undefined,
    toolCalls: toolCalls(value.tool_calls),
    toolCallId: text(value.tool_call_id) || undefined,
  };
}

function chatMessages(value: unknown[]): ChatMessage[] | null {
  if (value.length === 0) return null;
  const messages = value.map(toChatMessage);
  return messages.some((message) => message === null) ? null : (messages as ChatMessage[]);
}

function modelInput(value: Json): Payload | null {
  if (!Array.isArray(value.messages)) return null;
  const messages = value.messages.length === 0 ? [] : chatMessages(value.messages);
  if (!messages) return null;
  const tools = Array.isArray(value.tools)
    ? value.tools.filter(isObject).map((tool) => {
        const fn = isObject(tool.function) ? tool.function : {};
        return { name: text(fn.name) ?? "", description: text(fn.description) };
      })
    : [];
  return { kind: "messages", messages, tools };
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
  if (Array.isArray(value)) {
    const messages = chatMessages(value);
    if (messages) return { kind: "messages", messages, tools: [] };
  }
  if (typeof value === "string") return { kind: "text", text: value };
  return { kind: "json", pretty: JSON.stringify(value, null, 2) };
}

/**
 * One line for a table cell: the last message's text for chat payloads, else the raw string. Only the start of a
 * long string is read (a row's input can be 1 MiB, and the table renders it on every update).
 */
export function previewPayload(raw: string, max = 160): string {
  const payload = raw.length > 20_000 ? ({ kind: "text", text: raw.trimStart().slice(0, max * 4 + 64) } as const) : parsePayload(raw);
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
  line = line.trimStart().slice(0, max * 4 + 64).replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
