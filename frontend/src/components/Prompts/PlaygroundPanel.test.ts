import { describe, expect, it } from "vitest";
import { historyMessages, type Turn } from "./PlaygroundPanel";

describe("playground history", () => {
  it("sends tool calls of a text-less answer, and drops empty or failed turns with their user message", () => {
    const turns: Turn[] = [
      { role: "user", content: "weather?" },
      { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "get_weather", arguments: "{}" }] },
      { role: "user", content: "stopped early" },
      { role: "assistant", content: "", stats: { firstTokenMs: null, totalMs: 0, stopped: true } },
      { role: "user", content: "fails" },
      { role: "assistant", content: "", error: "model X has no parameter Y" },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ];
    expect(historyMessages(turns)).toEqual([
      { role: "user", content: "weather?" },
      { role: "assistant", content: null, tool_calls: [{ index: 0, id: "c1", type: "function", function_call: { name: "get_weather", arguments: "{}" } }] },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ]);
  });
});
