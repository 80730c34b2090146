import { describe, expect, it } from "vitest";
import { fitGranularity, formatFor, formatMetric, lineSeries, pieSlices } from "./metricFormat";

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
});
