import { afterEach, describe, expect, it, vi } from "vitest";
import { formatLatency, quickRange, refreshRange, resolveRange } from "./timeRange";

describe("time ranges", () => {
  afterEach(() => vi.restoreAllMocks());

  it("resolves a quick pick from its anchor; Refresh re-anchors it at now and leaves a custom range alone", () => {
    const range = quickRange("1h", 10_000_000);
    expect(resolveRange(range)).toEqual({ start: 10_000_000 - 3_600_000, end: 10_000_000 });
    vi.spyOn(Date, "now").mockReturnValue(20_000_000);
    expect(resolveRange(refreshRange(range))).toEqual({ start: 20_000_000 - 3_600_000, end: 20_000_000 });
    const custom = { kind: "custom", start: 1, end: 2 } as const;
    expect(refreshRange(custom)).toBe(custom);
  });
});

describe("formatLatency", () => {
  it("picks the unit after rounding, so a value never reads 1000 ms or 60.0 s", () => {
    expect(formatLatency(850)).toBe("850 ms");
    expect(formatLatency(999.4)).toBe("999 ms");
    expect(formatLatency(999.6)).toBe("1.00 s");
    expect(formatLatency(2345)).toBe("2.35 s");
    expect(formatLatency(9_999)).toBe("10.0 s");
    expect(formatLatency(12_340)).toBe("12.3 s");
    expect(formatLatency(59_990)).toBe("1.0 min");
    expect(formatLatency(270_000)).toBe("4.5 min");
    expect(formatLatency(Number.NaN)).toBe("–");
  });
});
