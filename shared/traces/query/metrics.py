"""Observability metrics (reference §8): each metric is one aggregate over the deduplicated spans.

A request is one query whatever it asks: GROUPING SETS compute the time series (by bucket and
drill-down value), the summaries and every pie from a single scan of the spans.
"""

from dataclasses import dataclass

from shared.errors import InvalidInput
from shared.traces.query.builder import Relation, SpanScope, scope_predicate
from shared.traces.query.sql import Dialect

ROOT = "parent_id IN ('0', '')"
MODEL = "span_type IN ('model', 'LLMCall')"
TOOL = "span_type = 'tool'"
ERROR = "status_code <> 0"
GRANULARITY_US = {"1min": 60_000_000, "1hour": 3_600_000_000, "1day": 86_400_000_000, "1week": 604_800_000_000}
MAX_BUCKETS = 2000
DRILL_DOWN_COLUMNS = {"model_name": "model_name", "span_name": "span_name", "tool_name": "span_name"}
# A drill-down by model (by tool) splits the model (tool) spans: other spans would be one more series of zeros
# under an empty model name (or one per span name).
DRILL_DOWN_SPANS = {"model_name": MODEL, "tool_name": TOOL}


@dataclass(frozen=True)
class Metric:
    name: str
    expression: str  # an aggregate over a group's rows
    columns: tuple[str, ...]
    additive: bool = False  # an empty bucket is 0 (counts and sums), not missing (averages and ratios)
    pie_by: str | None = None  # a pie: the aggregate grouped by this column
    per_seconds: float | None = None  # a rate: the aggregate × this ÷ the bucket's (or window's) seconds


def _double(expression: str) -> str:
    """Division in DOUBLE: Trino reads `1.0` as DECIMAL(2,1) and would round a ratio to one decimal."""
    return f"CAST({expression} AS DOUBLE)"


def _count(condition: str) -> str:
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _ratio(part: str, whole: str) -> str:
    return f"({_double(_count(part))} / nullif({_count(whole)}, 0))"


def _avg_ms(condition: str, value: str = "duration") -> str:
    return f"avg(CASE WHEN {condition} THEN {_double(value)} / 1000 END)"


def _sum(condition: str, value: str) -> str:
    return f"coalesce(sum(CASE WHEN {condition} THEN {value} END), 0)"


TOKENS = "(input_tokens + output_tokens)"
BASE = ("parent_id", "span_type", "status_code")


