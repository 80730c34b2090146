import { describe, expect, it } from "vitest";
import { compareAverages, compareItemScores, comparisonColumns, parseComparison } from "./comparison";

const experiments = [
  { experiment_id: "A", column_evaluators: [ { evaluator_id: "e1", evaluator_version_id: "v1", name: "Correctness" }, { evaluator_id: "e2", evaluator_version_id: "v2", name: "Equal" } ] },
  // B runs a newer version of Correctness, and an evaluator A did not run.
  { experiment_id: "B", column_evaluators: [ { evaluator_id: "e1", evaluator_version_id: "v1b", name: "Correctness" }, { evaluator_id: "e3", evaluator_version_id: "v3", name: "Tone" } ] },
];
const scored = (score: number | null) => ({ evaluator_output_data: { evaluator_result: { score } } });

describe("comparison columns", () => {
  it("makes one column per evaluator across versions, in first-seen order", () => {
    expect(comparisonColumns(experiments)).toEqual([
      { evaluatorId: "e1", name: "Correctness", versionIds: { A: "v1", B: "v1b" } },
      { evaluatorId: "e2", name: "Equal", versionIds: { A: "v2" } },
      { evaluatorId: "e3", name: "Tone", versionIds: { B: "v3" } },
    ]);
  });
});

describe("compareItemScores", () => {
  it("gives each experiment's score and its delta from the baseline's", () => {
    const [correctness, equal] = comparisonColumns(experiments);
    const records = { A: { v1: scored(0.5), v2: scored(1) }, B: { v1b: scored(0.75) } };
    expect(compareItemScores(correctness!, ["A", "B"], "A", records)).toEqual({ A: { score: 0.5, delta: null }, B: { score: 0.75, delta: 0.25 } });
    // Against B as the baseline the delta flips.
    expect(compareItemScores(correctness!, ["A", "B"], "B", records)).toEqual({ A: { score: 0.5, delta: -0.25 }, B: { score: 0.75, delta: null } });
    // An evaluator only one experiment ran has no delta.
    expect(compareItemScores(equal!, ["A", "B"], "A", records)).toEqual({ A: { score: 1, delta: null }, B: { score: null, delta: null } });
  });

  it("has no delta when the baseline's evaluator failed", () => {
    const [correctness] = comparisonColumns(experiments);
    const records = { A: { v1: { evaluator_output_data: { evaluator_run_error: { message: "boom" } } } }, B: { v1b: scored(0.2) } };
    expect(compareItemScores(correctness!, ["A", "B"], "A", records).B).toEqual({ score: 0.2, delta: null });
  });
});

describe("compareAverages", () => {
  it("compares the experiments' averages", () => {
    const [correctness] = comparisonColumns(experiments);
    const aggregates = [
      { experiment_id: "A", evaluator_results: { v1: { aggregator_results: [{ aggregator_type: 1, data: { value: 0.4 } }] } } },
      { experiment_id: "B", evaluator_results: { v1b: { aggregator_results: [{ aggregator_type: 1, data: { value: 0.7 } }] } } },
    ];
    expect(compareAverages(correctness!, aggregates, ["A", "B"], "A")).toEqual({ A: { score: 0.4, delta: null }, B: { score: 0.7, delta: 0.3 } });
    expect(compareAverages(correctness!, [], ["A", "B"], "A").B).toEqual({ score: null, delta: null });
  });
});

describe("parseComparison", () => {
  it("keeps distinct numeric ids in order and a baseline among them", () => {
    expect(parseComparison("3,1,3,x, 2", "1")).toEqual({ ids: ["3", "1", "2"], baseline: "1" });
    expect(parseComparison("3,1", "9")).toEqual({ ids: ["3", "1"], baseline: "3" });
    expect(parseComparison(null, null)).toEqual({ ids: [], baseline: "" });
  });
});
