"""OTLP/HTTP trace exports: spans made by the real OpenTelemetry SDK (and the real OpenInference OpenAI instrumentor),
encoded by the real OTLP exporter encoder, decoded and mapped onto the SDK's upload-span shape."""

import base64
import copy
import gzip
import json
import os
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from google.protobuf.json_format import MessageToDict, Parse
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode, Tracer

from shared.errors import InvalidInput, PayloadTooLarge
from shared.traces.normalize import normalize_batch
from shared.traces.otlp import decode_export_request, encode_export_response, otlp_to_upload_spans, wire

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
WORKSPACE = "7496795200791511052"
UPLOAD_KEYS = {
    "started_at_micros",
    "log_id",
    "span_id",
    "parent_id",
    "trace_id",
    "duration_micros",
    "service_name",
    "workspace_id",
    "span_name",
    "span_type",
    "status_code",
    "input",
    "output",
    "object_storage",
    "system_tags_string",
    "system_tags_long",
    "system_tags_double",
    "tags_string",
    "tags_long",
    "tags_double",
    "tags_bool",
}


def _provider(**resource: Any) -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "checkout", **resource}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def _record(build: Callable[[Tracer], None], **resource: Any) -> list[ReadableSpan]:
    provider, exporter = _provider(**resource)
    build(provider.get_tracer("tests.otlp"))
    return list(exporter.get_finished_spans())


def _protobuf(spans: list[ReadableSpan]) -> bytes:
    return encode_spans(spans).SerializeToString()


def _map(
    body: bytes, content_type: str = PROTOBUF, encoding: str | None = None, workspace: str | None = WORKSPACE
) -> list[dict[str, Any]]:
    spans, problems = otlp_to_upload_spans(
        decode_export_request(body, content_type, encoding), header_workspace_id=workspace
    )
    assert problems == []
    return spans


def _one(build: Callable[[Tracer], None], **resource: Any) -> dict[str, Any]:
    (span,) = _map(_protobuf(_record(build, **resource)))
    return span


def _two_spans(*names: str) -> Callable[[Tracer], None]:
    def build(tracer: Tracer) -> None:
        for name in names:
            tracer.start_span(name).end()

    return build


def _all_tag_keys(span: dict[str, Any]) -> set[str]:
    return {key for column in ("tags_string", "tags_long", "tags_double", "tags_bool") for key in span[column]}


# ---------------------------------------------------------------------------------------------------------------------
# Ids, times, status


def test_protobuf_export_maps_ids_times_and_parents() -> None:
    # Given a root and a child span with known times
    start_ns = time.time_ns()

    def build(tracer: Tracer) -> None:
        root = tracer.start_span("root", start_time=start_ns)
        child = tracer.start_span("child", context=trace.set_span_in_context(root), start_time=start_ns + 1_000_000)
        child.end(end_time=start_ns + 3_500_000)
        root.end(end_time=start_ns + 10_000_000)

    recorded = {span.name: span for span in _record(build)}

    # When the export is decoded and mapped
    mapped = {span["span_name"]: span for span in _map(_protobuf(list(recorded.values())))}

    # Then ids are lowercase hex, the root's parent is "0", and times are microseconds
    root, child = mapped["root"], mapped["child"]
    assert set(root) == UPLOAD_KEYS and set(child) == UPLOAD_KEYS
    root_context = recorded["root"].context
    assert root_context is not None
    assert root["trace_id"] == child["trace_id"] == format(root_context.trace_id, "032x")
    assert root["span_id"] == format(root_context.span_id, "016x")
    assert root["parent_id"] == "0"
    assert child["parent_id"] == root["span_id"]
    assert root["started_at_micros"] == start_ns // 1000
    assert root["duration_micros"] == 10_000
    assert child["started_at_micros"] == (start_ns + 1_000_000) // 1000
    assert child["duration_micros"] == 2_500
    assert root["workspace_id"] == WORKSPACE
    assert root["service_name"] == "checkout"
    assert (root["span_type"], root["status_code"], root["input"], root["output"]) == ("custom", 0, "", "")
    assert (root["log_id"], root["object_storage"]) == ("", "")
    assert json.loads(root["system_tags_string"]["runtime"]) == {
        "language": "python",
        "library": "opentelemetry",
        "scene": "custom",
    }
    assert root["system_tags_string"]["report_source"] == "otel"
    assert root["tags_string"] == {} and root["tags_long"] == {}


