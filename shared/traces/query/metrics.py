"""Observability metrics (reference §8): each metric is one aggregate over the deduplicated spans.

A request becomes at most three queries whatever it asks: one grouped by time bucket (and drill-down
value), one for the summaries, and one per pie dimension.
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
    # An aggregate over the bucket's rows; {seconds} is replaced by the bucket's (or window's) length.
    expression: str
    columns: tuple[str, ...]
    additive: bool = False  # an empty bucket is 0 (counts and sums), not missing (averages and ratios)
    pie_by: str | None = None  # a pie: the aggregate grouped by this column


def _count(condition: str) -> str:
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _ratio(part: str, whole: str) -> str:
    return f"({_count(part)} * 1.0 / nullif({_count(whole)}, 0))"


def _avg_ms(condition: str, value: str = "duration") -> str:
    return f"avg(CASE WHEN {condition} THEN {value} / 1000.0 END)"


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
        Metric("model_qps_all", f"({_count(MODEL)} * 1.0 / {{seconds}})", BASE),
        Metric("model_qpm_all", f"({_count(MODEL)} * 60.0 / {{seconds}})", BASE),
        Metric("model_tps", f"({_sum(MODEL, TOKENS)} * 1.0 / {{seconds}})", (*BASE, *model_tokens)),
        Metric("model_tpm", f"({_sum(MODEL, TOKENS)} * 60.0 / {{seconds}})", (*BASE, *model_tokens)),
        *_wrapped("model_duration", MODEL, "duration", dialect, (*BASE, "duration")),
        *_wrapped("model_ttft", f"{MODEL} AND {ttft} IS NOT NULL", ttft, dialect, (*BASE, "tags_long")),
        Metric(
            "model_tpot",
            f"avg(CASE WHEN {MODEL} AND output_tokens > 0 "
            f"THEN (duration - coalesce({ttft}, 0)) / 1000.0 / output_tokens END)",
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
        Metric("service_qps_all", f"({_count(ROOT)} * 1.0 / {{seconds}})", BASE),
        Metric("service_qpm_all", f"({_count(ROOT)} * 60.0 / {{seconds}})", BASE),
        Metric("service_success_ratio", _ratio(f"{ROOT} AND status_code = 0", ROOT), BASE),
        *_wrapped("service_duration", ROOT, "duration", dialect, (*BASE, "duration")),
    ]


def _wrapped(name: str, condition: str, value: str, dialect: Dialect, columns: tuple[str, ...]) -> list[Metric]:
    """`<name>` (the average) and `<name>_avg|_max|_min|_pct50|_pct90|_pct99`, in ms."""
    ms = f"CASE WHEN {condition} THEN {value} / 1000.0 END"
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
    series_sql: str | None
    summary_sql: str | None
    pie_sql: dict[str, str]  # pie column → SQL
    metrics: list[Metric]
    bucket_us: int


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
    drill_column = None
    if drill_down:
        drill_column = DRILL_DOWN_COLUMNS.get(drill_down)
        if drill_column is None:
            raise InvalidInput(f"drill-down works on {', '.join(DRILL_DOWN_COLUMNS)}")
    metrics = [known[name] for name in dict.fromkeys(names)]
    where = scope_predicate(scope, relation.dialect)
    dialect = relation.dialect

    def source(extra: tuple[str, ...], only: str | None = None) -> str:
        columns = {"start_time", "trace_id", "span_id", *extra}
        for metric in metrics:
            columns.update(metric.columns)
        return relation.spans(sorted(columns), f"{where} AND {only}" if only else where, dedupe=True)

    window_s = max(1, (scope.end_us - scope.start_us) // 1_000_000)
    plain = [m for m in metrics if m.pie_by is None]
    pies = [m for m in metrics if m.pie_by is not None]
    series_sql = summary_sql = None
    if plain:
        bucket = f"{dialect.int_div('start_time', bucket_us)} * {bucket_us}"
        group = (drill_column,) if drill_column else ()
        series_cols = ", ".join(f"{m.expression.format(seconds=bucket_us // 1_000_000)} AS {m.name}" for m in plain)
        key = f", {drill_column} AS drill" if drill_column else ", 'all' AS drill"
        only = DRILL_DOWN_SPANS.get(drill_down or "")
        series_sql = (
            f"SELECT {bucket} AS bucket{key}, {series_cols} FROM {source(group, only)} AS s GROUP BY 1, 2 ORDER BY 1"
        )
        summary_cols = ", ".join(f"{m.expression.format(seconds=window_s)} AS {m.name}" for m in plain)
        summary_sql = f"SELECT {summary_cols} FROM {source(())} AS s"
    pie_sql: dict[str, str] = {}
    for column in dict.fromkeys(m.pie_by for m in pies if m.pie_by):
        members = [m for m in pies if m.pie_by == column]
        cols = ", ".join(f"{m.expression} AS {m.name}" for m in members)
        pie_sql[column] = f"SELECT {column} AS pie_key, {cols} FROM {source((column,))} AS s GROUP BY 1"
    return MetricsPlan(series_sql, summary_sql, pie_sql, metrics, bucket_us)
