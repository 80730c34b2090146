import { describe, expect, it } from "vitest";
import { flattenPages, spanCost, spanTokens, type OutputSpan } from "./traces";

const span = (trace: string, id: string, fields: Partial<OutputSpan> = {}) => ({ trace_id: trace, span_id: id, ...fields }) as OutputSpan;

describe("flattenPages", () => {
  it("lists each span once, in page order, when two pages return the same span", () => {
    const pages = [
      [span("t1", "a"), span("t2", "b")],
      [span("t2", "b"), span("t3", "c")],
      [span("t1", "z"), span("t1", "a")],
    ];
    expect(flattenPages(pages).map((s) => `${s.trace_id}:${s.span_id}`)).toEqual(["t1:a", "t2:b", "t3:c", "t1:z"]);
    expect(flattenPages([])).toEqual([]);
  });
});

describe("span tags", () => {
  it("reads tokens and cost from the span's tags, or null", () => {
    expect(spanTokens(span("t", "a", { tags_long: { input_tokens: "12", output_tokens: "6" } }))).toEqual({ input: 12, output: 6 });
    expect(spanTokens(span("t", "a", {}))).toBeNull();
    expect(spanCost(span("t", "a", { tags_double: { cost: 0.5 } }))).toBe(0.5);
    expect(spanCost(span("t", "a", { tags_double: { total_cost: 0.25 } }))).toBe(0.25);
    expect(spanCost(span("t", "a", {}))).toBeNull();
  });
});
