import { describe, expect, it } from "vitest";
import { EXPT_STATUS, isRunning, itemStateLabel, progressOf, statusLabel, turnStateLabel } from "./experimentStatus";

describe("experiment status", () => {
  it("names upstream's states and knows which still run", () => {
    expect(statusLabel(EXPT_STATUS.processing).label).toBe("Running");
    expect(statusLabel(EXPT_STATUS.success)).toEqual({ label: "Success", color: "green" });
    expect(statusLabel(99).label).toBe("Status 99");
    expect(isRunning(EXPT_STATUS.pending)).toBe(true);
    expect(isRunning(EXPT_STATUS.terminating)).toBe(true);
    expect(isRunning(EXPT_STATUS.failed)).toBe(false);
    expect(isRunning(EXPT_STATUS.terminated)).toBe(false);
  });

  it("numbers item and turn states differently, as upstream does", () => {
    expect(itemStateLabel(2).label).toBe("Success");
    expect(turnStateLabel(1).label).toBe("Success");
    expect(itemStateLabel(3).label).toBe("Failed");
    expect(turnStateLabel(2).label).toBe("Failed");
  });
});

describe("progressOf", () => {
  it("counts finished items out of the total and rounds down", () => {
    expect(progressOf({ success_turn_cnt: 1, fail_turn_cnt: 1, pending_turn_cnt: 1 }, "3")).toEqual({ success: 1, fail: 1, terminated: 0, done: 2, total: 3, percent: 66 });
    expect(progressOf({ success_turn_cnt: 3 }, 3).percent).toBe(100);
  });

  it("uses the counters' sum while the item rows are still being created", () => {
    expect(progressOf({ success_turn_cnt: 2, processing_turn_cnt: 3 }, "0")).toMatchObject({ total: 5, percent: 40 });
    expect(progressOf(null, null)).toEqual({ success: 0, fail: 0, terminated: 0, done: 0, total: 0, percent: 0 });
  });
});
