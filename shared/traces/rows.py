"""The span row: the trace store's one schema, and the mappings into it (ingest) and out of it (API, datasets).

A row is a plain dict keyed by COLUMNS. Times are epoch microseconds as upstream stores them; the API
turns them into milliseconds. The partition columns (workspace, date, hour) live in the object key, not
in the file, as Hive and Athena expect.
"""

import json
from typing import Any

# name → (DuckDB type, Hive/Athena type). The order is the Parquet column order.
COLUMNS: dict[str, tuple[str, str]] = {
    "trace_id": ("VARCHAR", "string"),
    "span_id": ("VARCHAR", "string"),
    "parent_id": ("VARCHAR", "string"),
    "span_name": ("VARCHAR", "string"),
    "span_type": ("VARCHAR", "string"),
    "call_type": ("VARCHAR", "string"),
    "service_name": ("VARCHAR", "string"),
    "log_id": ("VARCHAR", "string"),
    "method": ("VARCHAR", "string"),
    "start_time": ("BIGINT", "bigint"),
    "duration": ("BIGINT", "bigint"),
    "status_code": ("INTEGER", "int"),
    "input": ("VARCHAR", "string"),
    "output": ("VARCHAR", "string"),
    "object_storage": ("VARCHAR", "string"),
    "tags_string": ("MAP(VARCHAR, VARCHAR)", "map<string,string>"),
    "tags_long": ("MAP(VARCHAR, BIGINT)", "map<string,bigint>"),
    "tags_double": ("MAP(VARCHAR, DOUBLE)", "map<string,double>"),
    "tags_bool": ("MAP(VARCHAR, BOOLEAN)", "map<string,boolean>"),
    "system_tags_string": ("MAP(VARCHAR, VARCHAR)", "map<string,string>"),
    "system_tags_long": ("MAP(VARCHAR, BIGINT)", "map<string,bigint>"),
    "system_tags_double": ("MAP(VARCHAR, DOUBLE)", "map<string,double>"),
    # Promoted from the tags so metrics and filters on them read one narrow column.
    "model_name": ("VARCHAR", "string"),
    "input_tokens": ("BIGINT", "bigint"),
    "output_tokens": ("BIGINT", "bigint"),
    # When the store received the row; of two copies of a span (a retried batch) the later one wins.
    "ingested_at": ("BIGINT", "bigint"),
}
TAG_COLUMNS = ("tags_string", "tags_long", "tags_double", "tags_bool")
SYSTEM_TAG_COLUMNS = ("system_tags_string", "system_tags_long", "system_tags_double")
MAP_COLUMNS = (*TAG_COLUMNS, *SYSTEM_TAG_COLUMNS)
# Tags holding epoch µs or µs durations; the API shows them in ms as upstream does.
MICROSECOND_TAGS = frozenset({"start_time_first_resp", "latency_first_resp", "reasoning_duration"})
MODEL_SPAN_TYPES = frozenset({"model", "LLMCall"})
ROOT_PARENT_IDS = ("0", "")
# A resent span is stored again; readers keep its latest copy: the row this window ranks first.
LATEST_COPY = "row_number() OVER (PARTITION BY trace_id, span_id ORDER BY ingested_at DESC)"
# Upstream's SpanType enum (its "unknown" really is spelled this way).
KNOWN_SPAN_TYPES = frozenset(
    {
        "prompt",
        "model",
        "parser",
        "embedding",
        "memory",
        "plugin",
        "function",
        "graph",
        "remote",
        "loader",
        "transformer",
        "vector_store",
        "vector_retriever",
        "agent",
        "LLMCall",
    }
)


def is_root(row: dict[str, Any]) -> bool:
    return row["parent_id"] in ROOT_PARENT_IDS


def tokens_of(row: dict[str, Any]) -> tuple[int, int]:
    """(input, output) tokens of a model span; other spans count nothing towards a trace's totals."""
    if row["span_type"] not in MODEL_SPAN_TYPES:
        return 0, 0
    return int(row.get("input_tokens") or 0), int(row.get("output_tokens") or 0)


def _ms(micros: int) -> int:
    return micros // 1000


def _flat_tags(row: dict[str, Any], columns: tuple[str, ...]) -> dict[str, str]:
    """Upstream's `custom_tags`/`system_tags`: every typed tag as a string, time-like ones in ms."""
    flat: dict[str, str] = {}
    for column in columns:
        for key, value in (row.get(column) or {}).items():
            if key in MICROSECOND_TAGS and isinstance(value, int):
                value = _ms(value)
            flat[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return flat


def _ms_tags(tags: dict[str, int]) -> dict[str, int]:
    return {key: _ms(value) if key in MICROSECOND_TAGS else value for key, value in tags.items()}


def output_span(row: dict[str, Any], *, logic_delete_ms: int, annotations: list[dict[str, Any]]) -> dict[str, Any]:
    """Upstream's OutputSpan (reference §5.1) of a stored row."""
    span_type = row["span_type"]
    return {
        "trace_id": row["trace_id"],
        "span_id": row["span_id"],
        "parent_id": row["parent_id"],
        "span_name": row["span_name"],
        "span_type": span_type,
        "type": span_type if span_type in KNOWN_SPAN_TYPES else "unknwon",
        "started_at": _ms(row["start_time"]),
        "duration": _ms(row["duration"]),
        "status": "success" if row["status_code"] == 0 else "error",
        "status_code": row["status_code"],
        "input": row["input"],
        "output": row["output"],
        "logic_delete_date": logic_delete_ms,
        "service_name": row["service_name"],
        "logid": row["log_id"],
        "call_type": row["call_type"],
        "system_tags_string": row.get("system_tags_string") or {},
        "system_tags_long": _ms_tags(row.get("system_tags_long") or {}),
        "system_tags_double": row.get("system_tags_double") or {},
        "tags_string": row.get("tags_string") or {},
        "tags_long": _ms_tags(row.get("tags_long") or {}),
        "tags_double": row.get("tags_double") or {},
        "tags_bool": row.get("tags_bool") or {},
        "custom_tags": _flat_tags(row, TAG_COLUMNS),
        "system_tags": _flat_tags(row, SYSTEM_TAG_COLUMNS),
        "object_storage": row["object_storage"],
        "annotations": annotations,
    }


def span_field(span: dict[str, Any], name: str) -> Any:
    """A field of an OutputSpan by the names upstream's export mappings use (`input`, `tags.model_name`, ...).

    This is the span → dataset-row mapping the data module reuses; JSON payloads are parsed so a JSONPath
    can reach into them.
    """
    if name.startswith(("tags.", "custom_tags.")):
        return span["custom_tags"].get(name.split(".", 1)[1])
    if name.startswith("system_tags."):
        return span["system_tags"].get(name.split(".", 1)[1])
    value = span.get(name)
    if name in ("input", "output") and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
