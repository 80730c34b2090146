import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { components } from "../client/schema";
import { exportRequest, type ExportRow, type ExportTarget, type SpanRef } from "../lib/spanExport";
import { api } from "./client";
import { unwrap } from "./errors";
import { queryKeys } from "./queryKeys";

export type PreviewItem = components["schemas"]["PreviewItem"];
export type ExportResult = components["schemas"]["ExportTracesToDatasetResponse"];

export interface ExportInput {
  spans: readonly SpanRef[];
  window: { start: number; end: number };
  rows: readonly ExportRow[];
  target: ExportTarget;
}

/** What the spans would become (nothing is written; a new set is not created). */
export function usePreviewSpanExport(spaceId: string) {
  return useMutation({
    mutationFn: (input: ExportInput) =>
      unwrap(api.POST("/api/observability/v1/traces/preview_export_to_dataset", { body: exportRequest(spaceId, input.spans, input.window, input.rows, input.target) })),
  });
}

/** Writes the spans as items of a new or an existing evaluation set. */
export function useExportSpans(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ExportInput) => unwrap(api.POST("/api/observability/v1/traces/export_to_dataset", { body: exportRequest(spaceId, input.spans, input.window, input.rows, input.target) })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.evaluationSets(spaceId) }),
  });
}
