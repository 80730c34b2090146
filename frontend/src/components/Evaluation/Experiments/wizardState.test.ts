import { describe, expect, it } from "vitest";
import { columnSource, PROMPT_USER_QUERY, TARGET_OUTPUT } from "../../../lib/fieldMapping";
import { EMPTY_WIZARD, LATEST_VERSION, stepProblems, submitInput, type WizardState } from "./wizardState";

const ready: WizardState = {
  ...EMPTY_WIZARD,
  name: " Run 1 ",
  setId: "10",
  setName: "QA",
  versionId: "11",
  versionLabel: "1.0.0",
  itemCount: 3,
  columns: ["question", "reference_output"],
  target: "prompt",
  promptId: "20",
  promptName: "Answerer",
  promptVersion: "1.0.0",
  promptVariables: ["question"],
  targetMapping: { question: "question", [PROMPT_USER_QUERY]: "" },
  evaluators: [
    { key: 1, evaluatorId: "30", name: "Correctness", type: 1, versionId: "31", version: "0.0.1", variables: ["input", "output"], mapping: { input: columnSource("question"), output: TARGET_OUTPUT } },
    { key: 2, evaluatorId: "40", name: "Equal", type: 2, versionId: "41", version: "0.0.1", variables: [], mapping: {} },
  ],
};

describe("wizard steps", () => {
  it("lets a complete wizard through every step", () => {
    for (const step of [0, 1, 2, 3, 4]) expect(stepProblems(step, ready)).toEqual([]);
  });

  it("says what each step still needs", () => {
    expect(stepProblems(0, { ...ready, name: "  " })).toEqual(["Name the experiment."]);
    expect(stepProblems(1, { ...ready, setId: null })).toEqual(["Choose an evaluation set."]);
    expect(stepProblems(1, { ...ready, versionId: LATEST_VERSION })).toEqual(["Loading the set's versions…"]);
    expect(stepProblems(1, { ...ready, itemCount: 0 })[0]).toMatch(/has no items/);
    expect(stepProblems(2, { ...ready, promptId: null })).toEqual(["Choose a prompt, or run with no target."]);
    expect(stepProblems(2, { ...ready, targetMapping: { question: "" } })).toEqual(["Map {{question}} to a column."]);
    expect(stepProblems(2, { ...ready, target: "none", promptId: null })).toEqual([]);
    expect(stepProblems(3, { ...ready, evaluators: [] })).toEqual(["Add at least one evaluator."]);
    const unmapped = { ...ready.evaluators[0]!, mapping: { input: columnSource("question"), output: "" } };
    expect(stepProblems(3, { ...ready, evaluators: [unmapped] })).toEqual(["Correctness: map {{output}}."]);
    // The review step repeats every earlier problem.
    expect(stepProblems(4, { ...ready, name: "", evaluators: [] })).toEqual(["Name the experiment.", "Add at least one evaluator."]);
  });
});

describe("submitInput", () => {
  it("sends the target, its mapped variables and each evaluator's mapping", () => {
    expect(submitInput(ready, 4)).toEqual({
      name: "Run 1",
      desc: "",
      evalSetId: "10",
      evalSetVersionId: "11",
      target: { promptId: "20", version: "1.0.0" },
      targetFieldMapping: { from_eval_set: [{ field_name: "question", from_field_name: "question" }] },
      evaluatorVersionIds: ["31", "41"],
      evaluatorFieldMapping: [
        { evaluator_version_id: "31", from_eval_set: [{ field_name: "input", from_field_name: "question" }], from_target: [{ field_name: "output", from_field_name: "actual_output" }] },
        { evaluator_version_id: "41", from_eval_set: [], from_target: [] },
      ],
      itemConcurrency: 4,
    });
  });

  it("sends no target (and no target mapping) when there is none, and runs on the draft", () => {
    const input = submitInput({ ...ready, target: "none", versionId: "" });
    expect(input.target).toBeNull();
    expect(input.targetFieldMapping).toEqual({ from_eval_set: [] });
    expect(input.evalSetVersionId).toBe("");
  });
});