def test_error_status_sets_status_code_and_error_tag() -> None:
    # Given spans that fail in different ways
    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("described") as span:
            span.set_status(Status(StatusCode.ERROR, "boom"))
        with tracer.start_as_current_span("exception only") as span:
            span.record_exception(ValueError("bad input"))
            span.set_status(Status(StatusCode.ERROR))
        with tracer.start_as_current_span("explicit code") as span:
            span.set_attribute("cozeloop.status_code", 429)
            span.set_status(Status(StatusCode.ERROR, "slow down"))
        with tracer.start_as_current_span("error tag only") as span:
            span.set_attribute("cozeloop.error", "oops")
        with tracer.start_as_current_span("fine") as span:
            span.record_exception(ValueError("handled"))  # recorded, but the span did not fail

    # When mapped
    mapped = {span["span_name"]: span for span in _map(_protobuf(_record(build)))}

    # Then
    assert (mapped["described"]["status_code"], mapped["described"]["tags_string"]) == (-1, {"error": "boom"})
    assert mapped["exception only"]["status_code"] == -1
    assert mapped["exception only"]["tags_string"] == {"error": "ValueError: bad input"}
    assert (mapped["explicit code"]["status_code"], mapped["explicit code"]["tags_string"]) == (
        429,
        {"error": "slow down"},
    )
    assert "status_code" not in _all_tag_keys(mapped["explicit code"])
    assert (mapped["error tag only"]["status_code"], mapped["error tag only"]["tags_string"]) == (-1, {"error": "oops"})
    assert (mapped["fine"]["status_code"], mapped["fine"]["tags_string"]) == (0, {})


def test_missing_ids_are_reported_per_span_and_the_rest_is_mapped() -> None:
    # Given a JSON export where one span has no spanId
    request = MessageToDict(encode_spans(_record(_two_spans("kept", "broken"))))
    spans = request["resourceSpans"][0]["scopeSpans"][0]["spans"]
    del next(span for span in spans if span["name"] == "broken")["spanId"]

    # When mapped
    mapped, problems = otlp_to_upload_spans(
        decode_export_request(json.dumps(request).encode(), JSON, None), header_workspace_id=WORKSPACE
    )

    # Then
    assert [span["span_name"] for span in mapped] == ["kept"]
    assert problems == ["span 1 (name 'broken'): no spanId"]


# ---------------------------------------------------------------------------------------------------------------------
# gen_ai semantic conventions


