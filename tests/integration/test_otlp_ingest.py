"""OpenTelemetry ingest (`/v1/loop/opentelemetry/v1/traces`) with the real OTel SDK and OTLP/HTTP exporter,
OpenInference's OpenAI instrumentation, and hand-written OTLP/JSON; read back through the console API."""

import gzip
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import openai
import pytest
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode, Tracer

from tests.integration.test_accounts import assert_error
from tests.support.accounts import Account, bearer, create_token, register
from tests.support.stack import RunningStack
from tests.support.traces import (
    OTLP,
    Span,
    by_name,
    get_trace,
    list_spans,
    new_span_id,
    new_trace_id,
    now_us,
    wait_for_ingest_queue_drained,
    wait_for_span_ids,
)

SERVICE = "otel-tests"


@pytest.fixture(scope="module")
def owner(stack: RunningStack) -> Account:
    return register(stack.base_url)


@pytest.fixture(scope="module")
def token(owner: Account) -> str:
    return create_token(owner, "otel")


def record(build: Callable[[Tracer], None]) -> list[ReadableSpan]:
    """The finished spans `build` makes with a real OTel tracer (kept in memory, exported by the test)."""
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    build(provider.get_tracer("tests.otlp"))
    provider.shutdown()
    return list(memory.get_finished_spans())


def exporter(stack: RunningStack, token: str, workspace_id: str | None, **options: Any) -> OTLPSpanExporter:
    headers = {"Authorization": f"Bearer {token}"}
    if workspace_id is not None:
        headers["cozeloop-workspace-id"] = workspace_id
    return OTLPSpanExporter(endpoint=f"{stack.base_url}{OTLP}", headers=headers, timeout=30, **options)


def export(stack: RunningStack, token: str, workspace_id: str | None, spans: list[ReadableSpan], **options: Any) -> Any:
    sender = exporter(stack, token, workspace_id, **options)
    try:
        return sender.export(spans)
    finally:
        sender.shutdown()


def hex_ids(span: ReadableSpan) -> tuple[str, str]:
    assert span.context is not None
    return f"{span.context.trace_id:032x}", f"{span.context.span_id:016x}"


def stored(owner: Account, spans: list[ReadableSpan]) -> dict[str, Span]:
    """Waits for the exported spans; returns them as the console lists them, by name."""
    listed = wait_for_span_ids(owner.client, owner.workspace_id, {hex_ids(span)[1] for span in spans})
    wanted = {hex_ids(span)[1] for span in spans}
    return by_name([span for span in listed if span["span_id"] in wanted])


def agent_run(tracer: Tracer) -> None:
    with tracer.start_as_current_span("agent") as agent:
        agent.set_attribute("user.plan", "pro")
        agent.set_attribute("retry.count", 2)
        agent.set_attribute("score", 0.75)
        agent.set_attribute("cached", True)
        agent.set_attribute("tags", ["a", "b"])
        agent.set_attribute("cozeloop.user_id", "user-7")
        with tracer.start_as_current_span("chat gpt-z") as chat:
            chat.set_attribute("gen_ai.operation.name", "chat")
            chat.set_attribute("gen_ai.system", "openai")
            chat.set_attribute("gen_ai.request.model", "gpt-z")
            chat.set_attribute("gen_ai.request.temperature", 0.3)
            chat.set_attribute("gen_ai.usage.input_tokens", 12)
            chat.set_attribute("gen_ai.usage.output_tokens", 4)
            chat.set_attribute(
                "gen_ai.input.messages", json.dumps([{"role": "user", "parts": [{"type": "text", "content": "hi"}]}])
            )
            chat.set_attribute(
                "gen_ai.output.messages",
                json.dumps(
                    [{"role": "assistant", "parts": [{"type": "text", "content": "hello"}], "finish_reason": "stop"}]
                ),
            )
        with tracer.start_as_current_span("lookup") as tool:
            tool.set_attribute("gen_ai.operation.name", "execute_tool")
            tool.record_exception(ValueError("no such city"))
            tool.set_status(Status(StatusCode.ERROR, "lookup failed"))


