"""`/metrics/list`: runs the builder's metric plan and shapes summaries, pies and time series."""

from typing import Any

from functions.observability import schemas
from functions.observability.window import query_scope
from shared.errors import InvalidInput
from shared.traces.query import metrics as plans
from shared.traces.query.builder import Relation, SpanScope, distinct_values_sql
from shared.traces.query.engine import engine
from shared.traces.query.sql import DuckDBDialect


def metric_names() -> list[str]:
    return sorted(plans.catalog(DuckDBDialect()))


def _text(value: Any) -> str:
    if value is None:
        return "0"
    if isinstance(value, float):
        return f"{value:.6g}" if not value.is_integer() else str(int(value))
    return str(value)


def _drill_down(body: schemas.GetMetricsRequest) -> str | None:
    if not body.drill_down_fields:
        return None
    name = body.drill_down_fields[0].get("field_name")
    if not name:
        raise InvalidInput("drill_down_fields[0].field_name is required")
    return name


def get_metrics(workspace_id: int, body: schemas.GetMetricsRequest) -> dict[str, schemas.Metric]:
    scope = query_scope(
        workspace_id, body.start_time, body.end_time, platform_type=body.platform_type, filters=body.filters
    )
    drill_down = _drill_down(body)
    plans_made: list[plans.MetricsPlan] = []

    def build(relation: Relation) -> list[str]:
        plans_made.append(plans.plan(relation, scope, body.metric_names, body.granularity, drill_down))
        return [plans_made[-1].sql]

    [rows] = engine().run(scope, build)
    plan = plans_made[-1]
    result = {metric.name: schemas.Metric() for metric in plan.metrics}
    series_rows = [row for row in rows if row["grouped_bucket"] == 0 and not (plan.drilled and row["drill"] is None)]
    summary = next((row for row in rows if all(row[f"grouped_{c}"] == 1 for c in ("bucket", *plan.pie_columns))), {})
    for metric in plan.metrics:
        if metric.pie_by is None:
            result[metric.name].summary = _text(_value(metric, summary.get(metric.name), plan.window_s))
            continue
        pie_rows = [row for row in rows if row[f"grouped_{metric.pie_by}"] == 0]
        pie = {str(row[metric.pie_by]): _text(row[metric.name]) for row in pie_rows if row[metric.name]}
        result[metric.name].pie = pie
        result[metric.name].summary = _text(sum(float(v) for v in pie.values()))
    _fill_series(result, plan, series_rows, scope)
    return result


def _value(metric: plans.Metric, raw: Any, seconds: int) -> Any:
    if metric.per_seconds is None or raw is None:
        return raw
    return float(raw) * metric.per_seconds / seconds


def _fill_series(
    result: dict[str, schemas.Metric], plan: plans.MetricsPlan, rows: list[dict[str, Any]], scope: SpanScope
) -> None:
    first = scope.start_us - scope.start_us % plan.bucket_us
    buckets = list(range(first, scope.end_us + 1, plan.bucket_us))
    by_series: dict[str, dict[int, dict[str, Any]]] = {}
    for row in rows:
        by_series.setdefault(str(row["drill"] if row["drill"] is not None else ""), {})[int(row["bucket"])] = row
    if not by_series:
        by_series["all"] = {}
    bucket_s = plan.bucket_us // 1_000_000
    for metric in plan.metrics:
        if metric.pie_by is not None:
            continue
        series: dict[str, list[schemas.MetricPoint]] = {}
        for name, points in by_series.items():
            values = []
            for bucket in buckets:
                point = points.get(bucket)
                value = _value(metric, point.get(metric.name), bucket_s) if point else None
                if value is None and not metric.additive:
                    continue
                values.append(schemas.MetricPoint(timestamp=str(bucket // 1000), value=_text(value)))
            series[name] = values
        result[metric.name].time_series = series


def drill_down_values(workspace_id: int, body: schemas.GetDrillDownValuesRequest) -> list[schemas.DrillDownValue]:
    column = "model_name" if body.drill_down_value_type == "model_name" else "span_name"
    scope = query_scope(
        workspace_id, body.start_time, body.end_time, platform_type=body.platform_type, filters=body.filters
    )
    [rows] = engine().run(scope, lambda relation: [distinct_values_sql(relation, scope, column)])
    return [schemas.DrillDownValue(value=str(row["value"])) for row in rows]
