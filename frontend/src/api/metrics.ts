import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { components } from "../client/schema";
import { api } from "./client";
import { unwrap } from "./errors";
import { queryKeys } from "./queryKeys";
import { PLATFORM_TYPE } from "./traces";

export type Metric = components["schemas"]["Metric"];
export type MetricPoint = components["schemas"]["MetricPoint"];
export type Granularity = "1min" | "1hour" | "1day";

export const GRANULARITIES: { key: Granularity; label: string; ms: number }[] = [
  { key: "1min", label: "1 minute", ms: 60_000 },
  { key: "1hour", label: "1 hour", ms: 3_600_000 },
  { key: "1day", label: "1 day", ms: 86_400_000 },
];

/** The server refuses more than this many buckets in one request. */
export const MAX_BUCKETS = 2000;

export interface MetricsParams {
  start: number;
  end: number;
  granularity: Granularity;
  names: readonly string[];
  /** Split the time series by model name (one series per model). */
  byModel?: boolean;
}

export function useMetricNames(spaceId: string) {
  return useQuery({
    queryKey: queryKeys.metricNames(spaceId),
    queryFn: async () => (await unwrap(api.GET("/api/observability/v1/metrics/names", { params: { query: { workspace_id: spaceId } } }))).metric_names,
    staleTime: Infinity,
  });
}

/** What the metrics request returned, with the window and granularity it was asked for (so charts draw its own axis). */
export interface MetricsResult {
  metrics: Record<string, Metric>;
  start: number;
  end: number;
  granularity: Granularity;
}

/**
 * The metrics of one window. While another window loads, the previous result stays on screen (keepPreviousData),
 * so it carries its own window: a chart must never draw old points on the new axis.
 */
export function useMetrics(spaceId: string, params: MetricsParams, enabled = true) {
  return useQuery({
    queryKey: queryKeys.metrics(spaceId, params),
    enabled: enabled && params.names.length > 0,
    queryFn: async ({ signal }): Promise<MetricsResult> => {
      const { metrics } = await unwrap(
        api.POST("/api/observability/v1/metrics/list", {
          body: {
            workspace_id: spaceId,
            start_time: params.start,
            end_time: params.end,
            granularity: params.granularity,
            metric_names: [...params.names],
            platform_type: PLATFORM_TYPE,
            drill_down_fields: params.byModel ? [{ field_name: "model_name" }] : null,
          },
          signal,
        }),
      );
      return { metrics, start: params.start, end: params.end, granularity: params.granularity };
    },
    placeholderData: keepPreviousData,
  });
}

export function useModelNames(spaceId: string, range: { start: number; end: number }) {
  return useQuery({
    queryKey: queryKeys.drillDownValues(spaceId, { ...range, type: "model_name" }),
    queryFn: async () =>
      (
        await unwrap(
          api.POST("/api/observability/v1/metrics/drill_down_values", {
            body: { workspace_id: spaceId, start_time: range.start, end_time: range.end, drill_down_value_type: "model_name", platform_type: PLATFORM_TYPE },
          }),
        )
      ).drill_down_values
        .map((value) => value.value)
        .filter(Boolean),
    placeholderData: keepPreviousData,
  });
}
