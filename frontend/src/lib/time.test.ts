import { describe, expect, it } from "vitest";
import { formatServerTime, parseServerTime } from "./time";

describe("server times", () => {
  it("reads seconds and milliseconds, and -1 as never", () => {
    expect(parseServerTime("1795653082")?.getTime()).toBe(1795653082000);
    expect(parseServerTime("1795653081753")?.getTime()).toBe(1795653081753);
    expect(parseServerTime("-1")).toBeNull();
    expect(formatServerTime("-1")).toBe("Never");
  });
});
