import { describe, expect, it } from "vitest";
import { averageOption, distributionOption } from "./chartOptions";

describe("chart options", () => {
  it("draws one bar per evaluator, rounded to two decimals; no score is a gap", () => {
    const option = averageOption([
      { name: "Correctness", value: 0.41666 },
      { name: "Equal", value: null },
    ]);
    expect(option.xAxis.data).toEqual(["Correctness", "Equal"]);
    expect(option.series[0]!.data).toEqual([0.42, null]);
    // The axis runs to 1 for 0..1 scores, and further for larger ones.
    expect(option.yAxis.max({ max: 0.4 })).toBe(1);
    expect(option.yAxis.max({ max: 4.2 })).toBe(5);
  });

  it("draws the distribution's counts with their share as labels", () => {
    const option = distributionOption("Correctness", [
      { score: "0", count: 1, percentage: 0.25 },
      { score: "1", count: 3, percentage: 0.75 },
    ]);
    expect(option.xAxis.data).toEqual(["0", "1"]);
    expect(option.series[0]!.data).toEqual([1, 3]);
    expect(option.series[0]!.label.formatter({ dataIndex: 1 })).toBe("75%");
  });
});
