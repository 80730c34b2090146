"""Running the builder's SQL: DuckDB in this process (the default), or Athena for large volumes."""

import json
import time
from collections.abc import Callable
from typing import Any, Protocol

from shared.errors import InternalError, UpstreamError
from shared.settings import get_settings
from shared.traces.query.builder import AthenaRelation, DuckDBRelation, Relation, SpanScope
from shared.traces.settings import TraceSettings
from shared.traces.store import files_in_hours, list_files

ATHENA_TIMEOUT_S = 25.0


Rows = list[dict[str, Any]]
# Builds the queries for a relation: the engine may call it twice, if compaction replaced files meanwhile.
Build = Callable[[Relation], list[str]]


class Engine(Protocol):
    def run(self, scope: SpanScope, build: Build, hours: list[int] | None = None) -> list[Rows]:
        """The rows of each query `build` writes for the scope's spans; `hours` (from the trace index)
        narrows them to those hour partitions."""
        ...


class DuckDBEngine:
    def relation(self, scope: SpanScope, hours: list[int] | None = None) -> DuckDBRelation:
        if hours is not None:
            return DuckDBRelation(files_in_hours(scope.workspace_id, hours))
        return DuckDBRelation(list_files(scope.workspace_id, scope.start_us, scope.end_us))

    def run(self, scope: SpanScope, build: Build, hours: list[int] | None = None) -> list[Rows]:
        import duckdb

        try:
            return [self.rows(sql) for sql in build(self.relation(scope, hours))]
        except duckdb.IOException as error:
            # A compaction deleted a listed file after merging it: the merged file holds its spans.
            if "404" not in str(error) and "No such file" not in str(error):
                raise
            return [self.rows(sql) for sql in build(self.relation(scope, hours))]

    def rows(self, sql: str) -> Rows:
        from shared.traces import duck

        cursor = duck.cursor()
        try:
            result = cursor.execute(sql)
            names = [column[0] for column in result.description or []]
            return [dict(zip(names, values, strict=True)) for values in result.fetchall()]
        finally:
            cursor.close()


class AthenaEngine:
    def run(self, scope: SpanScope, build: Build, hours: list[int] | None = None) -> list[Rows]:
        return [self.rows(sql) for sql in build(self.relation(scope, hours))]

    def relation(self, scope: SpanScope, hours: list[int] | None = None) -> Relation:
        from datetime import UTC, datetime

        start, end = scope.start_us, scope.end_us
        if hours:
            start, end = min(hours), max(hours)

        def day(us: int) -> str:
            return datetime.fromtimestamp(us / 1e6, UTC).strftime("%Y-%m-%d")

        return AthenaRelation(get_settings(TraceSettings).athena_database_name, scope, (day(start), day(end)))

    def rows(self, sql: str) -> list[dict[str, Any]]:
        from shared.aws import athena_client

        settings = get_settings(TraceSettings)
        athena = athena_client()
        request: dict[str, Any] = {"QueryString": sql, "WorkGroup": settings.athena_workgroup}
        if settings.athena_output:
            request["ResultConfiguration"] = {"OutputLocation": settings.athena_output}
        execution_id = athena.start_query_execution(**request)["QueryExecutionId"]
        deadline = time.monotonic() + ATHENA_TIMEOUT_S
        while True:
            status = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]["Status"]
            if status["State"] == "SUCCEEDED":
                break
            if status["State"] in ("FAILED", "CANCELLED"):
                raise UpstreamError(f"Athena query failed: {status.get('StateChangeReason', status['State'])}")
            if time.monotonic() > deadline:
                athena.stop_query_execution(QueryExecutionId=execution_id)
                raise InternalError("the Athena query took too long; narrow the time range or the filters")
            time.sleep(0.2)
        return _athena_rows(athena, execution_id)


def _athena_rows(athena: Any, execution_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    names: list[str] = []
    types: list[str] = []
    first = True
    for page in athena.get_paginator("get_query_results").paginate(QueryExecutionId=execution_id):
        metadata = page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
        names, types = [c["Name"] for c in metadata], [c["Type"] for c in metadata]
        for record in page["ResultSet"]["Rows"][1 if first else 0 :]:  # the first row repeats the header
            values = [cell.get("VarCharValue") for cell in record["Data"]]
            rows.append({n: _athena_value(n, t, v) for n, t, v in zip(names, types, values, strict=True)})
        first = False
    return rows


def _athena_value(name: str, type_name: str, value: str | None) -> Any:
    if value is None:
        return None
    if name.startswith(("tags_", "system_tags_")):
        return json.loads(value)
    if type_name in ("bigint", "integer", "smallint", "tinyint"):
        return int(value)
    if type_name in ("double", "real", "float", "decimal"):
        return float(value)
    if type_name == "boolean":
        return value == "true"
    return value


def engine() -> Engine:
    return AthenaEngine() if get_settings(TraceSettings).trace_engine == "athena" else DuckDBEngine()
