"""Upstream's ingest rules (reference §5.3) as shared.traces.normalize applies them."""

from typing import Any

import pytest

from shared.traces.normalize import MAX_CUSTOM_TAGS, normalize_batch, normalize_span
from shared.traces.rows import COLUMNS

NOW = 1_790_000_000_000_000


def span(**fields: Any) -> dict[str, Any]:
    return {
        "started_at_micros": NOW - 1000,
        "log_id": "",
        "span_id": "1c9b820446eed5ec",
        "parent_id": "0",
        "trace_id": "1cd513062282ae16060699a4741f4637",
        "duration_micros": 1682,
        "service_name": "",
        "workspace_id": "7496795200791511052",
        "span_name": "llm_call",
        "span_type": "model",
        "status_code": 0,
        "input": "hi",
        "output": "",
        "object_storage": "",
        "system_tags_string": {"runtime": "{}", "secret_internal": "x"},
        "system_tags_long": {},
        "system_tags_double": {},
        "tags_string": {"model_name": "gpt"},
        "tags_long": {"input_tokens": 11, "output_tokens": 3, "latency_first_resp": -5},
        "tags_double": {},
        "tags_bool": {},
    } | fields


def test_a_valid_span_becomes_a_full_row() -> None:
    workspace, row = normalize_span(span(), NOW)
    assert workspace == "7496795200791511052"
    assert row.keys() == COLUMNS.keys()
    assert row["call_type"] == "Custom"  # clients cannot pose as the platform's own call types
    assert row["model_name"] == "gpt" and row["input_tokens"] == 11
    assert row["tags_long"]["latency_first_resp"] == 0  # negative latency clamped
    assert "secret_internal" not in row["system_tags_string"]  # system tags outside the allow-list dropped
    assert row["ingested_at"] == NOW


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"trace_id": "XYZ"}, "trace_id"),
        ({"trace_id": "0" * 32}, "trace_id"),
        ({"span_id": "abc"}, "span_id"),
        ({"started_at_micros": NOW - 25 * 3600 * 10**6}, "last 24 hours"),
        ({"started_at_micros": NOW + 2 * 3600 * 10**6}, "last 24 hours"),
        ({"started_at_micros": "yesterday"}, "integer"),
        ({"duration_micros": True}, "integer"),
        ({"workspace_id": "acme"}, "workspace_id"),
        ({"tags_long": ["not", "a", "map"]}, "tags_long"),
        ({"span_name": 7}, "span_name"),
    ],
)
def test_bad_spans_are_rejected_with_a_reason(fields: dict[str, Any], reason: str) -> None:
    batch = normalize_batch([span(**fields)], NOW)
    assert batch.accepted == 0
    assert len(batch.problems) == 1 and reason in batch.problems[0]


def test_a_bad_span_never_takes_good_ones_with_it() -> None:
    good = span(span_id="aaaaaaaaaaaaaaaa")
    batch = normalize_batch([good, span(span_id="bad"), "not even an object", span(span_id="bbbbbbbbbbbbbbbb")], NOW)
    assert batch.accepted == 2
    assert [p.split(":")[0] for p in batch.problems] == ["span 1 (bad)", "span 2"]


def test_oversize_values_are_clipped_and_named() -> None:
    huge = "é" * (1 << 20)  # 2 MiB of UTF-8
    _, row = normalize_span(span(input=huge, tags_string={"long": "x" * 5000, "k" * 150: "v"}, duration_micros=-3), NOW)
    assert len(row["input"].encode()) <= 1 << 20
    assert row["input"].startswith("éé")  # cut on a character boundary
    assert len(row["tags_string"]["long"]) == 1024
    assert "k" * 100 in row["tags_string"]
    assert row["duration"] == 0
    clipped = row["system_tags_string"]["clip_fields"].split(",")
    assert {"input", "tags_string.long", f"tags_string.{'k' * 100}"} <= set(clipped)


def test_wrong_typed_tags_are_dropped_and_custom_tags_capped() -> None:
    _, row = normalize_span(span(tags_long={"n": "12", "bad": 1.5, "flag": True}, tags_bool={"b": "yes"}), NOW)
    assert row["tags_long"] == {"n": 12}  # int64 as a string is upstream's own encoding
    assert row["tags_bool"] == {}
    assert "tags_long.bad" in row["system_tags_string"]["clip_fields"]
    _, row = normalize_span(span(tags_string={f"t{i}": f"v{i}" for i in range(60)}), NOW)
    kept = sum(len(row[c]) for c in ("tags_string", "tags_long", "tags_double", "tags_bool"))
    assert kept == MAX_CUSTOM_TAGS


def test_platform_spans_keep_their_call_type_and_system_tags() -> None:
    _, row = normalize_span(span(call_type="PromptDebug"), NOW, trusted=True)
    assert row["call_type"] == "PromptDebug"
    assert "secret_internal" in row["system_tags_string"]


def test_objects_as_payloads_are_kept_as_json() -> None:
    _, row = normalize_span(span(input={"question": "why"}, parent_id=""), NOW)
    assert row["input"] == '{"question": "why"}'
    assert row["parent_id"] == "0"