def _definitions(dialect: Dialect) -> list[Metric]:
    ttft = f"{dialect.map_get('tags_long', 'latency_first_resp')}"
    user = dialect.map_get("tags_string", "user_id")
    message = dialect.map_get("tags_string", "message_id")
    model_tokens = ("input_tokens", "output_tokens")
    return [
        # general_*
        Metric("general_total_count", _count(ROOT), BASE, additive=True),
        Metric("general_fail_ratio", _ratio(f"{ROOT} AND {ERROR}", ROOT), BASE),
        Metric("general_model_fail_ratio", _ratio(f"{MODEL} AND {ERROR}", MODEL), BASE),
        Metric("general_model_latency_avg", _avg_ms(MODEL), (*BASE, "duration")),
        Metric("general_model_total_tokens", _sum(MODEL, TOKENS), (*BASE, *model_tokens), additive=True),
        Metric("general_tool_total_count", _count(TOOL), BASE, additive=True),
        Metric("general_tool_fail_ratio", _ratio(f"{TOOL} AND {ERROR}", TOOL), BASE),
        Metric("general_tool_latency_avg", _avg_ms(TOOL), (*BASE, "duration")),
        # model_*
        Metric("model_token_count", _sum(MODEL, TOKENS), (*BASE, *model_tokens), additive=True),
        Metric("model_input_token_count", _sum(MODEL, "input_tokens"), (*BASE, "input_tokens"), additive=True),
        Metric("model_output_token_count", _sum(MODEL, "output_tokens"), (*BASE, "output_tokens"), additive=True),
        Metric("model_total_count", _count(MODEL), BASE, additive=True),
        Metric("model_total_error_count", _count(f"{MODEL} AND {ERROR}"), BASE, additive=True),
        # Upstream's name for the count of successful model calls.
        Metric("model_success_error_count", _count(f"{MODEL} AND status_code = 0"), BASE, additive=True),
        Metric("model_success_ratio", _ratio(f"{MODEL} AND status_code = 0", MODEL), BASE),
        Metric("model_qps_all", _count(MODEL), BASE, per_seconds=1),
        Metric("model_qpm_all", _count(MODEL), BASE, per_seconds=60),
        Metric("model_tps", _sum(MODEL, TOKENS), (*BASE, *model_tokens), per_seconds=1),
        Metric("model_tpm", _sum(MODEL, TOKENS), (*BASE, *model_tokens), per_seconds=60),
        *_wrapped("model_duration", MODEL, "duration", dialect, (*BASE, "duration")),
        *_wrapped("model_ttft", f"{MODEL} AND {ttft} IS NOT NULL", ttft, dialect, (*BASE, "tags_long")),
        Metric(
            "model_tpot",
            f"avg(CASE WHEN {MODEL} AND output_tokens > 0 "
            f"THEN {_double(f'duration - coalesce({ttft}, 0)')} / 1000 / output_tokens END)",
            (*BASE, "duration", "output_tokens", "tags_long"),
        ),
        Metric("model_token_count_pie", _sum(MODEL, TOKENS), (*BASE, *model_tokens, "model_name"), pie_by="model_name"),
        Metric("model_total_count_pie", _count(MODEL), (*BASE, "model_name"), pie_by="model_name"),
        Metric("model_error_code_pie", _count(f"{MODEL} AND {ERROR}"), BASE, pie_by="status_code"),
        # tool_*
        Metric("tool_total_count", _count(TOOL), BASE, additive=True),
        Metric("tool_total_error_count", _count(f"{TOOL} AND {ERROR}"), BASE, additive=True),
        Metric("tool_total_success_count", _count(f"{TOOL} AND status_code = 0"), BASE, additive=True),
        Metric("tool_success_ratio", _ratio(f"{TOOL} AND status_code = 0", TOOL), BASE),
        *_wrapped("tool_duration", TOOL, "duration", dialect, (*BASE, "duration")),
        Metric("tool_total_count_pie", _count(TOOL), (*BASE, "span_name"), pie_by="span_name"),
        Metric("tool_error_code_pie", _count(f"{TOOL} AND {ERROR}"), BASE, pie_by="status_code"),
        # service_*
        Metric("service_trace_count", _count(ROOT), BASE, additive=True),
        Metric("service_uniq_trace", "count(DISTINCT trace_id)", ("trace_id",), additive=True),
        Metric("service_trace_error_count", _count(f"{ROOT} AND {ERROR}"), BASE, additive=True),
        Metric("service_trace_success_count", _count(f"{ROOT} AND status_code = 0"), BASE, additive=True),
        Metric("service_span_count", "count(*)", (), additive=True),
        Metric("service_span_error_count", _count(ERROR), BASE, additive=True),
        Metric("service_span_success_count", _count("status_code = 0"), BASE, additive=True),
        Metric("service_user_count", f"count(DISTINCT {user})", ("tags_string",), additive=True),
        Metric("service_message_count", f"count(DISTINCT {message})", ("tags_string",), additive=True),
        Metric("service_qps_all", _count(ROOT), BASE, per_seconds=1),
        Metric("service_qpm_all", _count(ROOT), BASE, per_seconds=60),
        Metric("service_success_ratio", _ratio(f"{ROOT} AND status_code = 0", ROOT), BASE),
        *_wrapped("service_duration", ROOT, "duration", dialect, (*BASE, "duration")),
    ]


