import { describe, expect, it } from "vitest";
import { isImagePart, parsePayload, previewPayload, safeUrl } from "./modelPayload";

// As the SDK serialises ModelInput / ModelOutput (compact JSON, nulls dropped): sdk-contract §7.4.
const MODEL_INPUT = JSON.stringify({
  messages: [
    { role: "system", content: "You are a weather assistant." },
    { role: "user", content: "", parts: [{ type: "text", text: "Weather in Paris?" }, { type: "image_url", image_url: { name: "map.png", url: "https://example.com/map.png" } }] },
    { role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
    { role: "tool", tool_call_id: "call_1", content: "24C, sunny" },
  ],
  tools: [{ type: "function", function: { name: "get_weather", description: "Current weather", parameters: {} } }],
});
const MODEL_OUTPUT = JSON.stringify({ choices: [{ finish_reason: "stop", index: 0, message: { role: "assistant", content: "Sunny and 24 degrees.", reasoning_content: "The tool said so.", parts: [] } }] });

describe("parsePayload", () => {
  it("reads a ModelInput as chat messages with parts, tool calls and tools", () => {
    const payload = parsePayload(MODEL_INPUT);
    expect(payload.kind).toBe("messages");
    if (payload.kind !== "messages") return;
    expect(payload.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(payload.messages[1]!.parts).toEqual([
      { type: "text", text: "Weather in Paris?", url: undefined, name: undefined },
      { type: "image_url", text: undefined, url: "https://example.com/map.png", name: "map.png" },
    ]);
    expect(payload.messages[2]!.toolCalls).toEqual([{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }]);
    expect(payload.messages[3]!.toolCallId).toBe("call_1");
    expect(payload.tools).toEqual([{ name: "get_weather", description: "Current weather" }]);
  });

  it("reads a ModelOutput's choices as messages with their finish reason", () => {
    const payload = parsePayload(MODEL_OUTPUT);
    expect(payload).toMatchObject({ kind: "choices", messages: [{ role: "assistant", content: "Sunny and 24 degrees.", reasoning: "The tool said so.", finishReason: "stop" }] });
  });

  it("pretty-prints other JSON, keeps text, and says when it is empty", () => {
    expect(parsePayload('{"question": "What is the weather?", "lang": "en"}')).toEqual({ kind: "json", pretty: '{\n  "question": "What is the weather?",\n  "lang": "en"\n}' });
    expect(parsePayload('{"messages": [{"content": "no role"}]}').kind).toBe("json");
    expect(parsePayload('{"choices": []}').kind).toBe("json");
    expect(parsePayload("tool input as plain string")).toEqual({ kind: "text", text: "tool input as plain string" });
    expect(parsePayload('"a JSON string"')).toEqual({ kind: "text", text: "a JSON string" });
    expect(parsePayload("  ")).toEqual({ kind: "empty" });
  });
});

describe("other chat shapes", () => {
  it("reads OpenAI-style content arrays as parts instead of showing them as JSON", () => {
    const payload = parsePayload(
      JSON.stringify({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is on this map?" },
              { type: "image_url", image_url: { url: "https://example.com/map.png" } },
              { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=" },
            ],
          },
        ],
      }),
    );
    expect(payload.kind).toBe("messages");
    if (payload.kind !== "messages") return;
    const [message] = payload.messages;
    expect(message!.content).toBe("");
    expect(message!.parts).toEqual([
      { type: "text", text: "What is on this map?", url: undefined, name: undefined },
      { type: "image_url", text: undefined, url: "https://example.com/map.png", name: undefined },
      { type: "input_image", text: undefined, url: "data:image/png;base64,iVBORw0KGgo=", name: undefined },
    ]);
    expect(message!.parts.map(isImagePart)).toEqual([false, true, true]);
    expect(previewPayload(JSON.stringify({ messages: [{ role: "user", content: [{ type: "text", text: "hi there" }] }] }))).toBe("hi there");
  });

  it("reads a bare array of messages as a chat, but not other arrays", () => {
    expect(parsePayload('[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]')).toMatchObject({
      kind: "messages",
      messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "hello" }],
      tools: [],
    });
    expect(parsePayload("[1, 2]").kind).toBe("json");
    expect(parsePayload("[]").kind).toBe("json");
  });

  it("keeps a tool call whose arguments are an object, and a message with no content", () => {
    const payload = parsePayload(JSON.stringify({ messages: [{ role: "assistant", content: null, tool_calls: [{ function: { name: "f", arguments: { a: 1 } } }] }] }));
    expect(payload).toMatchObject({ kind: "messages", messages: [{ content: "", toolCalls: [{ name: "f", arguments: '{"a":1}' }] }] });
  });
});

describe("safeUrl", () => {
  it("lets through http(s) links, and data: images as image sources only", () => {
    expect(safeUrl("https://example.com/a.png")).toBe("https://example.com/a.png");
    expect(safeUrl(" http://example.com/doc.pdf ")).toBe("http://example.com/doc.pdf");
    expect(safeUrl("data:image/png;base64,AAAA", "image")).toBe("data:image/png;base64,AAAA");
    expect(safeUrl("data:image/png;base64,AAAA")).toBeNull();
  });

  it("refuses script and other URLs a traced app could have sent", () => {
    for (const url of ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x", "//evil.example/x", "file:///etc/passwd", "", undefined]) {
      expect(safeUrl(url)).toBeNull();
      expect(safeUrl(url, "image")).toBeNull();
    }
    expect(safeUrl("data:image/svg+xml,<svg onload=alert(1)>", "image")).toBeNull();
  });
});

describe("previewPayload", () => {
  it("shows the last message of a chat, else the text on one line, cut to length", () => {
    expect(previewPayload(MODEL_OUTPUT)).toBe("Sunny and 24 degrees.");
    expect(previewPayload(MODEL_INPUT)).toBe("24C, sunny");
    expect(previewPayload("line one\n  line two")).toBe("line one line two");
    expect(previewPayload("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
    expect(previewPayload("")).toBe("");
  });

  it("reads only the start of a 1 MiB payload (text, or a chat message's content)", () => {
    expect(previewPayload("word \n\t ".repeat(200_000), 12)).toBe("word word w…");
    const chat = JSON.stringify({ messages: [{ role: "user", content: `${"  ".repeat(4000)}hello ${"z".repeat(11_000)}` }] });
    expect(chat.length).toBeLessThan(20_000); // parsed as a chat
    expect(previewPayload(chat, 10)).toBe("hello zzz…");
  });
});