def test_gen_ai_semconv_attributes_make_a_model_span_with_model_input_and_output() -> None:
    # Given a chat span in the current gen_ai semconv (JSON messages with parts)
    input_messages = [
        {"role": "user", "parts": [{"type": "text", "content": "weather in Paris?"}]},
        {
            "role": "assistant",
            "parts": [{"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": {"city": "Paris"}}],
        },
        {"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_1", "response": "sunny"}]},
    ]
    output_messages = [
        {
            "role": "assistant",
            "parts": [{"type": "reasoning", "content": "easy"}, {"type": "text", "content": "Sunny in Paris."}],
            "finish_reason": "stop",
        }
    ]

    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("chat gpt-4o-mini") as span:
            span.set_attributes(
                {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "openai",
                    "gen_ai.request.model": "gpt-4o-mini",
                    "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
                    "gen_ai.request.temperature": 0.2,
                    "gen_ai.request.max_tokens": 100,
                    "gen_ai.request.top_p": 0.9,
                    "gen_ai.request.stop_sequences": ["END"],
                    "gen_ai.usage.input_tokens": 11,
                    "gen_ai.usage.output_tokens": 3,
                    "gen_ai.usage.cache_read_input_tokens": 5,
                    "gen_ai.system_instructions": json.dumps([{"type": "text", "content": "be brief"}]),
                    "gen_ai.input.messages": json.dumps(input_messages),
                    "gen_ai.output.messages": json.dumps(output_messages),
                    "gen_ai.response.id": "resp-1",
                    "gen_ai.conversation.id": "thread-9",
                }
            )

    # When mapped
    span = _one(build)

    # Then it is a model span whose payloads are the SDK's ModelInput and ModelOutput
    assert span["span_type"] == "model"
    assert json.loads(span["input"]) == {
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "weather in Paris?"},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
            {"role": "tool", "content": "sunny", "tool_call_id": "call_1"},
        ]
    }
    assert json.loads(span["output"]) == {
        "choices": [
            {
                "finish_reason": "stop",
                "index": 0,
                "message": {"role": "assistant", "content": "Sunny in Paris.", "reasoning_content": "easy"},
            }
        ]
    }
    assert span["tags_string"] == {
        "model_name": "gpt-4o-mini",
        "model_provider": "openai",
        "thread_id": "thread-9",
        "call_options": span["tags_string"]["call_options"],
        "gen_ai.response.id": "resp-1",  # not consumed: kept as a custom tag under its own key
    }
    assert json.loads(span["tags_string"]["call_options"]) == {
        "temperature": 0.2,
        "max_tokens": 100,
        "top_p": 0.9,
        "stop": ["END"],
    }
    assert span["tags_long"] == {"input_tokens": 11, "output_tokens": 3, "tokens": 14, "input_cached_tokens": 5}
    assert span["tags_double"] == {} and span["tags_bool"] == {}


def test_legacy_flattened_gen_ai_prompt_and_completion() -> None:
    # Given a span with the older flattened attributes and no operation name
    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("anthropic.chat") as span:
            span.set_attributes(
                {
                    "gen_ai.system": "anthropic",
                    "gen_ai.request.model": "claude-3-5-haiku",
                    "gen_ai.prompt.0.role": "user",
                    "gen_ai.prompt.0.content": "hi",
                    "gen_ai.completion.0.role": "assistant",
                    "gen_ai.completion.0.content": "hello",
                    "gen_ai.completion.0.finish_reason": "end_turn",
                    "gen_ai.completion.0.tool_calls.0.id": "t1",
                    "gen_ai.completion.0.tool_calls.0.name": "lookup",
                    "gen_ai.completion.0.tool_calls.0.arguments": '{"q":"x"}',
                    "gen_ai.usage.prompt_tokens": 2,
                    "gen_ai.usage.completion_tokens": 1,
                }
            )

    # When mapped
    span = _one(build)

    # Then a gen_ai.request.* attribute alone makes it a model span
    assert span["span_type"] == "model"
    assert json.loads(span["input"]) == {"messages": [{"role": "user", "content": "hi"}]}
    assert json.loads(span["output"]) == {
        "choices": [
            {
                "finish_reason": "end_turn",
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "hello",
                    "tool_calls": [
                        {"id": "t1", "type": "function", "function": {"name": "lookup", "arguments": '{"q":"x"}'}}
                    ],
                },
            }
        ]
    }
    assert span["tags_string"] == {"model_name": "claude-3-5-haiku", "model_provider": "anthropic"}
    assert span["tags_long"] == {"input_tokens": 2, "output_tokens": 1, "tokens": 3}


