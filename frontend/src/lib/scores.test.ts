import { describe, expect, it } from "vitest";
import { AGGREGATOR, aggregateValue, deltaTone, distribution, formatDelta, formatScore, isCorrected, mean, recordFailed, recordReason, recordScore, scoreDelta } from "./scores";

const record = (score: number | null, extra: Record<string, unknown> = {}) => ({ evaluator_output_data: { evaluator_result: { score, reasoning: "because", ...extra } } });

describe("formatScore", () => {
  it("shows at most two decimals and no trailing zeros", () => {
    expect(formatScore(0.8333333)).toBe("0.83");
    expect(formatScore(1)).toBe("1");
    expect(formatScore(0.5)).toBe("0.5");
    expect(formatScore(0.005)).toBe("0.01");
  });

  it("shows a dash for no score, and never -0", () => {
    expect(formatScore(null)).toBe("–");
    expect(formatScore(undefined)).toBe("–");
    expect(formatScore(Number.NaN)).toBe("–");
    expect(formatScore(-0.001)).toBe("0");
  });
});

describe("record scores", () => {
  it("lets a person's correction win over the evaluator's score", () => {
    const corrected = record(0.2, { correction: { score: 0.9, explain: "the answer is right" } });
    expect(recordScore(corrected)).toBe(0.9);
    expect(isCorrected(corrected)).toBe(true);
    expect(recordReason(corrected)).toBe("Corrected: the answer is right");
    expect(recordScore(record(0.2))).toBe(0.2);
    expect(isCorrected(record(0.2))).toBe(false);
    expect(recordReason(record(0.2))).toBe("because");
  });

  it("has no score when the evaluator failed, and its error is the reason", () => {
    const failed = { evaluator_output_data: { evaluator_run_error: { code: 1, message: "the judge did not answer" } } };
    expect(recordScore(failed)).toBeNull();
    expect(recordFailed(failed)).toBe(true);
    expect(recordReason(failed)).toBe("the judge did not answer");
    expect(recordScore(undefined)).toBeNull();
    expect(recordFailed(record(1))).toBe(false);
  });
});

describe("deltas", () => {
  it("is the difference from the baseline, or null when either score is missing", () => {
    expect(scoreDelta(0.75, 0.5)).toBe(0.25);
    expect(scoreDelta(0.1, 0.3)).toBe(-0.2);
    expect(scoreDelta(null, 0.3)).toBeNull();
    expect(scoreDelta(0.3, undefined)).toBeNull();
  });

  it("reads with a sign, a real minus, and ±0", () => {
    expect(formatDelta(0.25)).toBe("+0.25");
    expect(formatDelta(-0.1)).toBe("−0.1");
    expect(formatDelta(0.001)).toBe("±0");
    expect(formatDelta(null)).toBe("");
    expect(deltaTone(0.25)).toBe("better");
    expect(deltaTone(-0.25)).toBe("worse");
    expect(deltaTone(0.004)).toBe("same");
    expect(deltaTone(null)).toBe("none");
  });
});

describe("aggregates", () => {
  const results = [
    { aggregator_type: AGGREGATOR.average, data: { value: 0.42 } },
    { aggregator_type: AGGREGATOR.max, data: { value: 1 } },
    {
      aggregator_type: AGGREGATOR.distribution,
      data: { score_distribution: { score_distribution_items: [ { score: "1", count: "2", percentage: 0.5 }, { score: "0.25", count: "1", percentage: 0.25 }, { score: "0", count: "1", percentage: 0.25 } ] } },
    },
  ];

  it("reads one aggregator's value", () => {
    expect(aggregateValue(results, AGGREGATOR.average)).toBe(0.42);
    expect(aggregateValue(results, AGGREGATOR.min)).toBeNull();
    expect(aggregateValue(undefined, AGGREGATOR.average)).toBeNull();
  });

  it("sorts the distribution by score, counts as numbers", () => {
    expect(distribution(results)).toEqual([
      { score: "0", count: 1, percentage: 0.25 },
      { score: "0.25", count: 1, percentage: 0.25 },
      { score: "1", count: 2, percentage: 0.5 },
    ]);
    expect(distribution([])).toEqual([]);
  });

  it("averages numbers", () => {
    expect(mean([1, 0, 0.5])).toBe(0.5);
    expect(mean([])).toBeNull();
  });
});
