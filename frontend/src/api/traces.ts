import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components } from "../client/schema";
import type { FilterFields, SpanListType } from "../lib/traceFilters";
import { api } from "./client";
import { unwrap } from "./errors";
import { queryKeys } from "./queryKeys";

export type OutputSpan = components["schemas"]["OutputSpan"];
export type Annotation = components["schemas"]["Annotation"];
export type TraceView = components["schemas"]["View"];
export type TraceAdvanceInfo = components["schemas"]["TraceAdvanceInfo"];
export type FieldMetas = components["schemas"]["GetTracesMetaInfoResponse"]["field_metas"];

export const PLATFORM_TYPE = "cozeloop";
export const SPAN_PAGE_SIZE = 50;

export interface SpanListParams {
  start: number;
  end: number;
  spanListType: SpanListType;
  filters?: FilterFields;
}

/** The span list, paged with the server's keyset `next_page_token` (never offsets): "Load more" fetches the next page. */
export function useSpanList(spaceId: string, params: SpanListParams) {
  return useInfiniteQuery({
    queryKey: queryKeys.spanList(spaceId, params),
    initialPageParam: "",
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.POST("/api/observability/v1/spans/list", {
          body: {
            workspace_id: spaceId,
            start_time: params.start,
            end_time: params.end,
            span_list_type: params.spanListType,
            filters: params.filters ?? null,
            page_size: SPAN_PAGE_SIZE,
            page_token: pageParam || null,
            platform_type: PLATFORM_TYPE,
          },
          signal,
        }),
      ),
    getNextPageParam: (last) => (last.has_more && last.next_page_token ? last.next_page_token : undefined),
    // Refetching an infinite list refetches every loaded page; the Refresh button re-anchors the range instead.
    refetchOnWindowFocus: false,
    staleTime: 30_000,
  });
}

export interface AdvanceInfo {
  /** Trace id → token totals, over the pages loaded so far. */
  byTrace: Map<string, TraceAdvanceInfo>;
  /** The first failed page's error (the server's message), or null. */
  error: Error | null;
  /** Asks again for the pages that failed. */
  retry: () => void;
}

/**
 * The loaded pages as one list, each span once (by trace and span id), in page order: a span the store returns on
 * two pages (reported again, or sharing the page boundary's start time) is not listed twice.
 */
