"""Span lists and traces: the builder's SQL run by the configured engine, shaped as upstream's OutputSpan."""

from dataclasses import replace
from typing import Any

from functions.observability import annotations, schemas
from functions.observability.attachments import attr_tos
from functions.observability.window import query_scope, window
from shared.clock import now_ms
from shared.errors import InvalidInput
from shared.traces import index
from shared.traces.layout import HOUR_US
from shared.traces.query.builder import Cursor, Relation, SpanScope, advance_info_sql, list_spans_sql, trace_sql
from shared.traces.query.engine import Engine, engine
from shared.traces.query.filters import FilterField, FilterFields
from shared.traces.retention import DAY_US, retention_start_us, ttl_days
from shared.traces.rows import output_span, tokens_of

Row = dict[str, Any]
DEFAULT_PAGE_SIZE = 100
# Inputs and outputs share this many characters per response (Lambda answers at most 6 MB), each at least
# MIN_CLIP_CHARS and at most MAX_CLIP_CHARS; a span's whole payload is asked for with without_clip.
RESPONSE_PAYLOAD_CHARS = 3_000_000
MIN_CLIP_CHARS, MAX_CLIP_CHARS = 500, 100_000
MAX_UNCLIPPED_SPANS = 20


def clip_for(spans: int) -> int:
    return max(MIN_CLIP_CHARS, min(MAX_CLIP_CHARS, RESPONSE_PAYLOAD_CHARS // max(1, 2 * spans)))


def _unique_adjacent(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows come ordered by (start_time, span_id, trace_id), so the copies of a span are neighbours."""
    unique: list[dict[str, Any]] = []
    for row in rows:
        if unique and (unique[-1]["span_id"], unique[-1]["trace_id"]) == (row["span_id"], row["trace_id"]):
            continue
        unique.append(row)
    return unique


def _fetch(store: Engine, scope: SpanScope, cursor: Cursor | None, wanted: int, ascending: bool) -> list[Row]:
    """Up to `wanted` distinct spans of the scope; asks for more rows when copies of spans filled a fetch."""
    fetch = wanted + 16
    while True:

        def build(relation: Relation, limit: int = fetch) -> list[str]:
            return [list_spans_sql(relation, scope, cursor, limit, ascending)]

        [rows] = store.run(scope, build)
        unique = _unique_adjacent(rows)
        if len(unique) >= wanted or len(rows) < fetch:
            return unique[:wanted]
        fetch *= 4


def _page(store: Engine, scope: SpanScope, cursor: Cursor | None, size: int, ascending: bool) -> list[Row]:
    """Up to size + 1 distinct spans, in order.

    A page usually fills from the newest hour alone, so the window is walked from its newest end (oldest,
    ascending) in growing steps aligned to hour partitions: the first page of a busy workspace reads one
    hour's files, not a day's. The copies of a span share its start time, so they never straddle a step.
    """
    wanted = size + 1
    start, end = scope.start_us, scope.end_us
    if cursor is not None:
        start, end = (max(start, cursor.start_time), end) if ascending else (start, min(end, cursor.start_time))
    rows: list[Row] = []
    step = HOUR_US
    while start <= end and len(rows) < wanted:
        if ascending:
            low, high = start, min(end, start - start % HOUR_US + step - 1)
            start = high + 1
        else:
            low, high = max(start, end - end % HOUR_US - step + HOUR_US), end
            end = low - 1
        rows += _fetch(store, replace(scope, start_us=low, end_us=high), cursor, wanted - len(rows), ascending)
        step *= 4
    return rows


def to_output(workspace_id: int, rows: list[dict[str, Any]], clip: int | None) -> list[schemas.OutputSpan]:
    """OutputSpans with their annotations; inputs and outputs cut at `clip` characters (a response must fit
    Lambda's 6 MB, and a list or a tree shows only the start of each)."""
    by_trace = annotations.for_traces(workspace_id, [row["trace_id"] for row in rows])
    ttl_us = ttl_days(str(workspace_id)) * DAY_US
    spans = []
    for row in rows:
        attached = [a for a in by_trace.get(row["trace_id"], []) if a["span_id"] == row["span_id"]]
        shaped = output_span(row, logic_delete_ms=(row["start_time"] + ttl_us) // 1000, annotations=attached)
        if clip is not None and (len(shaped["input"]) > clip or len(shaped["output"]) > clip):
            shaped |= {"input": shaped["input"][:clip], "output": shaped["output"][:clip], "clipped": True}
        output = schemas.OutputSpan.model_validate(shaped)
        output.attr_tos = attr_tos(workspace_id, row["object_storage"])
        spans.append(output)
    return spans


def list_spans(workspace_id: int, body: schemas.ListSpansRequest) -> schemas.SpanPage:
    scope = query_scope(
        workspace_id,
        body.start_time,
        body.end_time,
        platform_type=body.platform_type,
        span_list_type=body.span_list_type or "root_span",
        filters=body.filters,
    )
    ascending = False
    if body.order_bys:
        order = body.order_bys[0]
        if order.field not in (None, "start_time"):
            raise InvalidInput("spans can be ordered by start_time only")
        ascending = bool(order.is_asc)
    size = body.page_size or DEFAULT_PAGE_SIZE
    cursor = Cursor.decode(body.page_token) if body.page_token else None
    rows = _page(engine(), scope, cursor, size, ascending)
    has_more = len(rows) > size
    rows = rows[:size]
    token = Cursor(rows[-1]["start_time"], rows[-1]["span_id"], rows[-1]["trace_id"]).encode() if has_more else ""
    clip = None if body.without_clip else clip_for(len(rows))
    return schemas.SpanPage(spans=to_output(workspace_id, rows, clip), next_page_token=token, has_more=has_more)


def _trace_rows(
    workspace_id: int, trace_id: str, start_ms: int | None, end_ms: int | None, span_ids: list[str] | None
) -> list[dict[str, Any]]:
    """Every span of a trace. The trace index names its hour partitions; without an entry the given window,
    or the workspace's whole retention, is searched."""
    workspace = str(workspace_id)
    now_us = now_ms() * 1000
    floor = retention_start_us(workspace, now_us)
    hours = index.hours_of(workspace, [trace_id]).get(trace_id)
    if hours:
        start_us, end_us = max(floor, hours[0]), hours[-1] + HOUR_US - 1
    elif start_ms and end_ms:
        span_window = window(workspace_id, start_ms, end_ms)
        start_us, end_us = span_window.start_us, span_window.end_us
    else:  # an index entry outlived by a raised TTL, or not written yet: everything still kept is searched
        start_us, end_us = floor, now_us + HOUR_US
    scope = SpanScope(workspace, start_us, end_us, platform_type=None, span_list_type=None)
    [rows] = engine().run(scope, lambda relation: [trace_sql(relation, scope, trace_id, span_ids)], hours)
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["span_id"] not in latest or row["ingested_at"] > latest[row["span_id"]]["ingested_at"]:
            latest[row["span_id"]] = row
    return sorted(latest.values(), key=lambda row: (row["start_time"], row["span_id"]))


def token_totals(rows: list[dict[str, Any]], trace_id: str) -> schemas.TraceAdvanceInfo:
    totals = [tokens_of(row) for row in rows]
    return schemas.TraceAdvanceInfo(
        trace_id=trace_id,
        tokens=schemas.TokenCost(input=sum(t[0] for t in totals), output=sum(t[1] for t in totals)),
    )


def get_trace(
    workspace_id: int,
    trace_id: str,
    start_ms: int | None,
    end_ms: int | None,
    span_ids: list[str] | None = None,
    without_clip: bool = False,
) -> schemas.TraceData:
    rows = _trace_rows(workspace_id, trace_id, start_ms, end_ms, span_ids)
    if without_clip and not (span_ids and len(span_ids) <= MAX_UNCLIPPED_SPANS):
        raise InvalidInput(f"without_clip needs span_ids (at most {MAX_UNCLIPPED_SPANS}): whole traces are too big")
    clip = None if without_clip else clip_for(len(rows))
    return schemas.TraceData(
        spans=to_output(workspace_id, rows, clip), traces_advance_info=token_totals(rows, trace_id)
    )


def advance_info(workspace_id: int, traces: list[schemas.TraceQueryParams]) -> list[schemas.TraceAdvanceInfo]:
    if not traces:
        return []
    workspace = str(workspace_id)
    trace_ids = [trace.trace_id for trace in traces]
    known = index.hours_of(workspace, trace_ids)
    hours = sorted({hour for trace_hours in known.values() for hour in trace_hours})
    start_ms = min(trace.start_time for trace in traces)
    end_ms = max(trace.end_time for trace in traces)
    span_window = window(workspace_id, start_ms, max(start_ms, end_ms))
    start_us, end_us = span_window.start_us, span_window.end_us
    if hours:
        start_us, end_us = min(start_us, hours[0]), max(end_us, hours[-1] + HOUR_US - 1)
    scope = SpanScope(workspace, start_us, end_us, platform_type=None, span_list_type=None)
    # The index's hours are enough only when it knows every trace; otherwise the whole window is read.
    narrowed = hours if known.keys() >= set(trace_ids) else None
    [found] = engine().run(scope, lambda relation: [advance_info_sql(relation, scope, trace_ids)], narrowed)
    sums = {row["trace_id"]: row for row in found}
    return [
        schemas.TraceAdvanceInfo(
            trace_id=trace_id,
            tokens=schemas.TokenCost(
                input=int(sums.get(trace_id, {}).get("input_tokens") or 0),
                output=int(sums.get(trace_id, {}).get("output_tokens") or 0),
            ),
        )
        for trace_id in dict.fromkeys(trace_ids)
    ]


def search_by_log_id(workspace_id: int, log_id: str, start_ms: int, end_ms: int, limit: int) -> schemas.TraceData:
    span_window = window(workspace_id, start_ms, end_ms)
    filters = FilterFields(filter_fields=[FilterField(field_name="logid", values=[log_id], query_type="eq")])
    scope = SpanScope(str(workspace_id), span_window.start_us, span_window.end_us, None, None, filters)
    rows = _page(engine(), scope, None, limit, ascending=True)[:limit]
    return schemas.TraceData(spans=to_output(workspace_id, rows, clip_for(len(rows))))
