import { describe, expect, it } from "vitest";
import { detectVariables, syncVariableDefs } from "./promptVariables";

describe("prompt variables", () => {
  it("finds {{name}} in messages in order, once each, and placeholder messages", () => {
    const messages = [
      { role: "system" as const, content: "You help {{ user }} with {{topic}}." },
      { role: "placeholder" as const, content: "history" },
      { role: "user" as const, content: "{{topic}}? {{bad-name}} {{question}}" },
    ];
    expect(detectVariables(messages, "normal")).toEqual([
      { key: "user", placeholder: false },
      { key: "topic", placeholder: false },
      { key: "history", placeholder: true },
      { key: "question", placeholder: false },
    ]);
  });

  it("reads jinja2 expressions, ignoring loop variables", () => {
    const messages = [{ role: "user" as const, content: "{% for item in items %}{{ item.name | upper }}{% endfor %}{% if vip %}{{ greeting }}{% endif %}" }];
    expect(detectVariables(messages, "jinja2").map((v) => v.key)).toEqual(["items", "vip", "greeting"]);
  });

  it("keeps declared types, adds new strings, drops unused", () => {
    const messages = [{ role: "user" as const, content: "{{count}} {{fresh}}" }];
    const previous = [
      { key: "count", desc: "how many", type: "integer" as const },
      { key: "gone", desc: "", type: "string" as const },
    ];
    expect(syncVariableDefs(messages, "normal", previous)).toEqual([
      { key: "count", desc: "how many", type: "integer" },
      { key: "fresh", desc: "", type: "string" },
    ]);
  });
});
