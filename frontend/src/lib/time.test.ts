import { describe, expect, it } from "vitest";
import { formatServerTime, formatTimestamp, parseServerTime } from "./time";

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

describe("formatTimestamp", () => {
  const MS = Date.UTC(2026, 10, 26, 3, 48, 17, 123);

  it("reads the API's int64 strings and numbers alike, and says – when there is no time", () => {
    expect(formatTimestamp(String(MS))).toBe(formatTimestamp(MS));
    expect(formatTimestamp("0")).toBe("–");
    expect(formatTimestamp("-1")).toBe("–");
    expect(formatTimestamp("soon")).toBe("–");
  });

  it("shows the table's short form to the second, and the full form with year, milliseconds and time zone", () => {
    const date = new Date(MS);
    const short = formatTimestamp(MS);
    const full = formatTimestamp(MS, "full");
    expect(short).toBe(date.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }));
    expect(short).not.toContain(String(date.getFullYear()));
    expect(full).toContain(String(date.getFullYear()));
    expect(full).toContain(".123");
    // The zone's name closes the full form, so a time copied from the drawer says which zone it is in.
    const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" }).formatToParts(date).find((part) => part.type === "timeZoneName")!.value;
    expect(full.endsWith(zone)).toBe(true);
  });
});