def test_protobuf_export_maps_gen_ai_spans_and_typed_attributes(
    stack: RunningStack, owner: Account, token: str
) -> None:
    spans = record(agent_run)
    assert export(stack, token, owner.workspace_id, spans) == SpanExportResult.SUCCESS

    found = stored(owner, spans)
    agent, chat, tool = found["agent"], found["chat gpt-z"], found["lookup"]
    # The tree and the times (ns → ms)
    trace_id, agent_id = hex_ids(next(s for s in spans if s.name == "agent"))
    assert {span["trace_id"] for span in found.values()} == {trace_id}
    assert agent["parent_id"] == "0" and chat["parent_id"] == tool["parent_id"] == agent_id
    source = next(s for s in spans if s.name == "agent")
    assert source.start_time is not None and source.end_time is not None
    assert int(agent["started_at"]) == source.start_time // 1_000_000
    assert int(agent["duration"]) == (source.end_time - source.start_time) // 1_000_000
    assert agent["service_name"] == SERVICE and agent["system_tags"]["report_source"] == "otel"
    # Attributes keep their types; cozeloop.* loses its prefix
    assert agent["span_type"] == "custom"
    assert agent["tags_string"] == {"user.plan": "pro", "tags": '["a", "b"]', "user_id": "user-7"}
    assert agent["tags_long"] == {"retry.count": "2"} and agent["tags_double"] == {"score": 0.75}
    assert agent["tags_bool"] == {"cached": True}
    # gen_ai attributes make a model span with tokens, options and messages
    assert (chat["span_type"], chat["status"]) == ("model", "success")
    assert chat["tags_string"]["model_name"] == "gpt-z" and chat["tags_string"]["model_provider"] == "openai"
    assert (chat["tags_long"]["input_tokens"], chat["tags_long"]["output_tokens"], chat["tags_long"]["tokens"]) == (
        "12",
        "4",
        "16",
    )
    assert json.loads(chat["tags_string"]["call_options"]) == {"temperature": 0.3}
    assert json.loads(chat["input"]) == {"messages": [{"role": "user", "content": "hi"}]}
    assert json.loads(chat["output"])["choices"] == [
        {"finish_reason": "stop", "index": 0, "message": {"role": "assistant", "content": "hello"}}
    ]
    assert not {key for key in chat["custom_tags"] if key.startswith("gen_ai.")}
    # An OTel error status is an error span with its message
    assert (tool["span_type"], tool["status"], tool["status_code"]) == ("tool", "error", -1)
    assert tool["custom_tags"]["error"] == "lookup failed"

    trace = get_trace(owner.client, owner.workspace_id, trace_id).json()
    assert len(trace["spans"]) == 3 and trace["traces_advance_info"]["tokens"] == {"input": "12", "output": "4"}
    llm = list_spans(owner.client, owner.workspace_id, span_list_type="llm_span")["spans"]
    assert chat["span_id"] in {span["span_id"] for span in llm} and agent["span_id"] not in {s["span_id"] for s in llm}


def test_gzip_compressed_export_is_accepted(stack: RunningStack, owner: Account, token: str) -> None:
    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("zipped") as span:
            span.set_attribute("input.value", "compressed " * 200)

    spans = record(build)
    assert export(stack, token, owner.workspace_id, spans, compression=Compression.Gzip) == SpanExportResult.SUCCESS
    assert stored(owner, spans)["zipped"]["input"] == "compressed " * 200

    # The same body, gzipped by hand, is answered with an empty (full success) protobuf response
    more = record(build)
    body = gzip.compress(encode_spans(more).SerializeToString())
    headers = {
        **bearer(token),
        "cozeloop-workspace-id": owner.workspace_id,
        "Content-Type": "application/x-protobuf",
        "Content-Encoding": "gzip",
    }
    response = httpx.post(f"{stack.base_url}{OTLP}", headers=headers, content=body)
    assert response.status_code == 200 and response.headers["content-type"] == "application/x-protobuf"
    assert response.content == b""
    assert stored(owner, more)["zipped"]


