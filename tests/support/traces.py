"""Sending spans to the running stack and reading them back.

Spans travel ingest → SQS → writer → Parquet on S3 → DuckDB, so they show up about a second after the
ingest call returns: tests poll with `wait_for_spans` / `wait_for_trace` instead of sleeping.
"""

import secrets
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.support.accounts import bearer
from tests.support.stack import RunningStack

INGEST = "/v1/loop/traces/ingest"
OTLP = "/v1/loop/opentelemetry/v1/traces"
OBSERVABILITY = "/api/observability/v1"
SPANS_LIST = f"{OBSERVABILITY}/spans/list"
INGEST_QUEUE = "loop-dev-trace-ingest"
DEFAULT_TIMEOUT_S = 15.0
POLL_INTERVAL_S = 0.1

Span = dict[str, Any]


def now_us() -> int:
    return time.time_ns() // 1000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def new_trace_id() -> str:
    return secrets.token_hex(16)


def new_span_id() -> str:
    return secrets.token_hex(8)


def time_window(back_s: int = 23 * 3600, ahead_s: int = 600) -> dict[str, int]:
    """`start_time` and `end_time` (ms) around now; the default covers everything ingest accepts."""
    now = now_ms()
    return {"start_time": now - back_s * 1000, "end_time": now + ahead_s * 1000}


def sdk_span(workspace_id: str, /, **fields: Any) -> Span:
    """One span exactly as the `cozeloop` SDK uploads it: all 21 keys (sdk-contract §7.3), overridable."""
    span: Span = {
        "started_at_micros": now_us() - 5_000_000,
        "log_id": "",
        "span_id": new_span_id(),
        "parent_id": "0",
        "trace_id": new_trace_id(),
        "duration_micros": 1500,
        "service_name": "",
        "workspace_id": workspace_id,
        "span_name": "span",
        "span_type": "custom",
        "status_code": 0,
        "input": "",
        "output": "",
        "object_storage": "",
        "system_tags_string": {"runtime": '{"language":"python","scene":"custom","loop_sdk_version":"v0.1.27"}'},
        "system_tags_long": {},
        "system_tags_double": {},
        "tags_string": {},
        "tags_long": {},
        "tags_double": {},
        "tags_bool": {},
    }
    span.update(fields)
    return span


def ingest(base_url: str, token: str, spans: list[Span], **request: Any) -> httpx.Response:
    """`POST /v1/loop/traces/ingest` with a PAT, as the SDK sends it."""
    return httpx.post(f"{base_url}{INGEST}", headers=bearer(token), json={"spans": spans}, timeout=30, **request)


def ingest_ok(base_url: str, token: str, spans: list[Span]) -> None:
    response = ingest(base_url, token, spans)
    assert response.status_code == 200, response.text
    assert response.json() == {"code": 0, "msg": ""}, response.text


def list_spans(client: httpx.Client, workspace_id: str, **body: Any) -> dict[str, Any]:
    """One page of `POST /spans/list` (all span types, the last 23 hours, 1000 a page unless told)."""
    request = {"workspace_id": workspace_id, "span_list_type": "all_span", "page_size": 1000, **time_window(), **body}
    response = client.post(SPANS_LIST, json=request)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    assert page["code"] == 0, page
    return page


def wait_until(check: Callable[[], Any], *, timeout: float = DEFAULT_TIMEOUT_S, what: str = "the condition") -> Any:
    """Calls `check` until it returns something truthy, and returns that; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(POLL_INTERVAL_S)


def wait_for_spans(
    client: httpx.Client,
    workspace_id: str,
    predicate: Callable[[list[Span]], bool],
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    **body: Any,
) -> list[Span]:
    """Polls the span list (same body as `list_spans`) until `predicate(spans)` holds; returns those spans."""
    seen: list[Span] = []

    def check() -> list[Span] | None:
        nonlocal seen
        seen = list_spans(client, workspace_id, **body)["spans"]
        return seen if predicate(seen) else None

    try:
        result: list[Span] = wait_until(check, timeout=timeout, what="spans")
    except AssertionError as error:
        shown = [(s["span_name"], s["span_id"]) for s in seen[:20]]
        raise AssertionError(f"{error}; the last list had {len(seen)} spans: {shown}") from None
    return result


def wait_for_span_ids(client: httpx.Client, workspace_id: str, span_ids: set[str], **body: Any) -> list[Span]:
    """Waits until every one of `span_ids` is listed; returns the whole list."""
    return wait_for_spans(client, workspace_id, lambda spans: span_ids <= {s["span_id"] for s in spans}, **body)


def get_trace(client: httpx.Client, workspace_id: str, trace_id: str, **params: Any) -> httpx.Response:
    return client.get(f"{OBSERVABILITY}/traces/{trace_id}", params={"workspace_id": workspace_id, **params})


def wait_for_trace(client: httpx.Client, workspace_id: str, trace_id: str, count: int) -> dict[str, Any]:
    """Polls `GET /traces/{trace_id}` until it has `count` spans; returns the body."""

    def check() -> dict[str, Any] | None:
        response = get_trace(client, workspace_id, trace_id)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body if len(body["spans"]) >= count else None

    found: dict[str, Any] = wait_until(check, what=f"{count} spans of trace {trace_id}")
    return found


def by_name(spans: list[Span]) -> dict[str, Span]:
    return {span["span_name"]: span for span in spans}


def custom_filter(name: str, value: str, field_type: str = "string", query_type: str = "eq") -> dict[str, Any]:
    return {
        "field_name": name,
        "field_type": field_type,
        "values": [value],
        "query_type": query_type,
        "is_custom": True,
    }


def filters(*fields: dict[str, Any], relation: str = "and") -> dict[str, Any]:
    return {"query_and_or": relation, "filter_fields": list(fields)}


def wait_for_ingest_queue_drained(stack: RunningStack, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
    """Waits until the writer has taken every queued batch and stored it (nothing waiting, nothing in flight).

    Every accepted ingest call has queued its batch before it answers, so once this returns, everything
    accepted so far is in the store, including copies that would not change what a list shows.
    """
    sqs = stack.boto3_client("sqs")
    url = sqs.get_queue_url(QueueName=INGEST_QUEUE)["QueueUrl"]
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]

    def drained() -> bool:
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        return all(counts[name] == "0" for name in names)

    wait_until(drained, timeout=timeout, what="the trace-ingest queue to drain")
