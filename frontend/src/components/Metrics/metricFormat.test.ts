import { describe, expect, it } from "vitest";
import { bucketStart, fitGranularity, formatFor, formatMetric, lineOption, lineSeries, pieSlices } from "./metricFormat";

const HOUR = 3_600_000;

describe("metric formatting", () => {
  it("reads ratios as percentages, durations in ms or s, counts as integers", () => {
    expect(formatMetric("0.5", "percent")).toBe("50.0%");
    expect(formatMetric("0", "percent")).toBe("0%");
    expect(formatMetric("3.25", "ms")).toBe("3 ms");
    expect(formatMetric("2500", "ms")).toBe("2.50 s");
    expect(formatMetric("1234", "count")).toBe((1234).toLocaleString());
    expect(formatMetric(null, "count")).toBe("–");
    expect([formatFor("general_fail_ratio"), formatFor("model_duration_pct99"), formatFor("model_token_count"), formatFor("model_qps_all")]).toEqual(["percent", "ms", "count", "number"]);
  });

  it("turns time series into chart lines, one per drill-down value when asked", () => {
    const metric = {
      time_series: {
        "gpt-4o-mini": [{ timestamp: "1000", value: "12" }],
        "": [{ timestamp: "1000", value: "0" }],
        claude: [{ timestamp: "1000", value: "3" }],
      },
    };
    expect(lineSeries(metric, "count").map((line) => line.name)).toEqual(["(no model)", "claude", "gpt-4o-mini"]);
    expect(lineSeries(metric, "count", ["gpt-4o-mini"])).toEqual([{ name: "gpt-4o-mini", points: [[1000, 12]] }]);
    expect(lineSeries({ time_series: { all: [{ timestamp: "5", value: "0.25" }] } }, "percent")).toEqual([{ name: "all", points: [[5, 25]] }]);
    expect(pieSlices({ pie: { a: "3", b: "0", "": "5" } })).toEqual([
      { name: "(none)", value: 5 },
      { name: "a", value: 3 },
    ]);
  });

  it("picks a granularity the server accepts for the range (at most 2,000 buckets)", () => {
    expect(fitGranularity("auto", 0, HOUR)).toBe("1min");
    expect(fitGranularity("auto", 0, 24 * HOUR)).toBe("1hour");
    expect(fitGranularity("auto", 0, 30 * 24 * HOUR)).toBe("1day");
    expect(fitGranularity("1min", 0, 24 * HOUR)).toBe("1min"); // 1,440 buckets
    expect(fitGranularity("1min", 0, 7 * 24 * HOUR)).toBe("1hour"); // 10,080 minutes is too many
  });

  it("goes finer when the chosen buckets are too coarse for the range (one point is not a chart)", () => {
    expect(fitGranularity("1day", 0, HOUR)).toBe("1min");
    expect(fitGranularity("1day", 0, 24 * HOUR)).toBe("1hour");
    expect(fitGranularity("1hour", 0, 15 * 60_000)).toBe("1min");
    expect(fitGranularity("1day", 0, 7 * 24 * HOUR)).toBe("1day");
    // …but never finer than the server allows.
    expect(fitGranularity("1day", 0, 40 * HOUR)).toBe("1hour");
  });

  it("breaks a line where the server left buckets out (averages and percentiles of buckets without spans)", () => {
    const metric = { time_series: { all: [{ timestamp: "0", value: "5" }, { timestamp: String(HOUR), value: "6" }, { timestamp: String(4 * HOUR), value: "7" }] } };
    expect(lineSeries(metric, "ms", undefined, HOUR)[0]!.points).toEqual([
      [0, 5],
      [HOUR, 6],
      [2 * HOUR, null],
      [4 * HOUR, 7],
    ]);
    // Without the bucket length, as it was: points only.
    expect(lineSeries(metric, "ms")[0]!.points).toHaveLength(3);
  });

  it("draws the axis from the first bucket of the data's own window, so the first point is not cut off", () => {
    const start = Date.UTC(2026, 0, 1, 10, 25);
    const end = start + 24 * HOUR;
    const firstBucket = Date.UTC(2026, 0, 1, 10);
    expect(bucketStart(start, "1hour")).toBe(firstBucket);
    expect(bucketStart(start, "1day")).toBe(Date.UTC(2026, 0, 1));
    const metric = { time_series: { all: [{ timestamp: String(firstBucket), value: "0.5" }] } };
    const option = lineOption({ name: "general_fail_ratio", label: "Errors", format: "percent" }, metric, { start, end, granularity: "1hour" });
    expect(option.xAxis).toMatchObject({ type: "time", min: firstBucket, max: end });
    expect(option.series).toEqual([expect.objectContaining({ name: "all", data: [[firstBucket, 50]] })]);
    expect(option.yAxis).toEqual({ type: "value", min: 0, axisLabel: { formatter: "{value}%" } });
    // Counts keep ECharts' own axis labels: no axisLabel key at all.
    const counts = lineOption({ name: "service_trace_count", label: "Traces", format: "count" }, metric, { start, end, granularity: "1hour" });
    expect(counts.yAxis).toEqual({ type: "value", min: 0 });
  });
});
