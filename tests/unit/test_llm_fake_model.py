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


# --- judges: varied scores and text answers (for the LLM-judge evaluator) ---------------------------------------

JUDGE = Tool(
    name="eval",
    definition=json.dumps(
        {"type": "object", "properties": {"reason": {"type": "string"}, "score": {"type": "number"}}}
    ),
)


def judged(text: str, tool: Tool = JUDGE, *earlier: ChatMessage) -> dict[str, object]:
    call = ModelCall(
        MODEL, [*earlier, ChatMessage(role=Role.USER, content=text)], [tool], CallOptions(tool_choice="required")
    )
    tool_calls = FakeProvider().complete(call).message.tool_calls
    assert tool_calls is not None
    arguments: dict[str, object] = json.loads(tool_calls[0].function_call.arguments)
    return arguments


def test_a_score_marker_anywhere_sets_the_judges_score() -> None:
    assert judged("output: fine [fake-score=0.3]") == {
        "reason": "The fake model gave 0.3: the [fake-score] marker asked for it.",
        "score": 0.3,
    }
    system = ChatMessage(role=Role.SYSTEM, content="rules [fake-score=-2]")
    assert judged("no marker here", JUDGE, system)["score"] == -2.0


def test_without_a_marker_the_score_is_a_stable_hash_of_the_last_user_message() -> None:
    scores = [judged(f"answer {n}")["score"] for n in range(20)]
    assert set(scores) <= {0.0, 0.25, 0.5, 0.75, 1.0} and len(set(scores)) >= 3
    assert [judged(f"answer {n}")["score"] for n in range(20)] == scores
    assert "a stable hash of the last user message" in str(judged("answer 1")["reason"])


def test_an_enum_or_integer_score_stays_within_its_schema() -> None:
    enum = Tool(
        name="eval",
        definition=json.dumps({"type": "object", "properties": {"score": {"type": "number", "enum": [0, 1]}}}),
    )
    assert {judged(f"answer {n}", enum)["score"] for n in range(20)} == {0.0, 1.0}
    integer = Tool(
        name="grade", definition=json.dumps({"type": "object", "properties": {"score": {"type": "integer"}}})
    )
    assert judged("[fake-score=0.75]", integer) == {"score": 1}


def test_tools_without_a_numeric_score_keep_the_example_arguments() -> None:
    labelled = Tool(
        name="label", definition=json.dumps({"type": "object", "properties": {"score": {"type": "string"}}})
    )
    assert judged("[fake-score=0.3]", labelled) == {"score": "example"}
    assert judged("[fake-score=0.3]", WEATHER) == {"city": "example", "days": 1}


def test_the_text_marker_answers_in_text_instead_of_calling_the_tool() -> None:
    call = ask("judge this [fake-text] [fake-score=0.5]", tools=[JUDGE], tool_choice="required")
    result = FakeProvider().complete(call)
    assert result.message.tool_calls is None and result.finish_reason == "stop"
    assert result.message.content == (
        '```json\n{"reason": "The fake model gave 0.5: the [fake-score] marker asked for it.", "score": 0.5}\n```'
    )
    streamed = "".join(chunk.content for chunk in FakeProvider().stream(call))
    assert streamed == result.message.content

    replying = ModelEntry(
        id=2, name="fixed", protocol=Protocol.FAKE, protocol_config={"protocol_config_fake": {"reply": "No."}}
    )
    fixed = ModelCall(replying, call.messages, [JUDGE], CallOptions(tool_choice="required"))
    assert FakeProvider().complete(fixed).message.content == "No."
    # without tools the marker changes nothing
    assert FakeProvider().complete(ask("hi [fake-text]")).message.content == "Echo: hi [fake-text]"
