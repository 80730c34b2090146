import { afterEach, describe, expect, it, vi } from "vitest";
import { SseParser, streamDebug, type SseEvent } from "./debugStream";

describe("SseParser", () => {
  it("assembles frames split across chunks, the error event and the final usage", () => {
    const parser = new SseParser();
    const stream =
      'event: data\ndata: {"delta":{"role":"assistant","content":"Echo:"}}\n\n' +
      ': keep-alive\n\n' +
      'event: data\r\ndata: {"delta":{"role":"assistant","content":" hi"},"finish_reason":"stop","usage":{"input_tokens":3,"output_tokens":2},"debug_id":"9"}\r\n\r\n' +
      'event: error\ndata: {"code":500,"msg":"model failed"}\n\n';
    const events: SseEvent[] = [];
    // Every possible split point, in 7-character chunks.
    for (let i = 0; i < stream.length; i += 7) events.push(...parser.push(stream.slice(i, i + 7)));
    events.push(...parser.flush());
    expect(events).toEqual([
      { event: "data", data: { delta: { role: "assistant", content: "Echo:" } } },
      { event: "data", data: { delta: { role: "assistant", content: " hi" }, finish_reason: "stop", usage: { input_tokens: 3, output_tokens: 2 }, debug_id: "9" } },
      { event: "error", data: { code: 500, msg: "model failed" } },
    ]);
  });

  it("keeps a last frame without its blank line", () => {
    const parser = new SseParser();
    expect(parser.push('event: data\ndata: {"delta":{"content":"x"}}')).toEqual([]);
    expect(parser.flush()).toEqual([{ event: "data", data: { delta: { content: "x" } } }]);
  });
});

describe("streamDebug", () => {
  afterEach(() => vi.unstubAllGlobals());

  const request = { promptId: "0", workspaceId: "200", detail: {}, messages: [], variableVals: [], mockTools: [] };

  it("reads the stream chunk by chunk", async () => {
    const encoder = new TextEncoder();
    const chunks = ['event: data\ndata: {"delta":{"content":"Ec', 'ho"}}\n\nevent: data\ndata: {"delta":{"content":" hi"},"finish_reason":"stop"}\n\n'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    const spy = vi.fn(() => Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } })));
    vi.stubGlobal("fetch", spy);
    const seen: string[] = [];
    await streamDebug(request, (event) => event.event === "data" && seen.push(event.data.delta?.content ?? ""), new AbortController().signal);
    expect(seen).toEqual(["Echo", " hi"]);
    const [url, init] = spy.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/prompt/v1/prompts/0/debug_streaming");
    expect(JSON.parse(init.body as string)).toMatchObject({ prompt: { workspace_id: "200", prompt_draft: { detail: {} } }, single_step_debug: false });
  });

  it("throws the server's msg when it fails before streaming", async () => {
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response(JSON.stringify({ code: 400, msg: "prompt_template.messages[1]: invalid template syntax" }), { status: 400 }))));
    await expect(streamDebug(request, () => undefined, new AbortController().signal)).rejects.toThrow("prompt_template.messages[1]: invalid template syntax");
  });
});
