import type { OutputSpan } from "../api/traces";

/** An OutputSpan as the server returns it (a root span of one trace); tests override the fields they care about. */
export function outputSpan(fields: Partial<OutputSpan> = {}): OutputSpan {
  return {
    trace_id: "6364e077140622d359c7ce4488a38d80",
    span_id: "6c91a4376eea6c21",
    parent_id: "0",
    span_name: "handle_request",
    span_type: "custom",
    type: "unknwon",
    started_at: "1795662950641",
    duration: "6",
    status: "success",
    status_code: 0,
    input: "",
    output: "",
    logic_delete_date: "0",
    service_name: "",
    logid: "",
    call_type: "Custom",
    clipped: false,
    annotations: [],
    ...fields,
  };
}
