import { describe, expect, it } from "vitest";
import { evaluatorInputs, inputSchemas, judgeVariables } from "./evaluatorVariables";

const message = (text: string) => ({ content: { text } });

describe("judge variables", () => {
  it("lists {{variables}} in order of first use, spaces trimmed, as the server reads them", () => {
    expect(judgeVariables([message("Q: {{ input }}\nA: {{output}}"), message("{{input}} vs {{reference_output}}")])).toEqual(["input", "output", "reference_output"]);
    expect(judgeVariables([message("no variables {not one}"), { content: null }])).toEqual([]);
  });

  it("declares each as a text input", () => {
    expect(inputSchemas(["input"])).toEqual([{ key: "input", support_content_types: ["Text"], json_schema: '{"type": "string"}' }]);
  });

  it("reads a version's inputs from its schemas, else from its messages", () => {
    expect(evaluatorInputs({ input_schemas: [{ key: "a" }, { key: "b" }] })).toEqual(["a", "b"]);
    expect(evaluatorInputs({ input_schemas: [], prompt_evaluator: { message_list: [message("{{x}}")] } })).toEqual(["x"]);
    expect(evaluatorInputs(null)).toEqual([]);
  });
});
