import { describe, expect, it } from "vitest";
import { formatServerTime, parseServerTime } from "./time";

describe("server times", () => {
  it("reads each field in its declared unit", () => {
    expect(parseServerTime("1795653082", "s")?.getTime()).toBe(1795653082000);
    expect(parseServerTime("1795653081753", "ms")?.getTime()).toBe(1795653081753);
    // No guessing from the magnitude: a small millisecond value stays milliseconds.
    expect(parseServerTime("5000", "ms")?.getTime()).toBe(5000);
    expect(parseServerTime("5000", "s")?.getTime()).toBe(5_000_000);
  });

  it("reads -1 as never", () => {
    expect(parseServerTime("-1", "s")).toBeNull();
    expect(parseServerTime("-1", "ms")).toBeNull();
    expect(formatServerTime("-1", "s")).toBe("Never");
    expect(formatServerTime("-1", "ms", "—")).toBe("—");
    expect(formatServerTime("not a number", "s")).toBe("Never");
  });
});