def test_gen_ai_events_become_messages_and_choices() -> None:
    # Given a span whose conversation travels as gen_ai events (one with its fields in a `body` attribute)
    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("chat") as span:
            span.set_attribute("gen_ai.operation.name", "chat")
            span.add_event("gen_ai.system.message", {"content": "be brief"})
            span.add_event("gen_ai.user.message", {"body": json.dumps({"content": "weather?"})})
            span.add_event("gen_ai.tool.message", {"content": "sunny", "id": "call_1"})
            span.add_event(
                "gen_ai.choice",
                {"index": 0, "finish_reason": "stop", "message": json.dumps({"content": "Sunny."})},
            )

    # When mapped
    span = _one(build)

    # Then
    assert span["span_type"] == "model"
    assert json.loads(span["input"]) == {
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "weather?"},
            {"role": "tool", "content": "sunny", "tool_call_id": "call_1"},
        ]
    }
    assert json.loads(span["output"]) == {
        "choices": [{"finish_reason": "stop", "index": 0, "message": {"role": "assistant", "content": "Sunny."}}]
    }
    assert _all_tag_keys(span) == set()


def test_gen_ai_operations_map_to_span_types() -> None:
    # Given one span per operation, and one with an operation we do not know
    operations = {
        "execute_tool": "tool",
        "embeddings": "embedding",
        "invoke_agent": "agent",
        "text_completion": "model",
    }

    def build(tracer: Tracer) -> None:
        for operation in [*operations, "summon_wizard"]:
            with tracer.start_as_current_span(operation) as span:
                span.set_attribute("gen_ai.operation.name", operation)

    # When mapped
    mapped = {span["span_name"]: span for span in _map(_protobuf(_record(build)))}

    # Then known operations set the type; an unknown one stays custom and visible as a tag
    assert {name: mapped[name]["span_type"] for name in operations} == operations
    assert mapped["summon_wizard"]["span_type"] == "custom"
    assert mapped["summon_wizard"]["tags_string"] == {"gen_ai.operation.name": "summon_wizard"}


# ---------------------------------------------------------------------------------------------------------------------
# OpenInference


def test_openinference_flattened_attributes_with_tool_calls_parts_and_tools() -> None:
    # Given an OpenInference LLM span written by hand (the instrumentor test below covers what it really emits)
    tool = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}

    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("ChatCompletion") as span:
            span.set_attributes(
                {
                    "openinference.span.kind": "LLM",
                    "llm.provider": "openai",
                    "llm.model_name": "gpt-4o",
                    "llm.invocation_parameters": json.dumps(
                        {"model": "gpt-4o", "max_completion_tokens": 64, "stream": True}
                    ),
                    "llm.input_messages.0.message.role": "user",
                    "llm.input_messages.0.message.contents.0.message_content.type": "text",
                    "llm.input_messages.0.message.contents.0.message_content.text": "what time is it here?",
                    "llm.input_messages.0.message.contents.1.message_content.type": "image",
                    "llm.input_messages.0.message.contents.1.message_content.image.image.url": "https://x.test/clock.png",
                    "llm.output_messages.0.message.role": "assistant",
                    "llm.output_messages.0.message.tool_calls.0.tool_call.id": "call_2",
                    "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "get_time",
                    "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"tz": "CET"}',
                    "llm.finish_reason": "tool_calls",
                    "llm.tools.0.tool.json_schema": json.dumps(tool),
                    "llm.token_count.prompt": 30,
                    "llm.token_count.completion": 7,
                    "llm.token_count.prompt_details.cache_read": 8,
                    "llm.token_count.completion_details.reasoning": 2,
                    "input.value": '{"raw": "request"}',
                    "input.mime_type": "application/json",
                    "session.id": "s-1",
                    "user.id": "u-1",
                    "metadata": '{"team": "a"}',
                }
            )

    # When mapped
    span = _one(build)

    # Then messages win over input.value for a model span, and every consumed attribute stays out of the tags
    assert span["span_type"] == "model"
    assert json.loads(span["input"]) == {
        "messages": [
            {
                "role": "user",
                "parts": [
                    {"type": "text", "text": "what time is it here?"},
                    {"type": "image_url", "image_url": {"url": "https://x.test/clock.png"}},
                ],
            }
        ],
        "tools": [tool],
    }
    assert json.loads(span["output"]) == {
        "choices": [
            {
                "finish_reason": "tool_calls",
                "index": 0,
                "message": {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "call_2",
                            "type": "function",
                            "function": {"name": "get_time", "arguments": '{"tz": "CET"}'},
                        }
                    ],
                },
            }
        ]
    }
    assert span["tags_string"] == {
        "model_name": "gpt-4o",
        "model_provider": "openai",
        "user_id": "u-1",
        "thread_id": "s-1",
        "call_options": '{"max_tokens":64}',
        "metadata": '{"team": "a"}',
    }
    assert span["tags_long"] == {
        "input_tokens": 30,
        "output_tokens": 7,
        "tokens": 37,
        "input_cached_tokens": 8,
        "reasoning_tokens": 2,
    }
    assert span["tags_bool"] == {"stream": True}
    assert json.loads(span["system_tags_string"]["runtime"])["library"] == "openinference"


