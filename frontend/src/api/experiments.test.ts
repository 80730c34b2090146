import { describe, expect, it } from "vitest";
import { actualOutput, experimentEvalSet, experimentPrompt, readTurn, targetError, type Experiment, type ExperimentResult } from "./experiments";

const result = {
  experiment_id: "5",
  payload: {
    turn_id: "7",
    eval_set: { turn: { id: "7", field_data_list: [{ key: "k1", name: "question", content: { content_type: "Text", text: "2+2?" } }] } },
    target_output: {
      eval_target_record: { id: "1", trace_id: "t".repeat(32), eval_target_output_data: { output_fields: { actual_output: { content_type: "Text", text: "4" } } } },
    },
    evaluator_output: { evaluator_records: { "31": { id: "9", evaluator_output_data: { evaluator_result: { score: 1, reasoning: "right" } } } }, weighted_score: null },
    system_info: { turn_run_state: 1 },
  },
} as unknown as ExperimentResult;

describe("readTurn", () => {
  it("types the loose payload: cells, the target's record, evaluator records by version", () => {
    const turn = readTurn(result)!;
    expect(turn.turnId).toBe("7");
    expect(turn.cells).toEqual([{ key: "k1", name: "question", content: { content_type: "Text", text: "2+2?" } }]);
    expect(actualOutput(turn)).toEqual({ content_type: "Text", text: "4" });
    expect(turn.records["31"]?.evaluator_output_data?.evaluator_result?.score).toBe(1);
    expect(turn.state).toBe(1);
    expect(turn.error).toBeNull();
    expect(targetError(turn)).toBeNull();
  });

  it("is null for an experiment without a row, and reads a failed target", () => {
    expect(readTurn(undefined)).toBeNull();
    expect(readTurn({ experiment_id: "5", payload: null })).toBeNull();
    const failed = readTurn({
      experiment_id: "5",
      payload: { turn_id: "7", target_output: { eval_target_record: { eval_target_output_data: { eval_target_run_error: { code: 1, message: "the target failed: timeout" } } } }, system_info: { turn_run_state: 2, error: { code: "1", message: "boom" } } },
    });
    expect(targetError(failed)).toBe("the target failed: timeout");
    expect(actualOutput(failed)).toBeNull();
    expect(failed?.error).toBe("boom");
    expect(failed?.cells).toEqual([]);
  });
});

describe("experiment views", () => {
  it("reads the prompt and the set from the loose eval_target and eval_set", () => {
    const expt = {
      eval_set_id: "10",
      eval_set: { id: "10", name: "QA", evaluation_set_version: { id: "11", version: "1.0.0" } },
      eval_target: { eval_target_version: { eval_target_content: { prompt: { prompt_id: "20", name: "Answerer", prompt_key: "answerer", version: "1.0.0" } } } },
    } as unknown as Experiment;
    expect(experimentPrompt(expt)).toEqual({ promptId: "20", name: "Answerer", key: "answerer", version: "1.0.0" });
    expect(experimentEvalSet(expt)).toEqual({ id: "10", name: "QA", version: "1.0.0" });
    expect(experimentPrompt({ ...expt, eval_target: null })).toBeNull();
  });
});
