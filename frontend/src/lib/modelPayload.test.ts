import { describe, expect, it } from "vitest";
import { parsePayload, previewPayload } from "./modelPayload";

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

describe("previewPayload", () => {
  it("shows the last message of a chat, else the text on one line, cut to length", () => {
    expect(previewPayload(MODEL_OUTPUT)).toBe("Sunny and 24 degrees.");
    expect(previewPayload(MODEL_INPUT)).toBe("24C, sunny");
    expect(previewPayload("line one\n  line two")).toBe("line one line two");
    expect(previewPayload("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
    expect(previewPayload("")).toBe("");
  });
});