def test_openinference_kinds_map_to_span_types_and_non_model_spans_keep_input_value() -> None:
    kinds = {"TOOL": "tool", "CHAIN": "chain", "RETRIEVER": "retriever", "AGENT": "agent", "EMBEDDING": "embedding"}

    def build(tracer: Tracer) -> None:
        for kind in kinds:
            with tracer.start_as_current_span(kind) as span:
                span.set_attributes(
                    {"openinference.span.kind": kind, "input.value": f"in {kind}", "output.value": "out"}
                )

    mapped = {span["span_name"]: span for span in _map(_protobuf(_record(build)))}

    assert {kind: mapped[kind]["span_type"] for kind in kinds} == kinds
    assert (mapped["TOOL"]["input"], mapped["TOOL"]["output"]) == ("in TOOL", "out")
    assert all(_all_tag_keys(span) == set() for span in mapped.values())


@pytest.fixture
def instrumented_openai() -> Iterator[tuple[openai.OpenAI, InMemorySpanExporter, list[httpx.Request]]]:
    """A real OpenAI client, instrumented by the real OpenInference instrumentor, whose HTTP answers are canned."""
    completion = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Sunny, 21°C in Paris."}}
        ],
        "usage": {"prompt_tokens": 30, "completion_tokens": 9, "total_tokens": 39},
    }
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=completion)

    provider, exporter = _provider()
    instrumentor = OpenAIInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    http_client = httpx.Client(transport=httpx.MockTransport(answer))
    try:
        yield (
            openai.OpenAI(api_key="sk-test", base_url="http://openai.invalid/v1", http_client=http_client),
            exporter,
            requests,
        )
    finally:
        instrumentor.uninstrument()
        http_client.close()


def test_openinference_openai_instrumentor_spans_map_to_a_model_span(
    instrumented_openai: tuple[openai.OpenAI, InMemorySpanExporter, list[httpx.Request]],
) -> None:
    # Given a real chat call with a tool round trip in its history
    client, exporter, requests = instrumented_openai
    client.chat.completions.create(
        model="gpt-4o-mini",
        temperature=0.2,
        messages=[
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "weather in Paris?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny, 21"},
        ],
    )
    assert len(requests) == 1  # answered by the canned transport, not the network

    # When the instrumentor's spans are exported and mapped
    (span,) = _map(_protobuf(list(exporter.get_finished_spans())))

    # Then
    assert span["span_type"] == "model"
    assert json.loads(span["input"])["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "weather in Paris?"},
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "content": "sunny, 21", "tool_call_id": "call_1"},
    ]
    assert json.loads(span["output"]) == {
        "choices": [
            {"finish_reason": "stop", "index": 0, "message": {"role": "assistant", "content": "Sunny, 21°C in Paris."}}
        ]
    }
    assert span["tags_string"]["model_name"] == "gpt-4o-mini-2024-07-18"
    assert span["tags_string"]["model_provider"] == "openai"
    assert json.loads(span["tags_string"]["call_options"]) == {"temperature": 0.2}
    assert span["tags_long"] == {"input_tokens": 30, "output_tokens": 9, "tokens": 39}
    assert not any(key.startswith(("llm.", "input.", "output.")) for key in _all_tag_keys(span))


