import { describe, expect, it } from "vitest";
import { autoMapColumns, detectDelimiter, FILE_FORMAT, fileFormatOf, importMappings, jsonlKeys, parseCsvHeader, sniffColumns } from "./csvColumns";

describe("parseCsvHeader", () => {
  it("reads the first record, quotes, BOM and CRLF included", () => {
    expect(parseCsvHeader('\uFEFFinput,"reference, output",notes\r\n1,2,3')).toEqual(["input", "reference, output", "notes"]);
    expect(parseCsvHeader('"say ""hi""",b\n')).toEqual(['say "hi"', "b"]);
  });

  it("finds semicolon and tab delimiters", () => {
    expect(detectDelimiter("a;b;c")).toBe(";");
    expect(detectDelimiter("a\tb")).toBe("\t");
    expect(detectDelimiter('"x;y",z')).toBe(",");
    expect(parseCsvHeader("a;b\n1;2")).toEqual(["a", "b"]);
  });

  it("explains a header it cannot use", () => {
    expect(() => parseCsvHeader("")).toThrow(/empty/);
    expect(() => parseCsvHeader("a,,b")).toThrow(/has no name/);
    expect(() => parseCsvHeader("a,b,a")).toThrow(/"a" twice/);
    expect(() => parseCsvHeader('"a,b')).toThrow(/never closed/);
  });
});

describe("jsonlKeys", () => {
  it("collects keys in order of first appearance", () => {
    expect(jsonlKeys('{"input": "x", "output": "y"}\n{"output": "z", "extra": 1}\n')).toEqual(["input", "output", "extra"]);
  });

  it("ignores a last line cut off by the sniffed chunk, and names a bad line", () => {
    expect(jsonlKeys('{"a": 1}\n{"b": ')).toEqual(["a"]);
    expect(() => jsonlKeys('{"a": 1}\nnot json\n')).toThrow(/Line 2/);
    expect(() => jsonlKeys("[1, 2]\n")).toThrow(/not a JSON object/);
    expect(() => jsonlKeys("\n\n")).toThrow(/no JSON object/);
  });
});

describe("files", () => {
  it("knows the formats by extension", () => {
    expect(fileFormatOf("Data.CSV")).toBe(FILE_FORMAT.csv);
    expect(fileFormatOf("rows.jsonl")).toBe(FILE_FORMAT.jsonl);
    expect(fileFormatOf("rows.parquet")).toBe(FILE_FORMAT.parquet);
    expect(fileFormatOf("rows.xlsx")).toBeNull();
  });

  it("sniffs the columns from the start of the file only", async () => {
    const csv = new Blob([`question,answer\n${"x,y\n".repeat(50_000)}`]);
    expect(await sniffColumns(csv, FILE_FORMAT.csv)).toEqual(["question", "answer"]);
    expect(await sniffColumns(new Blob(['{"q": 1}']), FILE_FORMAT.jsonl)).toEqual(["q"]);
    expect(await sniffColumns(new Blob(["PAR1"]), FILE_FORMAT.parquet)).toBeNull();
  });
});

describe("column mapping", () => {
  it("maps each set column to the file column of the same name, ignoring case, spaces, - and _", () => {
    expect(autoMapColumns(["Input", "Reference Output", "id"], ["input", "reference_output", "context"])).toEqual({ input: "Input", reference_output: "Reference Output", context: "" });
  });

  it("uses each file column once", () => {
    expect(autoMapColumns(["input"], ["input", "Input"])).toEqual({ input: "input", Input: "" });
  });

  it("builds field_mappings of the mapped columns and says what blocks the import", () => {
    expect(importMappings({ input: "q", context: "" }, ["input"])).toEqual({ fieldMappings: [{ source: "q", target: "input" }], problems: [] });
    expect(importMappings({ input: "", context: "" }, ["input"]).problems).toEqual(["Map at least one file column to a column of the set.", 'Required column "input" must be mapped.']);
    expect(importMappings({ a: "x", b: "x" }, []).problems).toEqual(['The file column "x" is mapped twice; map each file column once.']);
  });
});
