/**
 * ECharts options of an experiment's aggregates (pure: no ECharts import here, so they are tested as data): the
 * average score per evaluator, and one evaluator's score distribution.
 */
import type { DistributionBucket } from "../../../lib/scores";

export interface AverageBar {
  name: string;
  /** null: no score yet (nothing finished, or every run failed). */
  value: number | null;
}

const GRID = { left: 48, right: 16, top: 24, bottom: 48, containLabel: true };

export function averageOption(bars: readonly AverageBar[]) {
  return {
    grid: GRID,
    tooltip: { trigger: "axis" as const },
    xAxis: { type: "category" as const, data: bars.map((bar) => bar.name), axisLabel: { interval: 0, overflow: "truncate" as const, width: 120 } },
    yAxis: { type: "value" as const, min: 0, max: (value: { max: number }) => Math.max(1, Math.ceil(value.max)) },
    series: [
      {
        type: "bar" as const,
        name: "Average score",
        barMaxWidth: 48,
        data: bars.map((bar) => (bar.value === null ? null : Math.round(bar.value * 100) / 100)),
        label: { show: true, position: "top" as const },
      },
    ],
  };
}

export function distributionOption(name: string, buckets: readonly DistributionBucket[]) {
  return {
    grid: GRID,
    tooltip: { trigger: "axis" as const },
    xAxis: { type: "category" as const, name: "Score", data: buckets.map((bucket) => bucket.score) },
    yAxis: { type: "value" as const, name: "Items", minInterval: 1 },
    series: [
      {
        type: "bar" as const,
        name,
        barMaxWidth: 40,
        data: buckets.map((bucket) => bucket.count),
        label: { show: true, position: "top" as const, formatter: (params: { dataIndex: number }) => `${Math.round((buckets[params.dataIndex]?.percentage ?? 0) * 100)}%` },
      },
    ],
  };
}
