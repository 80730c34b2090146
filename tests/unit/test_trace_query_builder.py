"""The one query builder: filters → SQL, the same query for DuckDB and Athena, and DuckDB running it.

DuckDB runs here over local Parquet files that the store's own writer code produces, so the SQL is
checked by the engine that will run it, not by string comparison alone.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from shared.errors import InvalidInput
from shared.traces.layout import Partition
from shared.traces.query import metrics
from shared.traces.query.builder import (
    AthenaRelation,
    Cursor,
    DuckDBRelation,
    SpanScope,
    advance_info_sql,
    list_spans_sql,
    trace_sql,
)
from shared.traces.query.filters import FilterFields, compile_filters
from shared.traces.query.sql import AthenaDialect, DuckDBDialect
from shared.traces.rows import COLUMNS
from shared.traces.store import StoredFile

NOW = 1_790_000_000_000_000
HOUR = 3_600_000_000
WORKSPACE = "42"


def row(span_id: str, trace_id: str = "a" * 32, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict.fromkeys(COLUMNS)
    base |= {
        "trace_id": trace_id,
        "span_id": span_id,
        "parent_id": "0",
        "span_name": "root",
        "span_type": "custom",
        "call_type": "Custom",
        "service_name": "",
        "log_id": "",
        "method": "",
        "start_time": NOW,
        "duration": 2_000,
        "status_code": 0,
        "input": "hello world",
        "output": "",
        "object_storage": "",
        "tags_string": {},
        "tags_long": {},
        "tags_double": {},
        "tags_bool": {},
        "system_tags_string": {},
        "system_tags_long": {},
        "system_tags_double": {},
        "model_name": "",
        "input_tokens": 0,
        "output_tokens": 0,
        "ingested_at": NOW,
    }
    return base | fields


def filters(*fields: dict[str, Any], relation: str = "and") -> FilterFields:
    return FilterFields.model_validate({"query_and_or": relation, "filter_fields": list(fields)})


class LocalRelation(DuckDBRelation):
    """DuckDBRelation over local files: the same SQL, with paths instead of s3:// URLs."""

    def __init__(self, files: list[tuple[str, Partition]]) -> None:
        super().__init__([StoredFile(path, 0, partition) for path, partition in files])


@pytest.fixture
def duck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    duckdb = pytest.importorskip("duckdb")
    monkeypatch.setattr("shared.traces.query.builder.s3_url", lambda key: key)
    connection = duckdb.connect()
    types = "{" + ", ".join(f"{name}: '{kind[0]}'" for name, kind in COLUMNS.items()) + "}"

    def write(name: str, rows: list[dict[str, Any]]) -> str:
        source = tmp_path / f"{name}.ndjson"
        source.write_text("\n".join(json.dumps(r) for r in rows))
        target = tmp_path / f"{name}.parquet"
        connection.execute(
            f"COPY (SELECT * FROM read_json('{source}', format='newline_delimited', columns={types})) "
            f"TO '{target}' (FORMAT parquet)"
        )
        return str(target)

    def run(sql: str) -> list[dict[str, Any]]:
        result = connection.execute(sql)
        names = [column[0] for column in result.description]
        return [dict(zip(names, values, strict=True)) for values in result.fetchall()]

    return write, run


PARTITION = Partition(WORKSPACE, NOW - NOW % HOUR)
SCOPE = SpanScope(WORKSPACE, NOW - HOUR, NOW + HOUR, platform_type="cozeloop", span_list_type="all_span")


def test_filters_compile_for_both_dialects_from_one_description() -> None:
    given = filters(
        {"field_name": "status", "values": ["error"], "query_type": "in"},
        {"field_name": "tenant", "field_type": "string", "values": ["acme"], "query_type": "eq", "is_custom": True},
        {"field_name": "duration", "values": ["10"], "query_type": "gte"},
        {"field_name": "input", "values": ["50%_off"], "query_type": "match"},
    )
    duck = compile_filters(given, DuckDBDialect())
    athena = compile_filters(given, AthenaDialect())
    assert "status_code <> 0" in duck
    assert "tags_string['tenant'] = 'acme'" in duck
    assert "element_at(tags_string, 'tenant') = 'acme'" in athena
    assert "duration >= 10000" in duck  # ms → µs
    assert "LIKE '%50\\%\\_off%' ESCAPE" in duck  # LIKE wildcards in the value are literal
    # Apart from how a map is read, the two dialects get the same predicate.
    assert duck.replace("tags_string['tenant']", "element_at(tags_string, 'tenant')") == athena