# ---------------------------------------------------------------------------------------------------------------------
# cozeloop.* attributes, custom tags, workspace


def test_cozeloop_attributes_and_typed_custom_tags() -> None:
    # Given a span using cozeloop.* attributes next to ordinary ones, and a resource with extra attributes
    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("lookup") as span:
            span.set_attributes(
                {
                    "cozeloop.span_type": "tool",
                    "cozeloop.input": "plain input",
                    "cozeloop.output": "plain output",
                    "input.value": "loses to cozeloop.input",
                    "cozeloop.log_id": "log-123",
                    "cozeloop.user_id": "user-1",
                    "user.id": "loses to cozeloop.user_id",
                    "cozeloop.thread_id": "thread-1",
                    "cozeloop.message_id": "msg-1",
                    "cozeloop.prompt_key": "demo.normal",
                    "cozeloop.prompt_version": "0.0.3",
                    "cozeloop.tenant": "acme",
                    "cozeloop.retries": 2,
                    "biz_str": "v",
                    "biz_int": 42,
                    "biz_float": 1.25,
                    "biz_bool": True,
                    "biz_list": [1, 2],
                }
            )

    # When mapped
    span = _one(build, **{"deployment.environment": "staging", "cozeloop.tenant": "resource-level"})

    # Then
    assert (span["span_type"], span["input"], span["output"], span["log_id"]) == (
        "tool",
        "plain input",
        "plain output",
        "log-123",
    )
    assert span["tags_string"] == {
        "user_id": "user-1",
        "thread_id": "thread-1",
        "message_id": "msg-1",
        "prompt_key": "demo.normal",
        "prompt_version": "0.0.3",
        "tenant": "acme",
        "biz_str": "v",
        "biz_list": "[1, 2]",
    }
    assert span["tags_long"] == {"retries": 2, "biz_int": 42}
    assert span["tags_double"] == {"biz_float": 1.25}
    assert span["tags_bool"] == {"biz_bool": True}


def test_workspace_comes_from_the_header_then_the_span_then_the_resource() -> None:
    # Given spans from a resource that names a workspace (as an int), one of them naming its own
    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("own") as span:
            span.set_attribute("cozeloop.workspace_id", "222")
        tracer.start_span("inherited").end()

    body = _protobuf(_record(build, **{"cozeloop.workspace_id": 111}))

    # When mapped with and without the header
    without_header = {span["span_name"]: span for span in _map(body, workspace=None)}
    with_header = _map(body, workspace="333")

    # Then
    assert (without_header["own"]["workspace_id"], without_header["inherited"]["workspace_id"]) == ("222", "111")
    assert {span["workspace_id"] for span in with_header} == {"333"}
    assert all(_all_tag_keys(span) == set() for span in with_header)


