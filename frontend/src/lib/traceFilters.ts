/**
 * The trace list's filter builder model: rows of field → operator → value(s), turned into upstream's FilterFields
 * (reference §5.4) and read back from a saved view's `filters` JSON.
 */
import type { components } from "../client/schema";

export type FilterFields = components["schemas"]["FilterFields"];
export type FilterField = components["schemas"]["FilterField"];
export type FieldMeta = components["schemas"]["FieldMeta"];
export type FieldType = NonNullable<FilterField["field_type"]>;
export type QueryType = NonNullable<FilterField["query_type"]>;
export type SpanListType = "root_span" | "all_span" | "llm_span";

export const SPAN_LIST_TYPES: { key: SpanListType; label: string }[] = [
  { key: "root_span", label: "Root spans" },
  { key: "all_span", label: "All spans" },
  { key: "llm_span", label: "LLM spans" },
];

export function isSpanListType(value: unknown): value is SpanListType {
  return value === "root_span" || value === "all_span" || value === "llm_span";
}

export interface FilterRow {
  id: string;
  /** A built-in field's name, or a custom tag's key. */
  field: string;
  custom: boolean;
  fieldType: FieldType;
  op: QueryType;
  values: string[];
}

export const OPERATOR_LABELS: Record<QueryType, string> = {
  match: "contains",
  not_match: "does not contain",
  eq: "=",
  not_eq: "≠",
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  in: "is any of",
  not_in: "is none of",
  exist: "exists",
  not_exist: "does not exist",
};

const QUERY_TYPES = Object.keys(OPERATOR_LABELS) as QueryType[];

const OPERATORS_BY_TYPE: Record<FieldType, QueryType[]> = {
  string: ["eq", "not_eq", "match", "not_match", "in", "not_in", "exist", "not_exist"],
  long: ["eq", "not_eq", "gt", "gte", "lt", "lte", "exist", "not_exist"],
  double: ["eq", "not_eq", "gt", "gte", "lt", "lte", "exist", "not_exist"],
  bool: ["eq", "not_eq", "exist", "not_exist"],
};

export const FIELD_TYPES: { key: FieldType; label: string }[] = [
  { key: "string", label: "string" },
  { key: "long", label: "long" },
  { key: "double", label: "double" },
  { key: "bool", label: "bool" },
];

export const FIELD_LABELS: Record<string, string> = {
  status: "Status",
  span_name: "Span name",
  span_type: "Span type",
  trace_id: "Trace ID",
  span_id: "Span ID",
  input: "Input",
  output: "Output",
  duration: "Latency (ms)",
  latency_first_resp: "First response (ms)",
  input_tokens: "Input tokens",
  output_tokens: "Output tokens",
  tokens: "Tokens",
  model_name: "Model",
  prompt_key: "Prompt key",
  user_id: "User ID",
  message_id: "Message ID",
  thread_id: "Thread ID",
  logid: "Log ID",
};

export function fieldLabel(name: string): string {
  return FIELD_LABELS[name] ?? name;
}

/** The operators a row offers: the field's `filter_types` from meta_info, or by type for a custom tag. */
export function operatorsFor(row: Pick<FilterRow, "field" | "custom" | "fieldType">, metas: Record<string, FieldMeta>): QueryType[] {
  const meta = row.custom ? undefined : metas[row.field];
  if (meta) return meta.filter_types.filter((op): op is QueryType => (QUERY_TYPES as string[]).includes(op));
  return OPERATORS_BY_TYPE[row.fieldType];
}

export function needsValue(op: QueryType): boolean {
  return op !== "exist" && op !== "not_exist";
}

export function multiValue(op: QueryType): boolean {
  return op === "in" || op === "not_in";
}

let rowCount = 0;
export function newRowId(): string {
  rowCount += 1;
  return `filter-${rowCount}`;
}

/** A new row for a built-in field, with its first operator. */
export function fieldRow(field: string, metas: Record<string, FieldMeta>): FilterRow {
  const fieldType = metas[field]?.value_type ?? "string";
  const row = { id: newRowId(), field, custom: false, fieldType, values: [] as string[] };
  return { ...row, op: operatorsFor(row, metas)[0] ?? "eq" };
}

export function customRow(key = "", fieldType: FieldType = "string"): FilterRow {
  return { id: newRowId(), field: key, custom: true, fieldType, op: "eq", values: [] };
}

/** Keep the operator and values when they still fit the row's (new) field or type. */
export function fitRow(row: FilterRow, metas: Record<string, FieldMeta>): FilterRow {
  const ops = operatorsFor(row, metas);
  const op = ops.includes(row.op) ? row.op : (ops[0] ?? "eq");
  const values = multiValue(op) ? row.values : row.values.slice(0, 1);
  return { ...row, op, values };
}

function cleanValues(row: FilterRow): string[] {
  const values = row.values.map((value) => value.trim()).filter(Boolean);
  return multiValue(row.op) ? values : values.slice(0, 1);
}

/** A row is sent once it names a field and, unless it is exists / does not exist, has a value. */
export function isComplete(row: FilterRow): boolean {
  return row.field.trim() !== "" && (!needsValue(row.op) || cleanValues(row).length > 0);
}

export function toFilterField(row: FilterRow): FilterField {
  const field: FilterField = {
    field_name: row.field.trim(),
    field_type: row.fieldType,
    query_type: row.op,
    values: needsValue(row.op) ? cleanValues(row) : [],
  };
  if (row.custom) field.is_custom = true;
  return field;
}

/** The complete rows, AND-ed; undefined when there are none (no filter). */
export function toFilterFields(rows: readonly FilterRow[]): FilterFields | undefined {
  const fields = rows.filter(isComplete).map(toFilterField);
  return fields.length ? { query_and_or: "and", filter_fields: fields } : undefined;
}

/**
 * A view's `filters` JSON (or FilterFields) back into rows. Nested sub-filters are not editable here and are dropped.
 * A field is a custom tag when it says so (`is_custom`), else when it is neither one of `metas` nor a field the
 * console knows (FIELD_LABELS): a view applied before meta_info has loaded (or after it failed) must not turn the
 * built-in "status" into a tag called status.
 */
export function fromFilterFields(filters: string | FilterFields | null | undefined, metas: Record<string, FieldMeta>): FilterRow[] {
  let parsed: unknown = filters;
  if (typeof filters === "string") {
    try {
      parsed = filters.trim() ? JSON.parse(filters) : {};
    } catch {
      return [];
    }
  }
  if (typeof parsed !== "object" || parsed === null) return [];
  const fields = (parsed as FilterFields).filter_fields ?? [];
  return fields
    .filter((field) => field.field_name)
    .map((field) => {
      const name = field.field_name!;
      const custom = field.is_custom ?? !(name in metas || name in FIELD_LABELS);
      const fieldType = field.field_type ?? (custom ? "string" : (metas[name]?.value_type ?? "string"));
      const op: QueryType = field.query_type ?? "eq";
      return { id: newRowId(), field: name, custom, fieldType, op, values: (field.values ?? []).map(String) };
    });
}

/** The JSON a view stores: always a FilterFields object, empty when there is no filter. */
export function filtersJson(rows: readonly FilterRow[]): string {
  return JSON.stringify(toFilterFields(rows) ?? { query_and_or: "and", filter_fields: [] });
}
