"""Trace ingest from the official `cozeloop` SDK, unchanged, and read back through the console API.

Also the ingest rules (reference §5.3): bad spans are refused with a reason, oversize values are clipped
and named, retried and duplicated batches are stored once.
"""

import base64
import gzip
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cozeloop
import httpx
import pytest
from cozeloop.spec.tracespec import (
    ModelChoice,
    ModelImageURL,
    ModelInput,
    ModelMessage,
    ModelMessagePart,
    ModelMessagePartType,
    ModelOutput,
)

from functions.trace_ingest.service import MAX_SPANS
from tests.integration.test_accounts import assert_error
from tests.support.accounts import Account, bearer, create_token, register
from tests.support.stack import RunningStack
from tests.support.traces import (
    INGEST,
    OBSERVABILITY,
    Span,
    by_name,
    filters,
    get_trace,
    ingest,
    ingest_ok,
    list_spans,
    new_span_id,
    new_trace_id,
    now_us,
    sdk_span,
    time_window,
    wait_for_ingest_queue_drained,
    wait_for_span_ids,
    wait_for_trace,
    wait_until,
)

MIB = 1 << 20
TTL_DAYS = 30  # a new workspace keeps its spans this long


@dataclass
class SdkTrace:
    trace_id: str
    span_ids: dict[str, str]  # span name → id


@pytest.fixture(scope="module")
def owner(stack: RunningStack) -> Account:
    return register(stack.base_url)


@pytest.fixture(scope="module")
def token(owner: Account) -> str:
    return create_token(owner, "ingest tests")


@pytest.fixture(scope="module")
def sdk_trace(stack: RunningStack, owner: Account, token: str) -> SdkTrace:
    """One agent run reported by the SDK: a root, two model calls and a failing tool."""
    client = cozeloop.new_client(api_base_url=stack.base_url, workspace_id=owner.workspace_id, api_token=token)
    try:
        root = client.start_span("agent_run", "custom")
        root.set_baggage({"tenant": "acme"})
        root.set_tags({"biz_str": "v", "biz_int": 42, "biz_float": 1.25, "biz_bool": True, "biz_list": [1, 2]})
        root.set_user_id("user-1")
        root.set_input({"question": "What is the weather?", "lang": "en"})
        root.set_output("Sunny in Paris")
        root.set_log_id("log-sdk-1")
        root.set_service_name("probe-service")

        first = client.start_span("llm_call", "model", child_of=root)
        first.set_model_provider("openai")
        first.set_model_name("gpt-4o-mini")
        first.set_input(ModelInput(messages=[ModelMessage(role="user", content="weather in Paris?")]))
        first.set_output(
            ModelOutput(
                choices=[
                    ModelChoice(
                        finish_reason="stop", index=0, message=ModelMessage(role="assistant", content="Sunny", parts=[])
                    )
                ]
            )
        )
        first.set_input_tokens(11)
        first.set_output_tokens(3)
        first.finish()

        second = client.start_span("llm_summary", "model", child_of=root)
        second.set_model_name("gpt-4o")
        second.set_input_tokens(20)
        second.set_output_tokens(7)
        second.finish()

        tool = client.start_span("failing_tool", "tool", child_of=root)
        tool.set_input("tool input as plain string")
        tool.set_tags({"input_tokens": 1000})  # a tool's tokens do not count towards the trace's totals
        tool.set_error(RuntimeError("boom"))
        tool.finish()

        root.finish()
        client.flush()
        spans = {"agent_run": root, "llm_call": first, "llm_summary": second, "failing_tool": tool}
        ids = {name: span.span_id for name, span in spans.items()}
        trace = SdkTrace(root.trace_id, ids)
    finally:
        client.close()
    wait_for_span_ids(owner.client, owner.workspace_id, set(trace.span_ids.values()))
    return trace


def trace_spans(owner: Account, trace_id: str, **body: Any) -> list[Span]:
    trace_filter = filters({"field_name": "trace_id", "values": [trace_id], "query_type": "eq"})
    spans: list[Span] = list_spans(owner.client, owner.workspace_id, filters=trace_filter, **body)["spans"]
    return spans


# --- the SDK's spans, read back -----------------------------------------------------------------------