export function flattenPages(pages: readonly (readonly OutputSpan[])[]): OutputSpan[] {
  const seen = new Set<string>();
  const spans: OutputSpan[] = [];
  for (const page of pages) {
    for (const span of page) {
      const key = `${span.trace_id}:${span.span_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      spans.push(span);
    }
  }
  return spans;
}

/**
 * Token totals of the root spans' traces, one request per loaded page (≤ 50 traces, the server takes 200), so
 * loading a page never re-asks for the previous ones. The time window is part of the key: Refresh (a new window)
 * asks again, so the totals of traces still being reported catch up.
 */
export function useAdvanceInfo(spaceId: string, pages: readonly (readonly OutputSpan[])[], window: { start: number; end: number }, enabled: boolean): AdvanceInfo {
  return useQueries({
    queries: pages.map((spans) => {
      const traceIds = [...new Set(spans.map((span) => span.trace_id))];
      return {
        queryKey: queryKeys.traceAdvance(spaceId, { start: window.start, end: window.end, traceIds }),
        enabled: enabled && traceIds.length > 0,
        staleTime: 60_000,
        queryFn: async ({ signal }: { signal: AbortSignal }) =>
          (
            await unwrap(
              api.POST("/api/observability/v1/traces/batch_get_advance_info", {
                body: {
                  workspace_id: spaceId,
                  platform_type: PLATFORM_TYPE,
                  traces: traceIds.map((trace_id) => ({ trace_id, start_time: window.start, end_time: window.end })),
                },
                signal,
              }),
            )
          ).traces_advance_info,
      };
    }),
    combine: (results) => {
      const byTrace = new Map<string, TraceAdvanceInfo>();
      for (const result of results) for (const info of result.data ?? []) byTrace.set(info.trace_id, info);
      const failed = results.filter((result) => result.isError);
      return {
        byTrace,
        error: failed[0]?.error ?? null,
        retry: () => failed.forEach((result) => void result.refetch()),
      };
    },
  });
}

export function useTraceMeta(spaceId: string, spanListType: SpanListType) {
  return useQuery({
    queryKey: queryKeys.traceMeta(spaceId, spanListType),
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/api/observability/v1/traces/meta_info", {
            params: { query: { workspace_id: spaceId, span_list_type: spanListType } },
          }),
        )
      ).field_metas,
    staleTime: 10 * 60_000,
  });
}

/** Every span of one trace, with its token totals. */
export function useTrace(spaceId: string, traceId: string | null) {
  return useQuery({
    queryKey: queryKeys.trace(spaceId, traceId ?? ""),
    enabled: !!traceId,
    queryFn: () =>
      unwrap(
        api.GET("/api/observability/v1/traces/{trace_id}", {
          params: { path: { trace_id: traceId ?? "" }, query: { workspace_id: spaceId } },
        }),
      ),
    refetchOnWindowFocus: false,
  });
}

/**
 * One span with its whole input and output. A trace's answer cuts long inputs and outputs so that it fits a
 * response (the span says `clipped`); this asks for the one span again with `without_clip`. Not part of the trace's
 * key, so saving feedback (which refetches the trace) does not download a megabyte again.
 */
export function useWholeSpan(spaceId: string, span: Pick<OutputSpan, "trace_id" | "span_id">, enabled: boolean) {
  return useQuery({
    queryKey: [...queryKeys.traces(spaceId), "whole-span", span.trace_id, span.span_id],
    enabled,
    staleTime: 5 * 60_000,
    gcTime: 60_000,
    queryFn: async ({ signal }) => {
      const data = await unwrap(
        api.GET("/api/observability/v1/traces/{trace_id}", {
          params: { path: { trace_id: span.trace_id }, query: { workspace_id: spaceId, span_ids: [span.span_id], without_clip: true } },
          signal,
        }),
      );
      const whole = data.spans.find((found) => found.span_id === span.span_id);
      if (!whole) throw new Error("This span is no longer stored: it may have passed the workspace's retention period.");
      return whole;
    },
  });
}

export function useViews(spaceId: string) {
  return useQuery({
    queryKey: queryKeys.traceViews(spaceId),
    queryFn: async () => (await unwrap(api.POST("/api/observability/v1/views/list", { body: { workspace_id: spaceId } }))).views,
  });
}

export function useCreateView(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (view: { view_name: string; span_list_type: SpanListType; filters: string }) =>
      unwrap(api.POST("/api/observability/v1/views", { body: { workspace_id: spaceId, platform_type: PLATFORM_TYPE, ...view } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.traceViews(spaceId) }),
  });
}

export function useDeleteView(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (viewId: string) =>
      unwrap(api.DELETE("/api/observability/v1/views/{view_id}", { params: { path: { view_id: viewId }, query: { workspace_id: spaceId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.traceViews(spaceId) }),
  });
}

export interface FeedbackInput {
  span: Pick<OutputSpan, "span_id" | "trace_id" | "started_at">;
  key: string;
  value: string;
  reasoning: string;
}

/** Manual feedback on a span; the trace is refetched afterwards so the span's annotations show it. */
export function useCreateAnnotation(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ span, key, value, reasoning }: FeedbackInput) =>
      unwrap(
        api.POST("/api/observability/v1/annotations", {
          body: {
            annotation: {
              span_id: span.span_id,
              trace_id: span.trace_id,
              workspace_id: spaceId,
              start_time: span.started_at,
              key,
              value_type: "string",
              value,
              reasoning,
            },
            platform_type: PLATFORM_TYPE,
          },
        }),
      ),
    onSuccess: (_data, { span }) => queryClient.invalidateQueries({ queryKey: queryKeys.trace(spaceId, span.trace_id) }),
  });
}

export function useDeleteAnnotation(spaceId: string, traceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (annotationId: string) =>
      unwrap(
        api.DELETE("/api/observability/v1/annotations/{annotation_id}", {
          params: { path: { annotation_id: annotationId }, query: { workspace_id: spaceId, trace_id: traceId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.trace(spaceId, traceId) }),
  });
}

/** Tokens of a span from its tags (model spans carry input_tokens / output_tokens), or null. */
export function spanTokens(span: OutputSpan): { input: number; output: number } | null {
  const tags = span.tags_long ?? {};
  if (tags.input_tokens === undefined && tags.output_tokens === undefined) return null;
  return { input: Number(tags.input_tokens ?? 0), output: Number(tags.output_tokens ?? 0) };
}

/** The span's cost tag (`cost`, else `total_cost`), or null. */
export function spanCost(span: OutputSpan): number | null {
  const tags = span.tags_double ?? {};
  const cost = tags.cost ?? tags.total_cost;
  return typeof cost === "number" && Number.isFinite(cost) ? cost : null;
}
