import type { PromptDetail, PromptMessage } from "./prompts";
import { ApiError } from "./errors";

/** One `event: data` of the playground stream. */
export interface DebugDelta {
  delta?: {
    role?: string;
    content?: string | null;
    reasoning_content?: string | null;
    tool_calls?: { index: number; id?: string | null; type?: string; function_call?: { name?: string | null; arguments?: string | null } | null }[] | null;
  } | null;
  finish_reason?: string | null;
  usage?: { input_tokens: number; output_tokens: number } | null;
  debug_id?: string | null;
}

export type SseEvent = { event: "data"; data: DebugDelta } | { event: "error"; data: { code: number; msg: string } };

/**
 * Incremental Server-Sent Events parser: feed it text chunks as they arrive (a frame may be split anywhere), get back
 * the complete frames. Frames end with a blank line; `event:` names the kind (default "message" → treated as data),
 * `data:` lines are joined with "\n" and parsed as JSON. Comments (":") and unknown events are skipped.
 */
export class SseParser {
  private buffer = "";

  push(chunk: string): SseEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, "\n");
    const events: SseEvent[] = [];
    let end = this.buffer.indexOf("\n\n");
    while (end !== -1) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = parseFrame(frame);
      if (event) events.push(event);
      end = this.buffer.indexOf("\n\n");
    }
    return events;
  }

  /** The stream ended: a last frame without its blank line still counts. */
  flush(): SseEvent[] {
    const rest = this.buffer;
    this.buffer = "";
    const event = rest.trim() ? parseFrame(rest) : null;
    return event ? [event] : [];
  }
}

function parseFrame(frame: string): SseEvent | null {
  let name = "message";
  const data: string[] = [];
  for (const line of frame.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") name = value;
    else if (field === "data") data.push(value);
  }
  if (data.length === 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.join("\n"));
  } catch {
    return null;
  }
  if (name === "error") {
    const body = (parsed ?? {}) as { code?: unknown; msg?: unknown };
    return { event: "error", data: { code: typeof body.code === "number" ? body.code : 500, msg: typeof body.msg === "string" && body.msg ? body.msg : "The run failed." } };
  }
  if (name === "data" || name === "message") return { event: "data", data: typeof parsed === "object" && parsed !== null ? parsed : {} };
  return null;
}

export interface VariableValue {
  key: string;
  value?: string;
  placeholder_messages?: PromptMessage[];
}

export interface DebugRequest {
  promptId: string;
  workspaceId: string;
  promptKey?: string;
  detail: PromptDetail;
  messages: PromptMessage[];
  variableVals: VariableValue[];
  mockTools: { name: string; mock_response: string }[];
}

/**
 * POST the playground run and call `onEvent` for each event as it arrives. A failure before streaming (4xx/5xx JSON)
 * throws ApiError with the server's msg; an `event: error` frame is passed to onEvent (the partial text stays).
 * Abort with `signal` (Stop, unmount): the promise then rejects with an AbortError.
 */
export async function streamDebug(request: DebugRequest, onEvent: (event: SseEvent) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch(`/api/prompt/v1/prompts/${encodeURIComponent(request.promptId)}/debug_streaming`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({
      prompt: {
        workspace_id: request.workspaceId,
        ...(request.promptKey ? { prompt_key: request.promptKey } : {}),
        prompt_draft: { detail: request.detail },
      },
      messages: request.messages,
      variable_vals: request.variableVals,
      mock_tools: request.mockTools,
      single_step_debug: false,
    }),
    signal,
  }).catch((cause: unknown) => {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, -1, "Could not reach the server. Check your connection and try again.");
  });
  if (!response.ok || !response.body) {
    let msg = `The server answered ${response.status} ${response.statusText}`.trim();
    let code = response.status;
    try {
      const body = (await response.json()) as { code?: unknown; msg?: unknown };
      if (typeof body.msg === "string" && body.msg) msg = body.msg;
      if (typeof body.code === "number") code = body.code;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.ok ? 500 : response.status, code, msg);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (const event of parser.push(decoder.decode(value, { stream: true }))) onEvent(event);
  }
  for (const event of parser.push(decoder.decode())) onEvent(event);
  for (const event of parser.flush()) onEvent(event);
}