def test_sdk_spans_keep_their_typed_tags_baggage_and_payloads(owner: Account, sdk_trace: SdkTrace) -> None:
    spans = by_name(trace_spans(owner, sdk_trace.trace_id))

    assert set(spans) == set(sdk_trace.span_ids)
    root = spans["agent_run"]
    assert root["tags_string"]["biz_str"] == "v" and root["tags_string"]["biz_list"] == "[1, 2]"
    assert root["tags_long"]["biz_int"] == "42"  # int64 travels as a JSON string
    assert root["tags_double"]["biz_float"] == 1.25 and root["tags_bool"]["biz_bool"] is True
    # custom_tags: every user tag, whatever its type, as a string
    assert root["custom_tags"] == {
        "biz_str": "v",
        "biz_int": "42",
        "biz_float": "1.25",
        "biz_bool": "true",
        "biz_list": "[1, 2]",
        "user_id": "user-1",
        "tenant": "acme",
    }
    assert json.loads(root["input"]) == {"question": "What is the weather?", "lang": "en"}
    assert root["output"] == "Sunny in Paris"
    assert root["logid"] == "log-sdk-1" and root["service_name"] == "probe-service"
    assert json.loads(root["system_tags"]["runtime"])["language"] == "python"
    # Baggage set on the root is a tag of every span of the trace
    assert {name: span["custom_tags"].get("tenant") for name, span in spans.items()} == dict.fromkeys(spans, "acme")

    model = spans["llm_call"]
    assert model["type"] == "model" and model["tags_string"]["model_name"] == "gpt-4o-mini"
    assert model["tags_long"] == {"input_tokens": "11", "output_tokens": "3", "tokens": "14"}
    assert model["tags_string"]["model_provider"] == "openai"
    assert json.loads(model["input"]) == {"messages": [{"role": "user", "content": "weather in Paris?"}]}
    choice = json.loads(model["output"])["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["content"] == "Sunny"

    tool = spans["failing_tool"]
    assert (tool["status"], tool["status_code"]) == ("error", -1)
    assert tool["custom_tags"]["error"] == "boom" and tool["input"] == "tool input as plain string"
    assert {span["status"] for name, span in spans.items() if name != "failing_tool"} == {"success"}


def test_output_spans_have_upstreams_shape(owner: Account, sdk_trace: SdkTrace) -> None:
    before_ms = int(time.time() * 1000)
    spans = by_name(trace_spans(owner, sdk_trace.trace_id))

    root, child = spans["agent_run"], spans["llm_call"]
    for span in spans.values():
        # Times in ms, int64 as strings
        assert isinstance(span["started_at"], str) and isinstance(span["duration"], str)
        started = int(span["started_at"])
        assert before_ms - 120_000 < started <= before_ms
        assert int(span["logic_delete_date"]) == started + TTL_DAYS * 86_400_000
        assert span["call_type"] == "Custom" and span["trace_id"] == sdk_trace.trace_id
    assert root["parent_id"] == "0" and child["parent_id"] == root["span_id"]
    assert int(root["started_at"]) <= int(child["started_at"])
    assert int(root["duration"]) >= int(child["duration"]) >= 0
    # The root's duration covers its children (up to the 1 ms lost by cutting µs to ms twice)
    assert int(root["started_at"]) + int(root["duration"]) + 1 >= int(spans["failing_tool"]["started_at"])
    assert root["type"] == "unknwon"  # upstream's spelling for span types outside its enum


def test_span_list_types_select_roots_all_spans_or_model_spans(owner: Account, sdk_trace: SdkTrace) -> None:
    def names(span_list_type: str) -> set[str]:
        return {span["span_name"] for span in trace_spans(owner, sdk_trace.trace_id, span_list_type=span_list_type)}

    assert names("root_span") == {"agent_run"}
    assert names("all_span") == {"agent_run", "llm_call", "llm_summary", "failing_tool"}
    assert names("llm_span") == {"llm_call", "llm_summary"}
    # root_span is the default
    body = {"workspace_id": owner.workspace_id, **time_window()}
    default = owner.client.post(f"{OBSERVABILITY}/spans/list", json=body).json()["spans"]
    assert {span["span_name"] for span in default} == {"agent_run"}
    assert_error(
        owner.client.post(f"{OBSERVABILITY}/spans/list", json={**body, "span_list_type": "some_spans"}),
        400,
        "span_list_type",
    )


def test_a_trace_is_the_whole_tree_with_the_tokens_of_its_model_spans(owner: Account, sdk_trace: SdkTrace) -> None:
    response = get_trace(owner.client, owner.workspace_id, sdk_trace.trace_id)

    assert response.status_code == 200, response.text
    body = response.json()
    spans = by_name(body["spans"])
    assert body["code"] == 0 and set(spans) == set(sdk_trace.span_ids)
    root_id = sdk_trace.span_ids["agent_run"]
    assert {name: span["parent_id"] for name, span in spans.items()} == {
        "agent_run": "0",
        "llm_call": root_id,
        "llm_summary": root_id,
        "failing_tool": root_id,
    }
    # 11+20 in and 3+7 out: the tool's 1000 input_tokens are not a model's
    assert body["traces_advance_info"] == {"trace_id": sdk_trace.trace_id, "tokens": {"input": "31", "output": "10"}}

    # span_ids narrows the trace to those spans
    only = get_trace(owner.client, owner.workspace_id, sdk_trace.trace_id, span_ids=[root_id]).json()["spans"]
    assert [span["span_id"] for span in only] == [root_id]
    # A trace id that is not hex is refused, an unknown one is empty
    assert_error(get_trace(owner.client, owner.workspace_id, "not-a-trace"), 400, "trace_id")
    unknown = get_trace(owner.client, owner.workspace_id, new_trace_id()).json()
    assert unknown["spans"] == [] and unknown["traces_advance_info"]["tokens"] == {"input": "0", "output": "0"}


def test_batch_advance_info_sums_tokens_per_trace(owner: Account, sdk_trace: SdkTrace) -> None:
    window = time_window()
    unknown = new_trace_id()
    response = owner.client.post(
        f"{OBSERVABILITY}/traces/batch_get_advance_info",
        json={
            "workspace_id": owner.workspace_id,
            "traces": [{"trace_id": trace_id, **window} for trace_id in (sdk_trace.trace_id, unknown)],
        },
    )

    assert response.status_code == 200, response.text
    assert response.json()["traces_advance_info"] == [
        {"trace_id": sdk_trace.trace_id, "tokens": {"input": "31", "output": "10"}},
        {"trace_id": unknown, "tokens": {"input": "0", "output": "0"}},
    ]
    bad = owner.client.post(
        f"{OBSERVABILITY}/traces/batch_get_advance_info",
        json={"workspace_id": owner.workspace_id, "traces": [{"trace_id": "xyz", **window}]},
    )
    assert_error(bad, 400, "trace_id")


def test_meta_info_lists_the_filterable_fields(owner: Account) -> None:
    def metas(span_list_type: str) -> dict[str, Any]:
        response = owner.client.get(
            f"{OBSERVABILITY}/traces/meta_info",
            params={"workspace_id": owner.workspace_id, "platform_type": "cozeloop", "span_list_type": span_list_type},
        )
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()["field_metas"]
        return found

    roots = metas("root_span")
    assert roots["status"]["field_options"]["string_list"] == ["success", "error"]
    assert roots["duration"]["value_type"] == "long" and "gte" in roots["duration"]["filter_types"]
    assert roots["input"]["value_type"] == "string" and "match" in roots["input"]["filter_types"]
    assert {"span_type", "input_tokens", "model_name", "user_id", "latency_first_resp"} <= set(roots)
    assert "span_type" not in metas("llm_span")  # every LLM span is a model span
    anonymous = httpx.get(f"{owner.client.base_url}{OBSERVABILITY}/traces/meta_info")
    assert_error(anonymous, 401)


# --- idempotency --------------------------------------------------------------------------------------


def metric_summaries(owner: Account, trace_id: str, *names: str) -> dict[str, str]:
    response = owner.client.post(
        f"{OBSERVABILITY}/metrics/list",
        json={
            "workspace_id": owner.workspace_id,
            **time_window(),
            "metric_names": list(names),
            "filters": filters({"field_name": "trace_id", "values": [trace_id], "query_type": "eq"}),
        },
    )
    assert response.status_code == 200, response.text
    return {name: metric["summary"] for name, metric in response.json()["metrics"].items()}


def test_a_duplicated_reordered_batch_is_stored_once(stack: RunningStack, owner: Account, token: str) -> None:
    # Given an SDK-shaped batch: a model span, a tool span, then their root (the SDK sends in finish order)
    trace_id, root_id = new_trace_id(), new_span_id()
    start = now_us() - 60_000_000
    model = sdk_span(
        owner.workspace_id,
        trace_id=trace_id,
        parent_id=root_id,
        span_name="dup_model",
        span_type="model",
        started_at_micros=start + 1000,
        tags_string={"model_name": "dup-model"},
        tags_long={"input_tokens": 5, "output_tokens": 2, "tokens": 7},
    )
    tool = sdk_span(owner.workspace_id, trace_id=trace_id, parent_id=root_id, span_name="dup_tool", span_type="tool")
    root = sdk_span(
        owner.workspace_id, trace_id=trace_id, span_id=root_id, span_name="dup_root", started_at_micros=start
    )
    batch = [model, tool, root]
    body = json.dumps({"spans": batch}).encode()

    # When it is posted twice byte for byte, then reordered, each time with one span of its own
    markers: list[str] = []
    for spans in (batch, batch, list(reversed(batch))):
        marker = sdk_span(owner.workspace_id, trace_id=trace_id, parent_id=root_id, span_name=f"marker{len(markers)}")
        markers.append(marker["span_id"])
        if len(markers) == 2:  # the exact bytes again, plus the marker in its own request
            raw = httpx.post(f"{stack.base_url}{INGEST}", headers=bearer(token), content=body)
            assert raw.json() == {"code": 0, "msg": ""}
            ingest_ok(stack.base_url, token, [marker])
        else:
            ingest_ok(stack.base_url, token, [*spans, marker])
    wait_for_span_ids(owner.client, owner.workspace_id, {*markers, root_id})
    wait_for_ingest_queue_drained(stack)

    # Then every span is there once: in the list, in the trace, in the token totals and in the metrics
    listed = [span["span_id"] for span in trace_spans(owner, trace_id)]
    assert sorted(listed) == sorted([model["span_id"], tool["span_id"], root_id, *markers])
    trace = wait_for_trace(owner.client, owner.workspace_id, trace_id, 6)
    assert sorted(span["span_id"] for span in trace["spans"]) == sorted(listed)
    assert trace["traces_advance_info"]["tokens"] == {"input": "5", "output": "2"}
    assert metric_summaries(
        owner, trace_id, "service_span_count", "model_total_count", "model_token_count", "general_total_count"
    ) == {"service_span_count": "6", "model_total_count": "1", "model_token_count": "7", "general_total_count": "1"}


class FailFirstIngest(httpx.BaseTransport):
    """Delivers the SDK's first span upload, then answers it as failed, as captured in scenario D: the SDK
    then sends the same batch again, so the server receives it twice."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.ingest_bodies: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path != INGEST:
            return response
        self.ingest_bodies.append(request.read())
        if len(self.ingest_bodies) > 1:
            return response
        response.read()
        response.close()
        return httpx.Response(200, json={"code": 600900201, "msg": "simulated failure, retry"}, request=request)

    def close(self) -> None:
        self.inner.close()


def test_a_span_the_sdk_retries_is_stored_once(stack: RunningStack, owner: Account, token: str) -> None:
    # Given the SDK with an HTTP client whose first span upload looks failed (after it was delivered)
    transport = FailFirstIngest()
    client = cozeloop.new_client(
        api_base_url=stack.base_url,
        workspace_id=owner.workspace_id,
        api_token=token,
        http_client=httpx.Client(transport=transport, timeout=30),
    )
    try:
        root = client.start_span("retried_root", "custom")
        model = client.start_span("retried_model", "model", child_of=root)
        model.set_input_tokens(4)
        model.set_output_tokens(1)
        model.finish()
        root.finish()
        client.flush()
    finally:
        client.close()

    # Then the SDK did send the same spans twice ...
    assert len(transport.ingest_bodies) == 2
    first, second = ({s["span_id"] for s in json.loads(body)["spans"]} for body in transport.ingest_bodies)
    assert first == second == {root.span_id, model.span_id}
    wait_for_trace(owner.client, owner.workspace_id, root.trace_id, 2)
    wait_for_ingest_queue_drained(stack)
    # ... and the store shows each once
    assert sorted(span["span_id"] for span in trace_spans(owner, root.trace_id)) == sorted(first)
    trace = get_trace(owner.client, owner.workspace_id, root.trace_id).json()
    assert len(trace["spans"]) == 2 and trace["traces_advance_info"]["tokens"] == {"input": "4", "output": "1"}
    assert metric_summaries(owner, root.trace_id, "service_span_count", "model_input_token_count") == {
        "service_span_count": "2",
        "model_input_token_count": "4",
    }


def test_a_resent_span_shows_its_latest_copy_everywhere(stack: RunningStack, owner: Account, token: str) -> None:
    span = sdk_span(owner.workspace_id, span_name="resent", output="first copy")
    ingest_ok(stack.base_url, token, [span])
    wait_for_span_ids(owner.client, owner.workspace_id, {span["span_id"]})
    ingest_ok(stack.base_url, token, [{**span, "output": "second copy"}])
    wait_for_ingest_queue_drained(stack)

    def outputs() -> tuple[list[str], list[str]]:
        listed = [s["output"] for s in trace_spans(owner, span["trace_id"])]
        traced = [s["output"] for s in get_trace(owner.client, owner.workspace_id, span["trace_id"]).json()["spans"]]
        return listed, traced

    assert outputs() == (["second copy"], ["second copy"])


# --- bad input ----------------------------------------------------------------------------------------


def test_bad_ids_and_times_are_refused_with_the_reason(stack: RunningStack, owner: Account, token: str) -> None:
    ws = owner.workspace_id
    cases = {
        "trace_id must be 32 lowercase hex": [
            sdk_span(ws, trace_id="ABC"),
            sdk_span(ws, trace_id=new_trace_id().upper()),
            sdk_span(ws, trace_id="0" * 32),
            sdk_span(ws, trace_id=12345),
        ],
        "span_id must be 16 lowercase hex": [sdk_span(ws, span_id="xyz"), sdk_span(ws, span_id="0" * 16)],
        "within the last 24 hours": [
            sdk_span(ws, started_at_micros=now_us() - 25 * 3600 * 1_000_000),
            sdk_span(ws, started_at_micros=now_us() + 2 * 3600 * 1_000_000),
            sdk_span(ws, started_at_micros=int(time.time() * 1000)),  # ms, not µs
        ],
        "workspace_id must be": [sdk_span(ws, workspace_id="abc"), sdk_span(ws, workspace_id="")],
    }
    for reason, spans in cases.items():
        for span in spans:
            assert_error(ingest(stack.base_url, token, [span]), 400, "no span was accepted", reason)


def test_values_of_the_wrong_type_are_refused_or_dropped(stack: RunningStack, owner: Account, token: str) -> None:
    ws = owner.workspace_id
    # A span whose core fields have the wrong type is refused ...
    for span, reason in (
        (sdk_span(ws, duration_micros="slow"), "duration_micros must be an integer"),
        (sdk_span(ws, started_at_micros="yesterday"), "started_at_micros must be an integer"),
        (sdk_span(ws, status_code=True), "status_code must be an integer"),
        (sdk_span(ws, span_name=["a"]), "span_name must be a string"),
        (sdk_span(ws, tags_long=[1, 2]), "tags_long must be an object"),
        ("not a span", "each span must be a JSON object"),
    ):
        assert_error(ingest(stack.base_url, token, [span]), 400, reason)
    # ... while a tag value of the wrong type is dropped, named in clip_fields, and the span kept
    kept = sdk_span(
        ws,
        span_name="typed_tags",
        duration_micros="2500",  # int64 as a string, as upstream's IDL allows
        tags_long={"good": 7, "nested": {"a": 1}, "text": "seven", "as_string": "8"},
        tags_string={"number": 5, "fine": "yes"},
        tags_bool={"flag": "true"},
    )
    ingest_ok(stack.base_url, token, [kept])
    stored = wait_for_span_ids(owner.client, ws, {kept["span_id"]})
    span = next(s for s in stored if s["span_id"] == kept["span_id"])
    assert span["duration"] == "2"
    assert span["tags_long"] == {"good": "7", "as_string": "8"} and span["tags_string"] == {"fine": "yes"}
    assert span["tags_bool"] == {}
    clipped = set(span["system_tags_string"]["clip_fields"].split(","))
    assert clipped == {"tags_long.nested", "tags_long.text", "tags_string.number", "tags_bool.flag"}


def test_oversize_values_are_clipped_and_named(stack: RunningStack, owner: Account, token: str) -> None:
    # Given a span with 1 MiB + 100 bytes of input, a 2 KiB tag value, a 200-character key and 60 custom tags
    ws = owner.workspace_id
    long_key = "k" * 200
    many = {f"tag{i:02d}": f"v{i}" for i in range(60)}
    span = sdk_span(
        ws,
        span_name="oversize",
        input="x" * (MIB + 100),
        output="é" * (MIB // 2 + 1),  # 2 bytes a character: cut on a character boundary
        tags_string={"long_value": "y" * 2048, long_key: "z"},
    )
    tags = sdk_span(ws, span_name="many_tags", tags_string=many, tags_long={"extra": 1})

    # When they are ingested
    ingest_ok(stack.base_url, token, [span, tags])

    # Then the input and output are cut at 1 MiB, other values at 1 KiB, keys at 100 characters ...
    stored = by_name(wait_for_span_ids(owner.client, ws, {span["span_id"], tags["span_id"]}, without_clip=True))
    big = stored["oversize"]
    assert len(big["input"]) == MIB and set(big["input"]) == {"x"}
    assert len(big["output"].encode()) == MIB and set(big["output"]) == {"é"}
    assert big["tags_string"]["long_value"] == "y" * 1024 and big["tags_string"]["k" * 100] == "z"
    assert set(big["system_tags_string"]["clip_fields"].split(",")) == {
        "input",
        "output",
        "tags_string.long_value",
        f"tags_string.{'k' * 100}",
    }
    # ... and a span keeps 50 custom tags, the rest named
    kept = stored["many_tags"]
    assert len(kept["custom_tags"]) == 50 and kept["tags_long"] == {}
    assert set(kept["custom_tags"]) == {f"tag{i:02d}" for i in range(50)}
    assert set(kept["system_tags_string"]["clip_fields"].split(",")) == {
        *(f"tags_string.tag{i}" for i in range(50, 60)),
        "tags_long.extra",
    }


def test_roots_negative_times_and_system_tags_are_normalised(stack: RunningStack, owner: Account, token: str) -> None:
    ws = owner.workspace_id
    span = sdk_span(
        ws,
        span_name="normalised",
        parent_id="",  # "" is a root, like "0"
        duration_micros=-5,
        tags_long={"latency_first_resp": -10, "input_tokens": 3},
        system_tags_string={"runtime": "{}", "cut_off": "['input']", "secret_flag": "1"},
        call_type="PromptDebug",  # only the platform's own spans choose their call_type
    )
    ingest_ok(stack.base_url, token, [span])
    listed = wait_for_span_ids(owner.client, ws, {span["span_id"]}, span_list_type="root_span")
    stored = next(s for s in listed if s["span_id"] == span["span_id"])
    assert stored["parent_id"] == "0" and stored["duration"] == "0"
    assert stored["tags_long"] == {"latency_first_resp": "0", "input_tokens": "3"}
    assert stored["system_tags_string"] == {"runtime": "{}", "cut_off": "['input']"}
    assert stored["call_type"] == "Custom"
    prompt_platform = list_spans(owner.client, ws, platform_type="prompt")["spans"]
    assert span["span_id"] not in {s["span_id"] for s in prompt_platform}


def test_a_mixed_batch_keeps_the_good_spans_and_says_which_were_refused(
    stack: RunningStack, owner: Account, token: str
) -> None:
    ws = owner.workspace_id
    good = [sdk_span(ws, span_name="good_a"), sdk_span(ws, span_name="good_b")]
    bad = sdk_span(ws, span_name="bad", span_id="not-hex-at-all!")
    old = sdk_span(ws, span_name="old", started_at_micros=now_us() - 48 * 3600 * 1_000_000)

    response = ingest(stack.base_url, token, [good[0], bad, good[1], old])

    # Accepted spans are not retried by the SDK, so the call succeeds and the message says what was refused
    assert response.status_code == 200 and response.json()["code"] == 0
    message = response.json()["msg"]
    assert "accepted 2 of 4 spans" in message
    assert "span 1 (not-hex-at-all!): span_id must be 16 lowercase hex" in message
    assert f"span 3 ({old['span_id']}): started_at_micros" in message
    wait_for_span_ids(owner.client, ws, {span["span_id"] for span in good})
    wait_for_ingest_queue_drained(stack)
    names = {span["span_name"] for span in list_spans(owner.client, ws)["spans"]}
    assert {"good_a", "good_b"} <= names and not {"bad", "old"} & names


def test_malformed_bodies_are_400_with_a_clear_message(stack: RunningStack, owner: Account, token: str) -> None:
    url = f"{stack.base_url}{INGEST}"
    whole = json.dumps({"spans": [sdk_span(owner.workspace_id)]})

    assert_error(httpx.post(url, headers=bearer(token), content=whole[:-20]), 400, "not valid JSON")
    assert_error(httpx.post(url, headers=bearer(token), json=[1, 2]), 400, '"spans" list')
    assert_error(httpx.post(url, headers=bearer(token), json={"spans": {"a": 1}}), 400, '"spans" list')
    assert_error(httpx.post(url, headers=bearer(token), json={"span": []}), 400, '"spans" list')
    not_gzip = {**bearer(token), "Content-Encoding": "gzip", "Content-Type": "application/json"}
    assert_error(httpx.post(url, headers=not_gzip, content=whole.encode()), 400, "gzip")
    brotli = {**bearer(token), "Content-Encoding": "br", "Content-Type": "application/json"}
    assert_error(httpx.post(url, headers=brotli, content=whole.encode()), 400, "Content-Encoding")
    # An empty batch stores nothing and is not an error (the SDK never sends one, but it is harmless)
    assert httpx.post(url, headers=bearer(token), json={"spans": []}).json() == {"code": 0, "msg": ""}


def test_too_many_spans_in_one_request_is_413(stack: RunningStack, owner: Account, token: str) -> None:
    limit = MAX_SPANS  # upstream allows 500; the SDK's flush() can send its whole retry queue at once
    spans = [sdk_span(owner.workspace_id, span_name="too_many") for _ in range(limit + 1)]
    response = ingest(stack.base_url, token, spans)
    assert_error(response, 413, f"at most {limit} spans", str(limit + 1))
    wait_for_ingest_queue_drained(stack)
    assert "too_many" not in {span["span_name"] for span in list_spans(owner.client, owner.workspace_id)["spans"]}


def test_a_gzip_body_is_accepted(stack: RunningStack, owner: Account, token: str) -> None:
    span = sdk_span(owner.workspace_id, span_name="zipped", input="compressed " * 100)
    response = httpx.post(
        f"{stack.base_url}{INGEST}",
        headers={**bearer(token), "Content-Encoding": "gzip", "Content-Type": "application/json"},
        content=gzip.compress(json.dumps({"spans": [span]}).encode()),
    )
    assert response.json() == {"code": 0, "msg": ""}, response.text
    stored = by_name(wait_for_span_ids(owner.client, owner.workspace_id, {span["span_id"]}))
    assert stored["zipped"]["input"] == "compressed " * 100


@pytest.fixture
def expiring_token(owner: Account) -> Iterator[tuple[str, int]]:
    expire_at = int(time.time()) + 1
    yield create_token(owner, "expires soon", expire_at=expire_at), expire_at


def test_missing_bad_deleted_or_expired_tokens_are_401(
    stack: RunningStack, owner: Account, expiring_token: tuple[str, int]
) -> None:
    body = {"spans": [sdk_span(owner.workspace_id, span_name="unauthorised")]}
    url = f"{stack.base_url}{INGEST}"

    assert_error(httpx.post(url, json=body), 401, "Bearer")
    assert_error(httpx.post(url, json=body, headers={"Authorization": "Basic abc"}), 401, "Bearer")
    assert_error(httpx.post(url, json=body, headers=bearer("garbage")), 401, "malformed")
    # A session cookie is not a token
    assert_error(owner.client.post(INGEST, json=body), 401, "Bearer")

    created = owner.client.post("/api/auth/v1/personal_access_tokens", json={"name": "revoked"}).json()
    owner.client.delete(f"/api/auth/v1/personal_access_tokens/{created['personal_access_token']['id']}")
    assert_error(httpx.post(url, json=body, headers=bearer(created["token"])), 401, "not valid")

    # A token cannot be created already expired, but one that expires in a second soon is
    past = owner.client.post("/api/auth/v1/personal_access_tokens", json={"name": "x", "expire_at": 1_000_000})
    assert_error(past, 400, "future")
    token, expire_at = expiring_token
    while time.time() < expire_at + 0.05:
        time.sleep(0.05)
    assert_error(httpx.post(url, json=body, headers=bearer(token)), 401, "expired")

    assert "unauthorised" not in {span["span_name"] for span in list_spans(owner.client, owner.workspace_id)["spans"]}


def test_big_payloads_are_cut_in_lists_and_trees_and_whole_on_request(
    stack: RunningStack, owner: Account, token: str
) -> None:
    big = "x" * 400_000
    span = sdk_span(owner.workspace_id, span_name="big_payload", input=big, output="small")
    ingest_ok(stack.base_url, token, [span])
    listed = by_name(wait_for_span_ids(owner.client, owner.workspace_id, {span["span_id"]}))["big_payload"]
    assert listed["clipped"] is True and big.startswith(listed["input"]) and len(listed["input"]) < len(big)
    assert listed["output"] == "small"
    tree = wait_for_trace(owner.client, owner.workspace_id, span["trace_id"], 1)
    assert tree["spans"][0]["clipped"] is True
    whole = get_trace(
        owner.client, owner.workspace_id, span["trace_id"], span_ids=[span["span_id"]], without_clip="true"
    ).json()
    assert whole["spans"][0]["input"] == big and whole["spans"][0]["clipped"] is False
    refused = get_trace(owner.client, owner.workspace_id, span["trace_id"], without_clip="true")
    assert_error(refused, 400, "span_ids")
    # Responses of any size travel gzipped when the client accepts it.
    response = get_trace(
        owner.client, owner.workspace_id, span["trace_id"], span_ids=[span["span_id"]], without_clip="true"
    )
    assert response.headers.get("content-encoding") == "gzip"


def test_payloads_the_sdk_uploads_are_linked_from_the_span(stack: RunningStack, owner: Account, token: str) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
    client = cozeloop.new_client(
        api_base_url=stack.base_url, workspace_id=owner.workspace_id, api_token=token, ultra_large_report=True
    )
    vision = client.start_span("vision_call", "model", start_new_trace=True)
    image = ModelImageURL(name="cat.png", url=f"data:image/png;base64,{base64.b64encode(png).decode()}")
    vision.set_input(
        ModelInput(
            messages=[
                ModelMessage(role="user", parts=[ModelMessagePart(type=ModelMessagePartType.IMAGE, image_url=image)])
            ]
        )
    )
    vision.finish()
    big = client.start_span("big_io", "custom", start_new_trace=True)
    big.set_input("x" * (1024 * 1024 + 10))  # over 1 MiB: the SDK uploads it and keeps the first 1,000 characters
    big.finish()
    client.flush()
    client.close()

    def attachments() -> dict[str, Any] | None:
        spans = by_name(list_spans(owner.client, owner.workspace_id)["spans"])
        ready = all(name in spans and spans[name]["attr_tos"] for name in ("vision_call", "big_io"))
        return spans if ready else None

    spans = wait_until(attachments, what="spans with their uploads")
    [image_url] = spans["vision_call"]["attr_tos"]["multimodal_data"].values()
    assert wait_until(lambda: (r := httpx.get(image_url)).status_code == 200 and r.content, what="the image") == png
    text_url = spans["big_io"]["attr_tos"]["input_data_url"]
    assert wait_until(lambda: (r := httpx.get(text_url)).status_code == 200 and r.text, what="the text") == (
        "x" * (1024 * 1024 + 10)
    )


def test_a_batch_too_big_for_sqs_travels_through_s3_and_is_cleaned_up(
    stack: RunningStack, owner: Account, token: str
) -> None:
    # 600 KB of hex: still over SQS's 256 KiB once gzipped and in base64, so the group goes to S3 by key
    noisy = secrets.token_hex(300_000)
    span = sdk_span(owner.workspace_id, span_name="offloaded", input=noisy)
    ingest_ok(stack.base_url, token, [span])
    wait_for_span_ids(owner.client, owner.workspace_id, {span["span_id"]})
    whole = get_trace(
        owner.client, owner.workspace_id, span["trace_id"], span_ids=[span["span_id"]], without_clip="true"
    ).json()
    assert whole["spans"][0]["input"] == noisy
    s3 = stack.boto3_client("s3")
    wait_until(
        lambda: not s3.list_objects_v2(Bucket="loop-dev-traces", Prefix="raw/").get("Contents"),
        what="the offloaded batch to be deleted once stored",
    )