def test_both_engines_get_the_same_query_apart_from_the_relation() -> None:
    duck = list_spans_sql(DuckDBRelation([StoredFile("spans/k.parquet", 1, PARTITION)]), SCOPE, None, 10)
    athena = list_spans_sql(AthenaRelation("db", SCOPE, ("2026-09-21", "2026-09-21")), SCOPE, None, 10)
    tail = "ORDER BY start_time DESC, span_id DESC, trace_id DESC, ingested_at DESC LIMIT 10"
    assert duck.endswith(tail) and athena.endswith(tail)
    assert "workspace_id = '42' AND date BETWEEN '2026-09-21' AND '2026-09-21'" in athena
    assert "json_format(CAST(tags_string AS JSON))" in athena  # Athena returns maps as JSON text
    assert "call_type IN ('Custom')" in duck and "call_type IN ('Custom')" in athena


def test_values_cannot_break_out_of_their_literal() -> None:
    sql = compile_filters(
        filters({"field_name": "span_name", "values": ["x' OR 1=1 --"], "query_type": "eq"}), DuckDBDialect()
    )
    assert sql == "(span_name = 'x'' OR 1=1 --')"
    with pytest.raises(InvalidInput, match="NUL"):
        compile_filters(filters({"field_name": "span_name", "values": ["a\x00"], "query_type": "eq"}), DuckDBDialect())


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"field_name": "duration", "values": ["fast"], "query_type": "gte"}, "not a finite number"),
        ({"field_name": "score", "field_type": "double", "values": ["nan"], "query_type": "gt"}, "not a finite number"),
        ({"field_name": "duration", "values": ["1.0e400"], "query_type": "gte"}, "not a finite number"),
        ({"field_name": "status", "values": ["maybe"], "query_type": "in"}, "success"),
        ({"field_name": "input_tokens", "values": ["1"], "query_type": "match"}, "string fields only"),
        ({"field_name": "span_name", "values": [], "query_type": "eq"}, "at least one value"),
        ({"field_name": "flag", "field_type": "bool", "values": ["perhaps"], "query_type": "eq"}, "true or false"),
    ],
)
def test_bad_filters_say_what_is_wrong(field: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        compile_filters(filters(field), DuckDBDialect())


def test_nesting_is_bounded() -> None:
    nested: dict[str, Any] = {"field_name": "span_name", "values": ["a"], "query_type": "eq"}
    for _ in range(6):
        nested = {"sub_filter": {"filter_fields": [nested]}}
    with pytest.raises(InvalidInput, match="deeper"):
        compile_filters(filters(nested), DuckDBDialect())


def test_page_tokens_round_trip_and_reject_garbage() -> None:
    cursor = Cursor(NOW, "b" * 16, "a" * 32)
    assert Cursor.decode(cursor.encode()) == cursor
    with pytest.raises(InvalidInput, match="page_token"):
        Cursor.decode("not-a-token")


def test_duckdb_runs_filters_paging_and_dedupe(duck: Any) -> None:
    write, run = duck
    rows = [
        row("1" * 16, start_time=NOW + 1, tags_string={"tenant": "acme"}, tags_long={"n": 5}),
        row("2" * 16, start_time=NOW + 2, status_code=-1, tags_bool={"vip": True}, input="50%_off sale"),
        row("3" * 16, start_time=NOW + 3, parent_id="1" * 16, span_type="model", tags_double={"score": 0.5}),
        row("4" * 16, start_time=NOW + 4, call_type="PromptDebug"),
    ]
    first = write("first", rows)
    # A retried batch: the same span again, in a second file of the same partition.
    second = write("second", [row("1" * 16, start_time=NOW + 1, tags_string={"tenant": "acme"}, ingested_at=NOW + 9)])
    relation = LocalRelation([(first, PARTITION), (second, PARTITION)])

    def ids(scope: SpanScope, cursor: Cursor | None = None, limit: int = 10) -> list[str]:
        return [r["span_id"][0] for r in run(list_spans_sql(relation, scope, cursor, limit))]

    # The list query keeps copies (the service drops neighbours), ordered newest first.
    assert ids(SCOPE) == ["3", "2", "1", "1"]
    assert ids(SpanScope(WORKSPACE, NOW, NOW + HOUR, platform_type="prompt")) == ["4"]
    assert ids(SpanScope(WORKSPACE, NOW, NOW + HOUR, span_list_type="root_span")) == ["2", "1", "1"]
    assert ids(SpanScope(WORKSPACE, NOW, NOW + HOUR, span_list_type="llm_span")) == ["3"]
    page = run(list_spans_sql(relation, SCOPE, None, 1))
    after = Cursor(page[0]["start_time"], page[0]["span_id"], page[0]["trace_id"])
    assert ids(SCOPE, after) == ["2", "1", "1"]

    def matching(*fields: dict[str, Any], relation_: str = "and") -> list[str]:
        scope = SpanScope(WORKSPACE, NOW, NOW + HOUR, "cozeloop", "all_span", filters(*fields, relation=relation_))
        return sorted(set(ids(scope)))

    assert matching({"field_name": "status", "values": ["error"], "query_type": "in"}) == ["2"]
    assert matching({"field_name": "tenant", "values": ["acme"], "query_type": "eq"}) == ["1"]
    assert matching({"field_name": "tenant", "values": ["acme"], "query_type": "not_eq"}) == ["2", "3"]
    assert matching({"field_name": "n", "field_type": "long", "values": ["4"], "query_type": "gt"}) == ["1"]
    assert matching({"field_name": "score", "field_type": "double", "values": ["1"], "query_type": "lt"}) == ["3"]
    assert matching({"field_name": "vip", "field_type": "bool", "values": ["true"], "query_type": "eq"}) == ["2"]
    assert matching({"field_name": "input", "values": ["50%_off"], "query_type": "match"}) == ["2"]
    assert matching({"field_name": "tenant", "query_type": "not_exist"}) == ["2", "3"]
    assert matching(
        {"field_name": "span_type", "values": ["model"], "query_type": "eq"},
        {"field_name": "status", "values": ["error"], "query_type": "in"},
        relation_="or",
    ) == ["2", "3"]
    assert matching(
        {
            "field_name": "status",
            "values": ["success"],
            "query_type": "in",
            "query_and_or": "and",
            "sub_filter": {
                "query_and_or": "or",
                "filter_fields": [
                    {"field_name": "tenant", "values": ["acme"], "query_type": "eq"},
                    {"field_name": "score", "field_type": "double", "values": ["0"], "query_type": "gt"},
                ],
            },
        }
    ) == ["1", "3"]


def test_aggregates_count_each_span_once(duck: Any) -> None:
    write, run = duck
    model = {"span_type": "model", "parent_id": "r" * 16, "model_name": "m1", "input_tokens": 10, "output_tokens": 5}
    first = write("a", [row("r" * 16), row("m" * 16, **model), row("e" * 16, span_type="tool", status_code=1)])
    copy = write("b", [row("m" * 16, **model, ingested_at=NOW + 1)])
    relation = LocalRelation([(first, PARTITION), (copy, PARTITION)])
    tokens = run(advance_info_sql(relation, SpanScope(WORKSPACE, NOW - HOUR, NOW + HOUR, None), ["a" * 32]))
    assert tokens == [{"trace_id": "a" * 32, "input_tokens": 10, "output_tokens": 5}]
    assert {r["span_id"] for r in run(trace_sql(relation, SCOPE, "a" * 32))} == {"r" * 16, "m" * 16, "e" * 16}

    names = ["service_span_count", "model_token_count", "general_tool_fail_ratio", "model_total_count_pie"]
    plan = metrics.plan(relation, SCOPE, names, "1hour", None)
    rows = run(plan.sql)  # one scan: series, summary and pie rows, told apart by GROUPING()
    summary = [r for r in rows if r["grouped_bucket"] == 1 and r["grouped_model_name"] == 1]
    assert len(summary) == 1
    assert summary[0]["service_span_count"] == 3
    assert summary[0]["model_token_count"] == 15
    assert summary[0]["general_tool_fail_ratio"] == 1.0
    pie = {r["model_name"]: r["model_total_count_pie"] for r in rows if r["grouped_model_name"] == 0}
    assert {key: value for key, value in pie.items() if value} == {"m1": 1}
    series = [(r["drill"], r["service_span_count"]) for r in rows if r["grouped_bucket"] == 0]
    assert series == [("all", 3)]
    drilled = metrics.plan(relation, SCOPE, ["model_token_count"], "1hour", "model_name")
    by_model = {r["drill"]: r["model_token_count"] for r in run(drilled.sql) if r["grouped_bucket"] == 0}
    assert by_model == {"m1": 15, None: 0}  # None: the spans outside the drill-down, which the service drops


def test_metric_plans_refuse_what_they_cannot_answer() -> None:
    relation = DuckDBRelation([])
    with pytest.raises(InvalidInput, match="unknown metric"):
        metrics.plan(relation, SCOPE, ["nope"], "1hour", None)
    with pytest.raises(InvalidInput, match="granularity"):
        metrics.plan(relation, SCOPE, ["service_span_count"], "1year", None)
    wide = SpanScope(WORKSPACE, NOW - 30 * 24 * HOUR, NOW, None)
    with pytest.raises(InvalidInput, match="coarser"):
        metrics.plan(relation, wide, ["service_span_count"], "1min", None)
    with pytest.raises(InvalidInput, match="drill-down"):
        metrics.plan(relation, SCOPE, ["service_span_count"], "1hour", "user_id")


def test_every_metric_family_is_defined_for_both_dialects() -> None:
    for dialect in (DuckDBDialect(), AthenaDialect()):
        names = set(metrics.catalog(dialect))
        for family in ("general_", "model_", "service_", "tool_"):
            assert any(name.startswith(family) for name in names)
        assert {"model_duration_pct99", "service_duration_avg", "model_total_count_pie"} <= names
    assert re.search(r"approx_percentile", metrics.catalog(AthenaDialect())["model_duration_pct99"].expression)
