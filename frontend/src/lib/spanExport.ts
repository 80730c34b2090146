/**
 * Exporting selected spans into an evaluation set (upstream's ExportTracesToDataset): each row of the dialog maps
 * one span field (optionally a JSONPath inside it) to one column of the set. Pure, so the request is tested.
 */

/** Span fields an export can read (the server's span_field names); "tags" is a custom tag, named by tagKey. */
export const SPAN_FIELDS = [
  { value: "input", label: "Input" },
  { value: "output", label: "Output" },
  { value: "span_name", label: "Span name" },
  { value: "span_type", label: "Span type" },
  { value: "status", label: "Status" },
  { value: "duration", label: "Latency (ms)" },
  { value: "trace_id", label: "Trace ID" },
  { value: "tags", label: "Custom tag…" },
] as const;

export interface ExportRow {
  spanField: string;
  tagKey: string;
  jsonPath: string;
  column: string;
  contentType: "Text" | "Image";
}

export type ExportTarget = { kind: "new"; name: string } | { kind: "existing"; setId: string; columns: { key?: string | null; name?: string | null; content_type?: string | null }[] };

export function defaultRows(): ExportRow[] {
  return [
    { spanField: "input", tagKey: "", jsonPath: "", column: "input", contentType: "Text" },
    { spanField: "output", tagKey: "", jsonPath: "", column: "output", contentType: "Text" },
  ];
}

/** The server's trace_field_key of a row. */
export function traceFieldKey(row: ExportRow): string {
  return row.spanField === "tags" ? `tags.${row.tagKey.trim()}` : row.spanField;
}

export function exportProblems(rows: readonly ExportRow[], target: ExportTarget): string[] {
  const problems: string[] = [];
  if (target.kind === "new" && !target.name.trim()) problems.push("Name the new evaluation set.");
  if (target.kind === "existing" && !target.setId) problems.push("Choose the evaluation set to add to.");
  if (rows.length === 0) problems.push("Map at least one span field to a column.");
  if (rows.some((row) => !row.column.trim())) problems.push("Give every mapping a column.");
  if (rows.some((row) => row.spanField === "tags" && !row.tagKey.trim())) problems.push("Name the custom tag to read.");
  const columns = rows.map((row) => row.column.trim()).filter(Boolean);
  const twice = columns.find((column, index) => columns.indexOf(column) !== index);
  if (twice) problems.push(`The column "${twice}" is filled twice; map one span field to each column.`);
  return problems;
}

export interface SpanRef {
  trace_id: string;
  span_id: string;
}

/** Evaluation sets are datasets of category 4 (Evaluation). */
export const EVALUATION_CATEGORY = 4;

/** The export (and preview) request body. */
export function exportRequest(spaceId: string, spans: readonly SpanRef[], window: { start: number; end: number }, rows: readonly ExportRow[], target: ExportTarget) {
  const fieldOf = (row: ExportRow) => {
    if (target.kind === "existing") {
      const column = target.columns.find((c) => c.name === row.column);
      return { name: row.column, ...(column?.key ? { key: column.key } : {}), content_type: column?.content_type === "Image" ? ("Image" as const) : ("Text" as const) };
    }
    return { name: row.column.trim(), content_type: row.contentType };
  };
  const mappings = rows.map((row) => ({ field_schema: fieldOf(row), trace_field_key: traceFieldKey(row), trace_field_jsonpath: row.jsonPath.trim() }));
  return {
    workspace_id: spaceId,
    span_ids: spans.map((span) => ({ trace_id: span.trace_id, span_id: span.span_id })),
    category: EVALUATION_CATEGORY,
    config:
      target.kind === "new"
        ? { is_new_dataset: true, dataset_name: target.name.trim(), dataset_schema: { field_schemas: mappings.map((mapping) => mapping.field_schema) } }
        : { is_new_dataset: false, dataset_id: target.setId, dataset_schema: { field_schemas: [] } },
    start_time: window.start,
    end_time: window.end,
    platform_type: "cozeloop" as const,
    export_type: "append" as const,
    field_mappings: mappings,
  };
}
