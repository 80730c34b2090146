"""Upstream's ingest rules (reference §5.3): validate ids and times, clip sizes, keep allowed system tags.

A bad span is rejected with a reason and never takes its batch with it; an oversize value is cut and
named in the `clip_fields` system tag. The result is the store's row (shared.traces.rows).
"""

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from shared.traces.rows import COLUMNS

HOUR_US = 3_600_000_000
MAX_PAST_US = 24 * HOUR_US
MAX_FUTURE_US = HOUR_US
MAX_PAYLOAD_BYTES = 1 << 20  # input and output
MAX_VALUE_BYTES = 1 << 10  # every other string
MAX_KEY_CHARS = 100
MAX_CUSTOM_TAGS = 50
MAX_OBJECT_STORAGE_BYTES = 64 << 10
SYSTEM_TAG_ALLOW_LIST = frozenset(
    {
        "dc",
        "pod_name",
        "cluster",
        "deploy_stage",
        "env",
        "language",
        "runtime",
        "cut_off",
        "report_source",
        "tool_input_tokens",
        "tool_output_tokens",
        "model_system_tokens",
        "model_tool_choice_tokens",
    }
)
LATENCY_TAGS = ("latency_first_resp", "reasoning_duration")
CUSTOM_CALL_TYPE = "Custom"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_TRACE_ID = re.compile(r"^[0-9a-f]{32}$")
_SPAN_ID = re.compile(r"^[0-9a-f]{16}$")
_WORKSPACE_ID = re.compile(r"^[1-9][0-9]{0,18}$")


class SpanRejected(ValueError):
    pass


@dataclass
class NormalizedBatch:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # workspace id → rows
    problems: list[str] = field(default_factory=list)  # one line per rejected span

    @property
    def accepted(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def _clip_bytes(value: str, limit: int) -> tuple[str, bool]:
    if len(value) * 4 <= limit:  # fast path: even all-4-byte characters fit
        return value, False
    encoded = value.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return value, False
    return encoded[:limit].decode("utf-8", "ignore"), True


def _integer(span: dict[str, Any], key: str, default: int | None = None) -> int:
    """An int64 (the store's column type), from a number or a string of digits as upstream's IDL sends it."""
    value = span.get(key, default)
    if isinstance(value, bool) or value is None:
        raise SpanRejected(f"{key} must be an integer")
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,19}", value):
        number = int(value)
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if number is None:
        raise SpanRejected(f"{key} must be an integer, got {type(value).__name__}")
    if not INT64_MIN <= number <= INT64_MAX:
        raise SpanRejected(f"{key} is out of the 64-bit integer range")
    return number


class _Clipper:
    """Clips one span's strings and records which fields it cut."""

    def __init__(self) -> None:
        self.clipped: list[str] = []

    def text(self, name: str, value: Any, limit: int = MAX_VALUE_BYTES, *, required: bool = False) -> str:
        if value is None:
            if required:
                raise SpanRejected(f"{name} is required")
            return ""
        if not isinstance(value, str):
            raise SpanRejected(f"{name} must be a string, got {type(value).__name__}")
        clipped, cut = _clip_bytes(value, limit)
        if cut:
            self.clipped.append(name)
        return clipped

    def payload(self, name: str, value: Any) -> str:
        """input/output: a non-string (a client sending an object) is kept as its JSON text."""
        if value is not None and not isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False, default=str)
        return self.text(name, value, MAX_PAYLOAD_BYTES)

    def key(self, column: str, key: Any) -> str | None:
        if not isinstance(key, str) or not key:
            self.clipped.append(f"{column}.<invalid key>")
            return None
        if len(key) > MAX_KEY_CHARS:
            self.clipped.append(f"{column}.{key[:MAX_KEY_CHARS]}")
            return key[:MAX_KEY_CHARS]
        return key

    def tags(self, column: str, raw: Any) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise SpanRejected(f"{column} must be an object of tag → value")
        kind = column.rsplit("_", 1)[1]
        tags: dict[str, Any] = {}
        for raw_key, value in raw.items():
            key = self.key(column, raw_key)
            if key is None:
                continue
            typed = self._typed(kind, value)
            if typed is None:
                self.clipped.append(f"{column}.{key}")  # a value of the wrong type is dropped, not guessed
                continue
            if isinstance(typed, str):
                typed, cut = _clip_bytes(typed, MAX_VALUE_BYTES)
                if cut:
                    self.clipped.append(f"{column}.{key}")
            tags[key] = typed
        return tags

    @staticmethod
    def _typed(kind: str, value: Any) -> Any:
        if kind == "string":
            return value if isinstance(value, str) else None
        if kind == "bool":
            return value if isinstance(value, bool) else None
        if isinstance(value, bool):
            return None
        if kind == "long":
            if isinstance(value, int) and INT64_MIN <= value <= INT64_MAX:
                return value
            if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,18}", value):
                return int(value)  # upstream's IDL sends int64 maps as strings (js_conv)
            return None
        if isinstance(value, int | float) and math.isfinite(value):  # double
            return float(value)
        return None


