import { describe, expect, it } from "vitest";
import { autoMapping, buildEvaluatorFieldMapping, buildTargetFieldMapping, columnSource, describeSource, PROMPT_USER_QUERY, suggestColumn, suggestSource, TARGET_OUTPUT, unmappedVariables } from "./fieldMapping";

const columns = ["Question", "expected_output", "context"];

describe("suggestions", () => {
  it("matches a column by name in any case, then by a usual synonym", () => {
    expect(suggestColumn("question", columns)).toBe("Question");
    expect(suggestColumn("input", columns)).toBe("Question");
    expect(suggestColumn("reference_output", columns)).toBe("expected_output");
    expect(suggestColumn("tone", columns)).toBeNull();
  });

  it("reads an output-like variable from the target when there is one", () => {
    expect(suggestSource("output", columns, true)).toBe(TARGET_OUTPUT);
    expect(suggestSource("output", ["output"], false)).toBe(columnSource("output"));
    expect(suggestSource("output", columns, false)).toBe("");
  });

  it("keeps a still-valid choice and replaces one that no longer exists", () => {
    const previous = { input: columnSource("context"), output: columnSource("gone"), reference_output: TARGET_OUTPUT };
    expect(autoMapping(["input", "output", "reference_output"], columns, true, previous)).toEqual({
      input: columnSource("context"),
      output: TARGET_OUTPUT,
      reference_output: TARGET_OUTPUT,
    });
    // Without a target, a target source is dropped for a suggestion.
    expect(autoMapping(["reference_output"], columns, false, previous)).toEqual({ reference_output: columnSource("expected_output") });
    expect(unmappedVariables(["a", "b"], { a: columnSource("x"), b: "" })).toEqual(["b"]);
  });
});

describe("requests", () => {
  it("builds the target mapping without unmapped variables", () => {
    expect(buildTargetFieldMapping({ question: "Question", tone: "", [PROMPT_USER_QUERY]: "context" })).toEqual({
      from_eval_set: [
        { field_name: "question", from_field_name: "Question" },
        { field_name: PROMPT_USER_QUERY, from_field_name: "context" },
      ],
    });
  });

  it("splits an evaluator's mapping into set columns and the target's actual_output", () => {
    expect(buildEvaluatorFieldMapping("77", { input: columnSource("Question"), output: TARGET_OUTPUT, extra: "" })).toEqual({
      evaluator_version_id: "77",
      from_eval_set: [{ field_name: "input", from_field_name: "Question" }],
      from_target: [{ field_name: "output", from_field_name: "actual_output" }],
    });
  });

  it("describes sources for the review step", () => {
    expect(describeSource(TARGET_OUTPUT)).toBe("Target output (actual_output)");
    expect(describeSource(columnSource("a b"))).toBe('Column "a b"');
    expect(describeSource("")).toBe("Not mapped");
  });
});