def otlp_json_span(trace_id: str, span_id: str, name: str, **fields: Any) -> dict[str, Any]:
    start_ns = (now_us() - 2_000_000) * 1000
    return {
        "traceId": trace_id,
        "spanId": span_id,
        "name": name,
        "kind": 1,
        "startTimeUnixNano": str(start_ns),
        "endTimeUnixNano": str(start_ns + 250_000_000),
        **fields,
    }


def test_a_json_body_is_accepted_and_unmappable_spans_are_reported(
    stack: RunningStack, owner: Account, token: str
) -> None:
    trace_id, root_id, child_id = new_trace_id(), new_span_id(), new_span_id()
    body = {
        "resourceSpans": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "json-svc"}}]},
                "scopeSpans": [
                    {
                        "scope": {"name": "hand-written"},
                        "spans": [
                            otlp_json_span(
                                trace_id,
                                root_id,
                                "json_root",
                                attributes=[
                                    {"key": "cozeloop.input", "value": {"stringValue": "question"}},
                                    {"key": "attempt", "value": {"intValue": "3"}},
                                    {"key": "ratio", "value": {"doubleValue": 0.5}},
                                ],
                            ),
                            otlp_json_span(
                                trace_id,
                                child_id,
                                "json_llm",
                                parentSpanId=root_id,
                                attributes=[
                                    {"key": "openinference.span.kind", "value": {"stringValue": "LLM"}},
                                    {"key": "llm.model_name", "value": {"stringValue": "json-model"}},
                                    {"key": "llm.token_count.prompt", "value": {"intValue": "5"}},
                                    {"key": "llm.token_count.completion", "value": {"intValue": "6"}},
                                ],
                                status={"code": 2, "message": "timeout"},
                            ),
                            otlp_json_span("", new_span_id(), "no_trace_id"),
                        ],
                    }
                ],
            }
        ]
    }
    headers = {**bearer(token), "cozeloop-workspace-id": owner.workspace_id}

    response = httpx.post(f"{stack.base_url}{OTLP}", headers=headers, json=body)

    # A partial success names the span it could not take, as OTLP/JSON does
    assert response.status_code == 200, response.text
    partial = response.json()["partialSuccess"]
    assert partial["rejectedSpans"] == "1" and "no traceId" in partial["errorMessage"]
    found = by_name(wait_for_span_ids(owner.client, owner.workspace_id, {root_id, child_id}))
    root, llm = found["json_root"], found["json_llm"]
    assert root["input"] == "question" and root["service_name"] == "json-svc"
    assert root["tags_long"] == {"attempt": "3"} and root["tags_double"] == {"ratio": 0.5}
    assert int(root["duration"]) == 250
    assert (llm["span_type"], llm["parent_id"], llm["status"]) == ("model", root_id, "error")
    assert llm["tags_string"]["model_name"] == "json-model" and llm["custom_tags"]["error"] == "timeout"
    assert (llm["tags_long"]["input_tokens"], llm["tags_long"]["output_tokens"]) == ("5", "6")
    assert "no_trace_id" not in by_name(list_spans(owner.client, owner.workspace_id)["spans"])


def test_the_workspace_can_come_from_a_span_attribute(stack: RunningStack, owner: Account, token: str) -> None:
    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("attributed") as span:
            span.set_attribute("cozeloop.workspace_id", owner.workspace_id)

    spans = record(build)
    assert export(stack, token, None, spans) == SpanExportResult.SUCCESS
    span = stored(owner, spans)["attributed"]
    assert "workspace_id" not in span["custom_tags"] and "cozeloop.workspace_id" not in span["custom_tags"]


def chat_completion(request: httpx.Request) -> httpx.Response:
    """A fake OpenAI service: answers any chat completion in French (the OpenAI service is not under test)."""
    sent = json.loads(request.content)
    assert request.url.path == "/v1/chat/completions"
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": sent["model"],
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": "Bonjour !"}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
        },
    )


@pytest.fixture
def instrumented() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    instrumentor = OpenAIInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        yield provider, memory
    finally:
        instrumentor.uninstrument()
        provider.shutdown()


