import { describe, expect, it } from "vitest";
import { filterConditions, isFiltering, NO_FILTER, resultFilters, scoreRangeProblem } from "./resultFilters";

describe("result filters", () => {
  it("filters nothing by default", () => {
    expect(filterConditions(NO_FILTER)).toEqual([]);
    expect(resultFilters("5", NO_FILTER)).toEqual({});
    expect(isFiltering(NO_FILTER)).toBe(false);
  });

  it("keeps the chosen item states (IN) and a score range (>= and <=) of one evaluator", () => {
    const state = { states: [2, 3], score: { evaluatorVersionId: "77", min: 0.5, max: 1 } };
    expect(resultFilters("5", state)).toEqual({
      "5": {
        filters: {
          logic_op: 1,
          filter_conditions: [
            { field: { field_type: 48 }, operator: 7, value: "2,3" },
            { field: { field_type: 1, field_key: "77" }, operator: 4, value: "0.5" },
            { field: { field_type: 1, field_key: "77" }, operator: 6, value: "1" },
          ],
        },
      },
    });
  });

  it("ignores bounds without an evaluator, and a one-sided range is fine", () => {
    expect(filterConditions({ states: [], score: { evaluatorVersionId: "", min: 0.5, max: null } })).toEqual([]);
    expect(filterConditions({ states: [], score: { evaluatorVersionId: "1", min: null, max: 0 } })).toEqual([{ field: { field_type: 1, field_key: "1" }, operator: 6, value: "0" }]);
    expect(scoreRangeProblem(1, 0.5)).toMatch(/swap/);
    expect(scoreRangeProblem(0, 0)).toBeNull();
  });
});