def _check_ids(span: dict[str, Any]) -> tuple[str, str]:
    trace_id, span_id = span.get("trace_id"), span.get("span_id")
    if not isinstance(trace_id, str) or not _TRACE_ID.match(trace_id) or not trace_id.strip("0"):
        raise SpanRejected("trace_id must be 32 lowercase hex characters and not all zeros")
    if not isinstance(span_id, str) or not _SPAN_ID.match(span_id) or not span_id.strip("0"):
        raise SpanRejected("span_id must be 16 lowercase hex characters and not all zeros")
    return trace_id, span_id


def _workspace(span: dict[str, Any]) -> str:
    workspace = span.get("workspace_id")
    if isinstance(workspace, int) and not isinstance(workspace, bool):
        workspace = str(workspace)
    if not isinstance(workspace, str) or not _WORKSPACE_ID.match(workspace):
        raise SpanRejected("workspace_id must be the workspace's numeric id as a string")
    return workspace


def _limit_custom_tags(row: dict[str, Any], clipper: _Clipper) -> None:
    kept = 0
    for column in ("tags_string", "tags_long", "tags_double", "tags_bool"):
        tags = row[column]
        for key in list(tags):
            if kept >= MAX_CUSTOM_TAGS:
                del tags[key]
                clipper.clipped.append(f"{column}.{key}")
            else:
                kept += 1


def normalize_span(span: Any, now_us: int, *, trusted: bool = False) -> tuple[str, dict[str, Any]]:
    """(workspace id, row) of one uploaded span, or SpanRejected saying why.

    `trusted` is the platform's own spans: they keep their call_type (PromptDebug, Evaluator, ...), while
    spans from clients are always `Custom`, as upstream does.
    """
    if not isinstance(span, dict):
        raise SpanRejected("each span must be a JSON object")
    trace_id, span_id = _check_ids(span)
    workspace_id = _workspace(span)
    start = _integer(span, "started_at_micros")
    if not now_us - MAX_PAST_US <= start <= now_us + MAX_FUTURE_US:
        raise SpanRejected("started_at_micros must be epoch microseconds within the last 24 hours (or 1 hour ahead)")
    duration_key = "duration_micros" if span.get("duration_micros") is not None else "duration"
    duration = max(0, _integer(span, duration_key, 0))
    status_code = _integer(span, "status_code", 0)
    if not -(2**31) <= status_code < 2**31:
        raise SpanRejected("status_code must fit in 32 bits")
    clip = _Clipper()
    parent_id = clip.text("parent_id", span.get("parent_id"), MAX_KEY_CHARS) or "0"
    row: dict[str, Any] = {
        "trace_id": trace_id,
        "span_id": span_id,
        "parent_id": parent_id,
        "span_name": clip.text("span_name", span.get("span_name")) or "unknown",
        "span_type": clip.text("span_type", span.get("span_type")) or "unknown",
        "call_type": (clip.text("call_type", span.get("call_type")) or CUSTOM_CALL_TYPE)
        if trusted
        else CUSTOM_CALL_TYPE,
        "service_name": clip.text("service_name", span.get("service_name")),
        "log_id": clip.text("log_id", span.get("log_id")),
        "method": clip.text("method", span.get("method")),
        "start_time": start,
        "duration": duration,
        "status_code": status_code,
        "input": clip.payload("input", span.get("input")),
        "output": clip.payload("output", span.get("output")),
        "object_storage": clip.text("object_storage", span.get("object_storage"), MAX_OBJECT_STORAGE_BYTES),
    }
    for column in ("tags_string", "tags_long", "tags_double", "tags_bool"):
        row[column] = clip.tags(column, span.get(column))
    _limit_custom_tags(row, clip)
    for column in ("system_tags_string", "system_tags_long", "system_tags_double"):
        tags = clip.tags(column, span.get(column))
        row[column] = tags if trusted else {k: v for k, v in tags.items() if k in SYSTEM_TAG_ALLOW_LIST}
    for key in LATENCY_TAGS:
        if row["tags_long"].get(key, 0) < 0:
            row["tags_long"][key] = 0
    if clip.clipped:
        row["system_tags_string"]["clip_fields"] = ",".join(clip.clipped)[:MAX_VALUE_BYTES]
    row["model_name"] = row["tags_string"].get("model_name", "")
    row["input_tokens"] = row["tags_long"].get("input_tokens", 0)
    row["output_tokens"] = row["tags_long"].get("output_tokens", 0)
    row["ingested_at"] = now_us
    assert row.keys() == COLUMNS.keys()
    return workspace_id, row


def normalize_batch(spans: list[Any], now_us: int, *, trusted: bool = False) -> NormalizedBatch:
    batch = NormalizedBatch()
    for index, span in enumerate(spans):
        try:
            workspace_id, row = normalize_span(span, now_us, trusted=trusted)
        except SpanRejected as error:
            span_id = span.get("span_id") if isinstance(span, dict) else None
            label = f"span {index}" + (f" ({span_id})" if isinstance(span_id, str) else "")
            batch.problems.append(f"{label}: {error}")
            continue
        batch.rows.setdefault(workspace_id, []).append(row)
    return batch
