import { describe, expect, it } from "vitest";
import { defaultRows, exportProblems, exportRequest, traceFieldKey } from "./spanExport";

const spans = [{ trace_id: "a".repeat(32), span_id: "b".repeat(16) }];
const window = { start: 1000, end: 2000 };

describe("span export requests", () => {
  it("creates a new set whose schema is the mapped columns", () => {
    const body = exportRequest("9", spans, window, defaultRows(), { kind: "new", name: " From traces " });
    expect(body.config).toEqual({
      is_new_dataset: true,
      dataset_name: "From traces",
      dataset_schema: { field_schemas: [ { name: "input", content_type: "Text" }, { name: "output", content_type: "Text" } ] },
    });
    expect(body.field_mappings[0]).toEqual({ field_schema: { name: "input", content_type: "Text" }, trace_field_key: "input", trace_field_jsonpath: "" });
    expect(body).toMatchObject({ workspace_id: "9", category: 4, start_time: 1000, end_time: 2000, export_type: "append", span_ids: spans });
  });

  it("maps into an existing set's columns by key, custom tags as tags.<key>", () => {
    const rows = [{ spanField: "tags", tagKey: " tenant ", jsonPath: " $.a ", column: "who", contentType: "Text" as const }];
    const body = exportRequest("9", spans, window, rows, { kind: "existing", setId: "42", columns: [{ key: "f1", name: "who", content_type: "Image" }] });
    expect(body.config).toEqual({ is_new_dataset: false, dataset_id: "42", dataset_schema: { field_schemas: [] } });
    expect(body.field_mappings).toEqual([{ field_schema: { name: "who", key: "f1", content_type: "Image" }, trace_field_key: "tags.tenant", trace_field_jsonpath: "$.a" }]);
    expect(traceFieldKey(rows[0]!)).toBe("tags.tenant");
  });

  it("says what stops the export", () => {
    expect(exportProblems(defaultRows(), { kind: "new", name: "" })).toEqual(["Name the new evaluation set."]);
    expect(exportProblems([], { kind: "existing", setId: "", columns: [] })).toEqual(["Choose the evaluation set to add to.", "Map at least one span field to a column."]);
    const twice = defaultRows().map((row) => ({ ...row, column: "same" }));
    expect(exportProblems(twice, { kind: "new", name: "x" })).toEqual(['The column "same" is filled twice; map one span field to each column.']);
    expect(exportProblems([{ spanField: "tags", tagKey: "", jsonPath: "", column: "c", contentType: "Text" }], { kind: "new", name: "x" })).toEqual(["Name the custom tag to read."]);
  });
});
