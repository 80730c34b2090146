"""The built-in fake model answers deterministically: text, streaming, tools, JSON mode, usage and errors."""

import json

import pytest

from shared.errors import UpstreamError
from shared.llm.catalog import ModelEntry, Protocol
from shared.llm.fake import FakeProvider
from shared.llm.providers import ModelCall
from shared.llm.types import CallOptions, ChatMessage, Role, Tool

MODEL = ModelEntry(id=1, name="fake", protocol=Protocol.FAKE)
WEATHER = Tool(
    name="get_weather",
    desc="weather by city",
    definition=json.dumps({"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}}),
)


def ask(text: str, **options: object) -> ModelCall:
    tools = options.pop("tools", [])
    return ModelCall(MODEL, [ChatMessage(role=Role.USER, content=text)], tools, CallOptions(**options))  # type: ignore[arg-type]


def test_it_echoes_the_last_user_message_with_word_counts_as_usage() -> None:
    result = FakeProvider().complete(ask("hello there world"))
    assert result.message.content == "Echo: hello there world"
    assert result.finish_reason == "stop"
    assert (result.usage.prompt_tokens, result.usage.completion_tokens, result.usage.total_tokens) == (3, 4, 7)
    assert FakeProvider().complete(ask("hello there world")) == result


def test_streaming_sends_the_same_text_word_by_word_then_usage() -> None:
    chunks = list(FakeProvider().stream(ask("one two three")))
    assert [chunk.content for chunk in chunks[:-1]] == ["Echo:", " one", " two", " three"]
    assert chunks[-1].finish_reason == "stop" and chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 4


def test_it_calls_a_named_tool_with_arguments_from_its_schema_then_reads_the_result() -> None:
    call = ask("use get_weather for Paris", tools=[WEATHER])
    result = FakeProvider().complete(call)
    assert result.finish_reason == "tool_calls" and result.message.tool_calls
    tool_call = result.message.tool_calls[0]
    assert tool_call.function_call.name == "get_weather"
    assert json.loads(tool_call.function_call.arguments) == {"city": "example", "days": 1}

    follow_up = ModelCall(
        MODEL,
        [*call.messages, result.message, ChatMessage(role=Role.TOOL, tool_call_id=tool_call.id, content="sunny")],
        [WEATHER],
    )
    assert FakeProvider().complete(follow_up).message.content == "Tool get_weather returned: sunny"


def test_tool_choice_decides_whether_a_tool_is_called() -> None:
    assert FakeProvider().complete(ask("hi", tools=[WEATHER])).message.tool_calls is None
    assert FakeProvider().complete(ask("hi", tools=[WEATHER], tool_choice="required")).message.tool_calls
    assert FakeProvider().complete(ask("get_weather", tools=[WEATHER], tool_choice="none")).message.tool_calls is None


def test_json_mode_answers_a_json_object_and_max_tokens_cuts_the_text() -> None:
    assert json.loads(FakeProvider().complete(ask("hi", json_mode=True)).message.content or "") == {"echo": "hi"}
    assert FakeProvider().complete(ask("a b c d e", max_tokens=3)).message.content == "Echo: a b"


def test_the_fail_marker_fails_before_output_or_mid_stream() -> None:
    with pytest.raises(UpstreamError, match="asked to fail"):
        FakeProvider().complete(ask("please [fake-error]"))
    stream = FakeProvider().stream(ask("please [fake-error]"))
    assert next(stream).content == "Echo:"
    with pytest.raises(UpstreamError, match="mid-stream"):
        next(stream)