def test_a_span_without_any_workspace_is_a_problem_line() -> None:
    # Given spans with no workspace anywhere
    body = _protobuf(_record(_two_spans("first", "orphan")))

    # When mapped without the header
    spans, problems = otlp_to_upload_spans(decode_export_request(body, PROTOBUF, None), header_workspace_id=None)

    # Then every span is left out, each with a line that says what to send
    assert spans == []
    assert problems == [
        "span 0 (name 'first'): no workspace: send header cozeloop-workspace-id or attribute cozeloop.workspace_id",
        "span 1 (name 'orphan'): no workspace: send header cozeloop-workspace-id or attribute cozeloop.workspace_id",
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Encodings


def _sample_spans() -> list[ReadableSpan]:
    def build(tracer: Tracer) -> None:
        with tracer.start_as_current_span("root") as root:
            root.set_attributes({"biz_int": 42, "biz_float": 1.5, "biz_bool": False, "biz_list": ["a", "b"]})
            with tracer.start_as_current_span("child") as child:
                child.set_status(Status(StatusCode.ERROR, "boom"))
                child.add_event("exception", {"exception.type": "ValueError", "exception.message": "boom"})

    return _record(build)


def test_gzip_and_deflate_bodies_decode_like_plain_ones() -> None:
    # Given one export, plain and compressed three ways
    body = _protobuf(_sample_spans())
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    compressed = {
        "gzip": gzip.compress(body),
        "deflate": zlib.compress(body),
        "Deflate": raw_deflate.compress(body) + raw_deflate.flush(),  # raw deflate, as some clients send it
    }

    # When decoded / Then every variant equals the plain decoding
    plain = decode_export_request(body, PROTOBUF, None)
    for encoding, data in compressed.items():
        assert decode_export_request(data, PROTOBUF, encoding) == plain, encoding
    assert decode_export_request(body, PROTOBUF, "identity") == plain


def _base64_ids_to_hex(request: dict[str, Any]) -> dict[str, Any]:
    converted = copy.deepcopy(request)
    for resource_spans in converted["resourceSpans"]:
        for scope_spans in resource_spans["scopeSpans"]:
            for span in scope_spans["spans"]:
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = base64.b64decode(span[key]).hex()
    return converted


def test_json_bodies_with_hex_or_base64_ids_map_like_protobuf() -> None:
    # Given one export as protobuf, as OTLP/JSON (hex ids, int enums), and as protobuf's own JSON mapping (base64 ids)
    spans = _sample_spans()
    message = encode_spans(spans)
    as_protobuf = message.SerializeToString()
    as_base64_json = json.dumps(MessageToDict(message)).encode()
    as_hex_json = json.dumps(_base64_ids_to_hex(MessageToDict(message, use_integers_for_enums=True))).encode()

    # When mapped
    from_protobuf = _map(as_protobuf)
    from_hex_json = _map(as_hex_json, content_type="application/json; charset=utf-8")
    from_base64_json = _map(as_base64_json, content_type=JSON)

    # Then all three agree, ids are hex, and int64 attributes (strings in JSON) are still longs
    assert from_hex_json == from_protobuf
    assert from_base64_json == from_protobuf
    root = next(span for span in from_protobuf if span["span_name"] == "root")
    child = next(span for span in from_protobuf if span["span_name"] == "child")
    assert root["trace_id"] == format(spans[0].get_span_context().trace_id, "032x")
    assert child["parent_id"] == root["span_id"]
    assert root["tags_long"] == {"biz_int": 42}
    assert root["tags_double"] == {"biz_float": 1.5}
    assert root["tags_bool"] == {"biz_bool": False}
    assert root["tags_string"] == {"biz_list": '["a", "b"]'}
    assert (child["status_code"], child["tags_string"]) == (-1, {"error": "boom"})


def test_decode_returns_hex_ids_and_an_empty_request_is_empty() -> None:
    request = decode_export_request(_protobuf(_sample_spans()), PROTOBUF, None)
    span = request["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    assert len(span["traceId"]) == 32 and span["traceId"] == span["traceId"].lower()
    assert decode_export_request(b"", PROTOBUF, None) == {"resourceSpans": []}
    assert decode_export_request(b"{}", JSON, None) == {"resourceSpans": []}
    assert otlp_to_upload_spans({"resourceSpans": []}, header_workspace_id=WORKSPACE) == ([], [])


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "message"),
    [
        (b"not gzip at all", PROTOBUF, "gzip", "not valid gzip data"),
        (gzip.compress(b"x" * 1000)[:-12], PROTOBUF, "gzip", "not valid gzip data"),
        (b"\x00\x01 not protobuf", PROTOBUF, None, "not a protobuf ExportTraceServiceRequest"),
        (b'{"resourceSpans": []}', PROTOBUF, None, f"for OTLP/JSON send Content-Type {JSON}"),
        (b"{not json", JSON, None, "not valid JSON"),
        (b"\xff\xfe\xfa", JSON, None, "not valid JSON"),
        (b"[]", JSON, None, "an object with 'resourceSpans'"),
        (b'{"spans": []}', JSON, None, "/v1/loop/traces/ingest"),
        (b'{"resourceSpans": {}}', JSON, None, "resourceSpans must be a list of objects"),
        (
            b'{"resourceSpans": [{"scopeSpans": [{"spans": "x"}]}]}',
            JSON,
            None,
            r"scopeSpans\[0\]\.spans must be a list",
        ),
        (b"{}", "text/plain", None, f"send OTLP traces as {PROTOBUF} or {JSON}"),
        (b"{}", None, None, f"send OTLP traces as {PROTOBUF} or {JSON}"),
        (b"{}", JSON, "br", "unsupported Content-Encoding 'br'"),
    ],
)
def test_bad_requests_raise_invalid_input_saying_what_to_do(
    body: bytes, content_type: str | None, encoding: str | None, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        decode_export_request(body, content_type, encoding)


def test_a_decompression_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wire, "MAX_DECODED_BYTES", 1024)
    with pytest.raises(PayloadTooLarge, match="decompressed body exceeds"):
        decode_export_request(gzip.compress(b"\x00" * 4096), PROTOBUF, "gzip")