def _wrapped(name: str, condition: str, value: str, dialect: Dialect, columns: tuple[str, ...]) -> list[Metric]:
    """`<name>` (the average) and `<name>_avg|_max|_min|_pct50|_pct90|_pct99`, in ms."""
    ms = f"CASE WHEN {condition} THEN {_double(value)} / 1000 END"
    wrappers = {
        "avg": f"avg({ms})",
        "max": f"max({ms})",
        "min": f"min({ms})",
        "pct50": dialect.percentile(ms, 0.5),
        "pct90": dialect.percentile(ms, 0.9),
        "pct99": dialect.percentile(ms, 0.99),
    }
    metrics = [Metric(name, wrappers["avg"], columns)]
    metrics += [Metric(f"{name}_{suffix}", expression, columns) for suffix, expression in wrappers.items()]
    return metrics


def catalog(dialect: Dialect) -> dict[str, Metric]:
    return {metric.name: metric for metric in _definitions(dialect)}


@dataclass(frozen=True)
class MetricsPlan:
    sql: str
    metrics: list[Metric]
    bucket_us: int
    window_s: int
    pie_columns: list[str]
    drilled: bool  # series rows with no drill-down value are spans outside the drill-down (drop them)


def plan(
    relation: Relation,
    scope: SpanScope,
    names: list[str],
    granularity: str | None,
    drill_down: str | None,
) -> MetricsPlan:
    known = catalog(relation.dialect)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise InvalidInput(f"unknown metric names: {', '.join(unknown)}; see GET /api/observability/v1/metrics/names")
    bucket_us = GRANULARITY_US.get(granularity or "1hour")
    if bucket_us is None:
        raise InvalidInput(f"granularity must be one of {', '.join(GRANULARITY_US)}")
    if (scope.end_us - scope.start_us) // bucket_us > MAX_BUCKETS:
        raise InvalidInput(f"that time range has more than {MAX_BUCKETS} {granularity} buckets; choose a coarser one")
    drill_expression = "'all'"
    columns = {"start_time", "trace_id", "span_id"}
    if drill_down:
        drill_column = DRILL_DOWN_COLUMNS.get(drill_down)
        if drill_column is None:
            raise InvalidInput(f"drill-down works on {', '.join(DRILL_DOWN_COLUMNS)}")
        only = DRILL_DOWN_SPANS.get(drill_down)
        drill_expression = f"CASE WHEN {only} THEN {drill_column} END" if only else drill_column
        columns.update({drill_column, "span_type"})
    metrics = [known[name] for name in dict.fromkeys(names)]
    pie_columns = list(dict.fromkeys(m.pie_by for m in metrics if m.pie_by))
    columns.update(pie_columns)
    for metric in metrics:
        columns.update(metric.columns)
    dialect = relation.dialect
    spans = relation.spans(sorted(columns), scope_predicate(scope, dialect), dedupe=True)
    bucket = f"{dialect.int_div('start_time', bucket_us)} * {bucket_us}"
    keyed = f"(SELECT *, {bucket} AS bucket, {drill_expression} AS drill FROM {spans} AS s0)"
    flags = ", ".join(f"GROUPING({column}) AS grouped_{column}" for column in ("bucket", *pie_columns))
    values = ", ".join(f"{metric.expression} AS {metric.name}" for metric in metrics)
    sets = ", ".join(["(bucket, drill)", "()", *(f"({column})" for column in pie_columns)])
    keys = ", ".join(["bucket", "drill", *pie_columns])
    sql = f"SELECT {keys}, {flags}, {values} FROM {keyed} AS s GROUP BY GROUPING SETS ({sets})"
    window_s = max(1, (scope.end_us - scope.start_us) // 1_000_000)
    return MetricsPlan(sql, metrics, bucket_us, window_s, pie_columns, drilled=drill_down is not None)
