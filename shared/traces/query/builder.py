"""The one query builder: every trace-store query is written here, for DuckDB and for Athena alike.

A query reads a *relation*: the spans of one workspace in a time window, optionally one copy per
(trace_id, span_id). How the relation is spelled is the only thing that differs between the engines.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Protocol

from shared.errors import InvalidInput
from shared.traces.query.filters import FilterFields, compile_filters
from shared.traces.query.sql import AthenaDialect, Dialect, DuckDBDialect, literal
from shared.traces.rows import COLUMNS, LATEST_COPY
from shared.traces.store import StoredFile, s3_url

PLATFORM_CALL_TYPES: dict[str, tuple[str, ...]] = {
    "cozeloop": ("Custom",),
    "prompt": ("PromptPlayground", "PromptDebug"),
    "evaluator": ("Evaluator",),
    "evaluation_target": ("EvalTarget",),
}
LIST_COLUMNS = tuple(column for column in COLUMNS if column != "ingested_at")


@dataclass(frozen=True)
class SpanScope:
    """Which spans a query is about (besides its own filters)."""

    workspace_id: str
    start_us: int
    end_us: int
    platform_type: str | None = "cozeloop"
    span_list_type: str | None = None
    filters: FilterFields | None = None


class Relation(Protocol):
    dialect: Dialect

    def spans(self, columns: list[str], where: str, *, dedupe: bool) -> str:
        """A parenthesised SELECT of `columns` over the scope's spans matching `where`."""
        ...


class DuckDBRelation:
    """Reads the listed files. Only partitions with several files can hold copies of a span, so only
    those pay for removing them."""

    dialect: Dialect = DuckDBDialect()

    def __init__(self, files: list[StoredFile]) -> None:
        self.files = files

    def spans(self, columns: list[str], where: str, *, dedupe: bool) -> str:
        selected = ", ".join(columns)
        if not self.files:
            nulls = ", ".join(f"CAST(NULL AS {COLUMNS[c][0]}) AS {c}" for c in columns)
            return f"(SELECT {nulls} WHERE false)"
        counts: dict[object, int] = {}
        for file in self.files:
            counts[file.partition] = counts.get(file.partition, 0) + 1
        single = [f for f in self.files if counts[f.partition] == 1 or not dedupe]
        multiple = [f for f in self.files if counts[f.partition] > 1 and dedupe]
        parts = []
        if single:
            parts.append(f"SELECT {selected} FROM {_read(single)} WHERE {where}")
        if multiple:
            inner = ", ".join(dict.fromkeys([*columns, "trace_id", "span_id", "ingested_at"]))
            latest = f"SELECT {inner} FROM {_read(multiple)} WHERE {where} QUALIFY {LATEST_COPY} = 1"
            parts.append(f"SELECT {selected} FROM ({latest})")
        return "(" + " UNION ALL ".join(parts) + ")"


def _read(files: list[StoredFile]) -> str:
    # The column list is explicit; Hive partition columns from the key (workspace_id, date, hour) are not wanted.
    return "read_parquet([" + ", ".join(f"'{s3_url(file.key)}'" for file in files) + "], hive_partitioning = false)"


class AthenaRelation:
    """The Glue table over the same files; partition projection prunes by workspace and date."""

    dialect: Dialect = AthenaDialect()

    def __init__(self, database: str, scope: SpanScope, dates: tuple[str, str]) -> None:
        self.table = f'"{database}"."spans"'
        self.partitions = (
            f"workspace_id = {literal(scope.workspace_id)} AND date BETWEEN {literal(dates[0])} AND {literal(dates[1])}"
        )

    def spans(self, columns: list[str], where: str, *, dedupe: bool) -> str:
        selected = ", ".join(columns)
        if not dedupe:
            return f"(SELECT {selected} FROM {self.table} WHERE {self.partitions} AND {where})"
        inner = ", ".join(dict.fromkeys([*columns, "trace_id", "span_id", "ingested_at"]))
        ranked = f"SELECT {inner}, {LATEST_COPY} AS copy_rank FROM {self.table} WHERE {self.partitions} AND {where}"
        return f"(SELECT {selected} FROM ({ranked}) WHERE copy_rank = 1)"


def scope_predicate(scope: SpanScope, dialect: Dialect) -> str:
    parts = [f"start_time >= {int(scope.start_us)}", f"start_time <= {int(scope.end_us)}"]
    call_types = PLATFORM_CALL_TYPES.get(scope.platform_type or "")
    if call_types:
        parts.append(f"call_type IN ({', '.join(literal(c) for c in call_types)})")
    if scope.span_list_type == "root_span":
        parts.append("parent_id IN ('0', '')")
    elif scope.span_list_type == "llm_span":
        parts.append("span_type IN ('model', 'LLMCall')")
    compiled = compile_filters(scope.filters, dialect)
    if compiled:
        parts.append(compiled)
    return " AND ".join(parts)