# ---------------------------------------------------------------------------------------------------------------------
# Response


def test_protobuf_response_round_trips() -> None:
    # Success: an empty ExportTraceServiceResponse
    body, content_type = encode_export_response(PROTOBUF, rejected_spans=0, error_message="")
    assert content_type == PROTOBUF
    assert not ExportTraceServiceResponse.FromString(body).HasField("partial_success")

    # Partial success
    body, _ = encode_export_response(f"{PROTOBUF}; proto=x", rejected_spans=2, error_message="span 1: no spanId")
    parsed = ExportTraceServiceResponse.FromString(body)
    assert (parsed.partial_success.rejected_spans, parsed.partial_success.error_message) == (2, "span 1: no spanId")


def test_json_response_round_trips() -> None:
    body, content_type = encode_export_response(JSON, rejected_spans=0, error_message="")
    assert (content_type, json.loads(body)) == (JSON, {})

    body, content_type = encode_export_response(JSON, rejected_spans=3, error_message="bad spans")
    parsed = Parse(body.decode(), ExportTraceServiceResponse())
    assert content_type == JSON
    assert (parsed.partial_success.rejected_spans, parsed.partial_success.error_message) == (3, "bad spans")


# ---------------------------------------------------------------------------------------------------------------------
# Fit with the rest of ingest


def test_mapped_spans_pass_the_shared_normaliser() -> None:
    # Given spans mapped from a real export
    spans = _map(_protobuf(_sample_spans()))

    # When normalised like every other ingest path
    batch = normalize_batch(spans, now_us=time.time_ns() // 1000)

    # Then none is rejected
    assert batch.problems == []
    assert batch.accepted == len(spans) == 2


def test_importing_and_decoding_json_do_not_load_protobuf() -> None:
    # The ingest function imports this module for JSON-only clients too; protobuf is imported only when needed.
    code = (
        "import sys\n"
        "from shared.traces.otlp import decode_export_request, encode_export_response\n"
        "decode_export_request(b'{}', 'application/json', None)\n"
        "encode_export_response('application/json', rejected_spans=1, error_message='x')\n"
        "assert 'google.protobuf' not in sys.modules, 'protobuf was imported'\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})


def test_an_error_false_attribute_does_not_fail_the_span() -> None:
    span = _one(lambda tracer: tracer.start_span("ok", attributes={"error": False}).end())
    assert span["status_code"] == 0
    assert span["tags_bool"] == {"error": False}


def test_a_non_ascii_digit_in_a_flattened_key_is_an_ordinary_tag() -> None:
    attributes = {"gen_ai.prompt.\u00b2.role": "user", "gen_ai.request.model": "m"}
    span = _one(lambda tracer: tracer.start_span("llm", attributes=attributes).end())
    assert span["span_type"] == "model"