def test_an_openinference_openai_call_is_a_model_span_with_messages(
    stack: RunningStack, owner: Account, token: str, instrumented: tuple[TracerProvider, InMemorySpanExporter]
) -> None:
    provider, memory = instrumented
    client = openai.OpenAI(
        api_key="sk-test",
        base_url="http://openai.invalid/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(chat_completion)),
    )

    answer = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello in French"}],
        temperature=0.1,
    )
    assert answer.choices[0].message.content == "Bonjour !"
    spans = list(memory.get_finished_spans())
    assert len(spans) == 1
    assert export(stack, token, owner.workspace_id, spans) == SpanExportResult.SUCCESS

    [span] = stored(owner, spans).values()
    assert (span["span_type"], span["type"], span["status"]) == ("model", "model", "success")
    assert span["tags_string"]["model_name"] == "gpt-4o-mini" and span["tags_string"]["model_provider"] == "openai"
    assert (span["tags_long"]["input_tokens"], span["tags_long"]["output_tokens"]) == ("9", "2")
    assert json.loads(span["tags_string"]["call_options"])["temperature"] == 0.1
    assert json.loads(span["input"])["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Say hello in French"},
    ]
    assert json.loads(span["output"])["choices"][0]["message"] == {"role": "assistant", "content": "Bonjour !"}
    assert json.loads(span["system_tags"]["runtime"])["library"] == "openinference"
    trace = get_trace(owner.client, owner.workspace_id, span["trace_id"]).json()
    assert trace["traces_advance_info"]["tokens"] == {"input": "9", "output": "2"}


def test_a_body_without_a_workspace_is_400(stack: RunningStack, owner: Account, token: str) -> None:
    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("homeless"):
            pass

    spans = record(build)
    assert export(stack, token, None, spans) == SpanExportResult.FAILURE
    body = encode_spans(spans).SerializeToString()
    response = httpx.post(
        f"{stack.base_url}{OTLP}", headers={**bearer(token), "Content-Type": "application/x-protobuf"}, content=body
    )
    assert_error(response, 400, "no workspace", "cozeloop-workspace-id")
    wait_for_ingest_queue_drained(stack)
    assert "homeless" not in by_name(list_spans(owner.client, owner.workspace_id)["spans"])


def test_malformed_bodies_are_400(stack: RunningStack, owner: Account, token: str) -> None:
    url = f"{stack.base_url}{OTLP}"
    headers = {**bearer(token), "cozeloop-workspace-id": owner.workspace_id}

    def post(content: bytes, content_type: str, **extra: str) -> httpx.Response:
        return httpx.post(url, headers={**headers, "Content-Type": content_type, **extra}, content=content)

    assert_error(post(b"\xff\xff\xff not protobuf", "application/x-protobuf"), 400, "not a protobuf")
    assert_error(post(b'{"resourceSpans": [', "application/json"), 400, "not valid JSON")
    assert_error(post(b'{"spans": []}', "application/json"), 400, "resourceSpans", "/v1/loop/traces/ingest")
    assert_error(post(b'{"resourceSpans": {"a": 1}}', "application/json"), 400, "resourceSpans")
    assert_error(post(b"spans", "text/plain"), 400, "Content-Type")
    assert_error(post(b"not gzip", "application/x-protobuf", **{"Content-Encoding": "gzip"}), 400, "gzip")
    # A workspace header that is not a workspace id
    spans = record(lambda tracer: tracer.start_span("odd workspace").end())
    content = encode_spans(spans).SerializeToString()
    odd = post(content, "application/x-protobuf", **{"cozeloop-workspace-id": "my-space"})
    assert_error(odd, 400, "workspace_id must be the workspace's numeric id")


def test_bad_tokens_are_401(stack: RunningStack, owner: Account) -> None:
    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("intruder"):
            pass

    spans = record(build)
    assert export(stack, "pat_1_" + "a" * 43, owner.workspace_id, spans) == SpanExportResult.FAILURE
    body = encode_spans(spans).SerializeToString()
    for headers in ({}, bearer("garbage")):
        response = httpx.post(
            f"{stack.base_url}{OTLP}",
            headers={**headers, "cozeloop-workspace-id": owner.workspace_id, "Content-Type": "application/x-protobuf"},
            content=body,
        )
        assert_error(response, 401)
