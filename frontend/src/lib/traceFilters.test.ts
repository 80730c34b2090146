import { describe, expect, it } from "vitest";
import { customRow, fieldRow, filtersJson, fitRow, fromFilterFields, operatorsFor, toFilterFields, type FieldMeta, type FilterRow } from "./traceFilters";

const TEXT = ["match", "not_match", "eq", "not_eq", "in", "not_in", "exist", "not_exist"];
const METAS: Record<string, FieldMeta> = {
  status: { value_type: "string", filter_types: ["in", "not_in"], field_options: { string_list: ["success", "error"] } },
  span_name: { value_type: "string", filter_types: TEXT },
  duration: { value_type: "long", filter_types: ["eq", "not_eq", "gt", "gte", "lt", "lte", "exist", "not_exist"] },
};

const row = (fields: Partial<FilterRow>): FilterRow => ({ id: "r", field: "", custom: false, fieldType: "string", op: "eq", values: [], ...fields });

describe("the filter builder's FilterFields", () => {
  it("turns built-in rows into FilterFields with the field's type and operator", () => {
    expect(toFilterFields([row({ field: "status", op: "in", values: ["error"] }), row({ field: "duration", fieldType: "long", op: "gte", values: [" 10000 "] })])).toEqual({
      query_and_or: "and",
      filter_fields: [
        { field_name: "status", field_type: "string", query_type: "in", values: ["error"] },
        { field_name: "duration", field_type: "long", query_type: "gte", values: ["10000"] },
      ],
    });
  });

  it("marks custom tags is_custom with their typed key", () => {
    expect(toFilterFields([row({ field: "tenant", custom: true, op: "eq", values: ["acme"] }), row({ field: "retries", custom: true, fieldType: "long", op: "gt", values: ["2"] })])?.filter_fields).toEqual([
      { field_name: "tenant", field_type: "string", query_type: "eq", values: ["acme"], is_custom: true },
      { field_name: "retries", field_type: "long", query_type: "gt", values: ["2"], is_custom: true },
    ]);
    expect(toFilterFields([row({ field: "cached", custom: true, fieldType: "bool", op: "exist" })])?.filter_fields).toEqual([
      { field_name: "cached", field_type: "bool", query_type: "exist", values: [], is_custom: true },
    ]);
  });

  it("sends one value for single-value operators, all of them for in / not in, and skips unfinished rows", () => {
    expect(toFilterFields([row({ field: "span_name", op: "in", values: ["a", " ", "b"] }), row({ field: "span_name", op: "match", values: ["x", "y"] })])?.filter_fields?.map((f) => f.values)).toEqual([
      ["a", "b"],
      ["x"],
    ]);
    expect(toFilterFields([row({ field: "span_name", op: "eq", values: [""] }), row({ field: "  ", custom: true, values: ["v"] })])).toBeUndefined();
    expect(filtersJson([])).toBe('{"query_and_or":"and","filter_fields":[]}');
  });

  it("offers the field's filter_types, or by type for a custom tag, and keeps what still fits", () => {
    expect(operatorsFor(row({ field: "status" }), METAS)).toEqual(["in", "not_in"]);
    expect(operatorsFor(customRow("k", "bool"), METAS)).toEqual(["eq", "not_eq", "exist", "not_exist"]);
    expect(fieldRow("status", METAS)).toMatchObject({ field: "status", fieldType: "string", op: "in", custom: false });
    expect(fieldRow("duration", METAS)).toMatchObject({ fieldType: "long", op: "eq" });
    // span_name "in [a, b]" → status: "in" still fits and keeps both values; duration has no "in".
    expect(fitRow(row({ field: "status", op: "in", values: ["a", "b"] }), METAS)).toMatchObject({ op: "in", values: ["a", "b"] });
    expect(fitRow(row({ field: "duration", fieldType: "long", op: "in", values: ["1", "2"] }), METAS)).toMatchObject({ op: "eq", values: ["1"] });
  });

  it("reads a view's filters JSON back into rows (custom when is_custom or unknown)", () => {
    const rows = fromFilterFields(
      JSON.stringify({
        query_and_or: "and",
        filter_fields: [
          { field_name: "status", field_type: "string", values: ["error"], query_type: "in" },
          { field_name: "tenant", field_type: "string", values: ["acme"], query_type: "eq", is_custom: true },
          { field_name: "region", values: ["eu"], query_type: "eq" },
        ],
      }),
      METAS,
    );
    expect(rows.map(({ field, custom, fieldType, op, values }) => ({ field, custom, fieldType, op, values }))).toEqual([
      { field: "status", custom: false, fieldType: "string", op: "in", values: ["error"] },
      { field: "tenant", custom: true, fieldType: "string", op: "eq", values: ["acme"] },
      { field: "region", custom: true, fieldType: "string", op: "eq", values: ["eu"] },
    ]);
    expect(toFilterFields(rows)?.filter_fields?.[1]).toEqual({ field_name: "tenant", field_type: "string", query_type: "eq", values: ["acme"], is_custom: true });
    expect(fromFilterFields("not json", METAS)).toEqual([]);
  });

  it("keeps a view's built-in fields built-in when it is applied before meta_info has loaded", () => {
    const exceptions = '{"query_and_or": "and", "filter_fields": [{"field_name": "status", "field_type": "string", "values": ["error"], "query_type": "in"}, {"field_name": "duration", "field_type": "long", "values": ["10000"], "query_type": "gte"}, {"field_name": "tenant", "values": ["acme"], "query_type": "eq"}]}';
    const rows = fromFilterFields(exceptions, {});
    expect(rows.map(({ field, custom }) => [field, custom])).toEqual([
      ["status", false],
      ["duration", false],
      ["tenant", true],
    ]);
    // Sent as it was saved: no is_custom on the built-in fields.
    expect(toFilterFields(rows)?.filter_fields?.map((field) => field.is_custom)).toEqual([undefined, undefined, true]);
  });
});
