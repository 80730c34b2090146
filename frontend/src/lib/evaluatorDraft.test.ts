import { describe, expect, it } from "vitest";
import { codeContent, codeDraftOf, codeProblems, emptyCode, emptyJudge, judgeContent, judgeDraftOf, judgeProblems, templateCode } from "./evaluatorDraft";

describe("LLM judge content", () => {
  it("turns the editor's messages into Content messages, its variables into input schemas", () => {
    const content = judgeContent({ messages: [{ role: 1, text: "Judge." }, { role: 2, text: "{{input}} → {{output}}" }], modelId: "1", temperature: 0.2, maxTokens: null, templateKey: "relevance", templateName: "Relevance" });
    expect(content.input_schemas.map((schema) => schema.key)).toEqual(["input", "output"]);
    expect(content.prompt_evaluator).toEqual({
      message_list: [
        { role: 1, content: { content_type: "Text", format: 1, text: "Judge." } },
        { role: 2, content: { content_type: "Text", format: 1, text: "{{input}} → {{output}}" } },
      ],
      model_config: { model_id: "1", temperature: 0.2 },
      prompt_source_type: 1,
      prompt_template_key: "relevance",
      prompt_template_name: "Relevance",
    });
  });

  it("reads back what it wrote", () => {
    const draft = { messages: [{ role: 3 as const, text: "x {{a}}" }], modelId: "7", temperature: null, maxTokens: 512, templateKey: null, templateName: null };
    expect(judgeDraftOf(judgeContent(draft))).toEqual(draft);
    expect(judgeContent(draft).prompt_evaluator.prompt_source_type).toBe(3);
  });

  it("says what is missing", () => {
    expect(judgeProblems(emptyJudge())).toEqual(["Pick the model that judges."]);
    expect(judgeProblems({ ...emptyJudge(), modelId: "1", messages: [{ role: 2, text: "  " }] })).toEqual(["Write at least one message for the judge."]);
    expect(judgeDraftOf(null)).toEqual(emptyJudge());
  });
});

describe("code evaluator content", () => {
  const template = { code_evaluator: { language_type: "Python" as const, code_content: "def exec_evaluation(turn): ...", lang_2_code_content: { Python: "def exec_evaluation(turn): ...", JS: "function exec_evaluation(turn) {}" }, code_template_key: "equal", code_template_name: "Equal" } };

  it("picks a template's code by language", () => {
    expect(templateCode(template, "JS")).toBe("function exec_evaluation(turn) {}");
    expect(templateCode({ code_evaluator: { language_type: "Python", code_content: "py" } }, "JS")).toBeNull();
    expect(templateCode(null, "Python")).toBeNull();
  });

  it("sends only the code on screen, with its language and template", () => {
    expect(codeContent({ language: "JS", code: "function exec_evaluation(t) {}", templateKey: "equal", templateName: "Equal" }).code_evaluator).toEqual({
      language_type: "JS",
      code_content: "function exec_evaluation(t) {}",
      code_template_key: "equal",
      code_template_name: "Equal",
    });
    expect(codeDraftOf(template)).toEqual({ language: "Python", code: "def exec_evaluation(turn): ...", templateKey: "equal", templateName: "Equal" });
  });

  it("asks for exec_evaluation", () => {
    expect(codeProblems(emptyCode("JS"))).toEqual([]);
    expect(codeProblems({ ...emptyCode(), code: "" })).toEqual(["Write the function exec_evaluation(turn)."]);
    expect(codeProblems({ ...emptyCode(), code: "print(1)" })[0]).toMatch(/must define exec_evaluation/);
  });
});