# --- span lists (keyset pages) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """The last span of a page; the next page starts strictly after it in (start_time, span_id, trace_id) desc."""

    start_time: int
    span_id: str
    trace_id: str

    def encode(self) -> str:
        raw = json.dumps({"StartTime": self.start_time, "SpanID": self.span_id, "TraceID": self.trace_id})
        return base64.urlsafe_b64encode(raw.encode()).decode()

    @staticmethod
    def decode(token: str) -> "Cursor":
        try:
            raw = json.loads(base64.urlsafe_b64decode(token.encode()))
            return Cursor(int(raw["StartTime"]), str(raw["SpanID"]), str(raw.get("TraceID", "")))
        except (ValueError, KeyError, TypeError, OverflowError, binascii.Error) as error:
            raise InvalidInput("page_token is not one this server issued; start again without it") from error


def _after(cursor: Cursor) -> str:
    t, s, tr = int(cursor.start_time), literal(cursor.span_id), literal(cursor.trace_id)
    return f"(start_time < {t} OR (start_time = {t} AND (span_id < {s} OR (span_id = {s} AND trace_id < {tr}))))"


def list_spans_sql(
    relation: Relation, scope: SpanScope, cursor: Cursor | None, limit: int, ascending: bool = False
) -> str:
    where = scope_predicate(scope, relation.dialect)
    if cursor is not None:
        where += " AND " + (_after(cursor) if not ascending else _before(cursor))
    direction = "ASC" if ascending else "DESC"
    columns = [relation.dialect.select_column(c) for c in (*LIST_COLUMNS, "ingested_at")]
    return (
        f"SELECT {', '.join(columns)} FROM {relation.spans(list(COLUMNS), where, dedupe=False)} AS s "
        # ingested_at last: the copies of a resent span are neighbours, the latest first (the one a reader keeps).
        f"ORDER BY start_time {direction}, span_id {direction}, trace_id {direction}, ingested_at DESC "
        f"LIMIT {int(limit)}"
    )


def _before(cursor: Cursor) -> str:
    t, s, tr = int(cursor.start_time), literal(cursor.span_id), literal(cursor.trace_id)
    return f"(start_time > {t} OR (start_time = {t} AND (span_id > {s} OR (span_id = {s} AND trace_id > {tr}))))"


# --- traces ------------------------------------------------------------------------------------------------


def trace_sql(relation: Relation, scope: SpanScope, trace_id: str, span_ids: list[str] | None = None) -> str:
    where = f"{scope_predicate(scope, relation.dialect)} AND trace_id = {literal(trace_id)}"
    if span_ids:
        where += f" AND span_id IN ({', '.join(literal(s) for s in span_ids)})"
    columns = [relation.dialect.select_column(c) for c in COLUMNS]
    return (
        f"SELECT {', '.join(columns)} FROM {relation.spans(list(COLUMNS), where, dedupe=False)} AS s "
        "ORDER BY start_time, span_id"
    )


def advance_info_sql(relation: Relation, scope: SpanScope, trace_ids: list[str]) -> str:
    """Token totals per trace: the sum over its model spans (reference §5.3)."""
    where = (
        f"{scope_predicate(scope, relation.dialect)} AND trace_id IN ({', '.join(literal(t) for t in trace_ids)}) "
        "AND span_type IN ('model', 'LLMCall')"
    )
    source = relation.spans(["trace_id", "input_tokens", "output_tokens"], where, dedupe=True)
    return (
        "SELECT trace_id, coalesce(sum(input_tokens), 0) AS input_tokens, "
        f"coalesce(sum(output_tokens), 0) AS output_tokens FROM {source} AS s GROUP BY trace_id"
    )


DISTINCT_VALUE_COLUMNS = {"model_name": "span_type IN ('model', 'LLMCall')", "span_name": "span_type = 'tool'"}


def distinct_values_sql(relation: Relation, scope: SpanScope, column: str, limit: int = 200) -> str:
    """The values a drill-down can take: model names of model spans, or names of tool spans."""
    condition = DISTINCT_VALUE_COLUMNS[column]
    where = f"{scope_predicate(scope, relation.dialect)} AND {condition} AND {column} <> ''"
    return (
        f"SELECT DISTINCT {column} AS value FROM {relation.spans([column], where, dedupe=False)} AS s "
        f"ORDER BY 1 LIMIT {int(limit)}"
    )
