"""The litellm provider: the pure argument mapping, and real `litellm.completion` calls answered by its mocks.

No network and no API keys: litellm's `mock_response` / `mock_tool_calls` short-circuit the HTTP call. The
litellm import takes seconds, so it happens once per module (the `litellm` fixture).
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from shared.errors import InvalidInput, RateLimited, UpstreamError
from shared.llm.catalog import ModelEntry
from shared.llm.litellm_provider import (
    LiteLLMProvider,
    _litellm,
    call_cost,
    collect_stream,
    litellm_arguments,
    map_error,
)
from shared.llm.providers import ModelCall
from shared.llm.types import (
    CallOptions,
    ChatChunk,
    ChatMessage,
    ContentPart,
    FunctionCall,
    ImageURL,
    Role,
    TokenUsage,
    Tool,
    ToolCall,
)

# litellm's own pydantic models warn about TypedDict ReadOnly items when first built; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:Item .* is using the `ReadOnly` qualifier:UserWarning")

WEATHER = Tool(
    name="get_weather",
    desc="The weather in a city",
    definition=json.dumps({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
)


def entry(protocol: str, model: str = "m-1", **config: Any) -> ModelEntry:
    return ModelEntry.model_validate(
        {"id": 1, "name": "test-model", "protocol": protocol, "protocol_config": {"model": model, **config}}
    )


def call(model: ModelEntry, *messages: ChatMessage, **kwargs: Any) -> ModelCall:
    return ModelCall(model=model, messages=list(messages) or [ChatMessage(role=Role.USER, content="hi")], **kwargs)


def user(text: str) -> ChatMessage:
    return ChatMessage(role=Role.USER, content=text)


# --- mapping (no litellm import) ----------------------------------------------------------------------------


def test_openai_maps_model_key_timeout_and_options() -> None:
    options = CallOptions(temperature=0.2, max_tokens=64, top_p=0.9, top_k=5, stop=["\n"], extra_params={"seed": 7})
    arguments = litellm_arguments(
        call(entry("openai", "gpt-4o-mini", timeout_ms=2500), options=options, api_key="sk-test")
    )
    assert arguments["model"] == "openai/gpt-4o-mini"
    assert arguments["api_key"] == "sk-test"
    assert arguments["timeout"] == 2.5
    assert arguments["messages"] == [{"role": "user", "content": "hi"}]
    sampling = {key: arguments[key] for key in ("temperature", "max_tokens", "top_p", "top_k")}
    assert sampling == {"temperature": 0.2, "max_tokens": 64, "top_p": 0.9, "top_k": 5}
    assert arguments["stop"] == ["\n"]
    assert arguments["seed"] == 7
    assert arguments["drop_params"] is True
    assert "presence_penalty" not in arguments and "stream" not in arguments


def test_azure() -> None:
    model = entry(
        "openai",
        "gpt-4o",
        base_url="https://x.openai.azure.com",
        protocol_config_openai={"by_azure": True, "api_version": "2024-06-01"},
    )
    arguments = litellm_arguments(call(model))
    assert arguments["model"] == "azure/gpt-4o"
    assert arguments["api_base"] == "https://x.openai.azure.com"
    assert arguments["api_version"] == "2024-06-01"


def test_claude_direct_and_bedrock() -> None:
    assert litellm_arguments(call(entry("claude", "claude-3-5-sonnet")))["model"] == "anthropic/claude-3-5-sonnet"
    bedrock = entry(
        "claude",
        "anthropic.claude-3-haiku",
        protocol_config_claude={
            "by_bedrock": True,
            "access_key": "AK",
            "secret_access_key": "SK",
            "region": "us-east-1",
        },
    )
    arguments = litellm_arguments(call(bedrock))
    assert arguments["model"] == "bedrock/anthropic.claude-3-haiku"
    assert arguments["aws_access_key_id"] == "AK"
    assert arguments["aws_secret_access_key"] == "SK"
    assert arguments["aws_region_name"] == "us-east-1"
    assert "aws_session_token" not in arguments


def test_ollama_default_base_and_keep_alive() -> None:
    arguments = litellm_arguments(call(entry("ollama", "llama3", protocol_config_ollama={"keep_alive_ms": 60000})))
    assert arguments["model"] == "ollama_chat/llama3"
    assert arguments["api_base"] == "http://127.0.0.1:11434"
    assert arguments["keep_alive"] == "60000ms"
    assert (
        litellm_arguments(call(entry("ollama", "llama3", base_url="http://box:11434")))["api_base"]
        == "http://box:11434"
    )


def test_qianfan_default_base() -> None:
    arguments = litellm_arguments(call(entry("qianfan", "ernie-4.0-8k"), api_key="bce-v3/x"))
    assert arguments["model"] == "openai/ernie-4.0-8k"
    assert arguments["api_base"] == "https://qianfan.baidubce.com/v2"


def test_ark_arkbot_deepseek_gemini_qwen() -> None:
    ark = litellm_arguments(call(entry("ark", "ep-123", protocol_config_ark={"custom_headers": {"X-A": "1"}})))
    assert ark["model"] == "volcengine/ep-123"
    assert ark["api_base"] == "https://ark.cn-beijing.volces.com/api/v3"
    assert ark["extra_headers"] == {"X-A": "1"}
    arkbot = litellm_arguments(call(entry("arkbot", "bot-1", base_url="https://ark.example/api/v3/bots")))
    assert (arkbot["model"], arkbot["api_base"]) == ("volcengine/bot-1", "https://ark.example/api/v3/bots")
    assert litellm_arguments(call(entry("deepseek", "deepseek-chat")))["model"] == "deepseek/deepseek-chat"
    assert litellm_arguments(call(entry("gemini", "gemini-2.0-flash")))["model"] == "gemini/gemini-2.0-flash"
    qwen = litellm_arguments(call(entry("qwen", "qwen-plus", base_url="https://dash.example/v1")))
    assert (qwen["model"], qwen["api_base"]) == ("dashscope/qwen-plus", "https://dash.example/v1")
    assert "api_base" not in litellm_arguments(call(entry("qwen", "qwen-plus")))


def test_fake_protocol_is_refused() -> None:
    with pytest.raises(ValueError, match="fake"):
        litellm_arguments(call(entry("fake")))
    with pytest.raises(ValueError, match="fake"):
        LiteLLMProvider().stream(call(entry("fake")))


def test_json_mode_sets_response_format() -> None:
    arguments = litellm_arguments(call(entry("openai"), options=CallOptions(json_mode=True)))
    assert arguments["response_format"] == {"type": "json_object"}
    configured = entry(
        "qwen",
        protocol_config_qwen={"response_format_type": "json_schema", "response_format_json_schema": '{"name": "x"}'},
    )
    assert litellm_arguments(call(configured))["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "x"},
    }


def test_tools_shape_and_tool_choice() -> None:
    arguments = litellm_arguments(call(entry("openai"), tools=[WEATHER], options=CallOptions(tool_choice="required")))
    assert arguments["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "The weather in a city",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
            },
        }
    ]
    assert arguments["tool_choice"] == "required"
    with pytest.raises(InvalidInput, match="get_weather"):
        litellm_arguments(call(entry("openai"), tools=[Tool(name="get_weather", definition="{not json")]))


def test_multimodal_message_parts() -> None:
    message = ChatMessage(
        role=Role.USER,
        multimodal_contents=[
            ContentPart(type="text", text="what is this?"),
            ContentPart(type="image_url", image_url=ImageURL(url="https://img.example/a.png", detail="low")),
        ],
    )
    assert litellm_arguments(call(entry("openai"), message))["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "what is this?"},
                {"type": "image_url", "image_url": {"url": "https://img.example/a.png", "detail": "low"}},
            ],
        }
    ]


def test_assistant_tool_calls_and_tool_message() -> None:
    asked = ChatMessage(
        role=Role.ASSISTANT,
        tool_calls=[
            ToolCall(id="call_1", function_call=FunctionCall(name="get_weather", arguments='{"city":"Paris"}'))
        ],
    )
    answered = ChatMessage(role=Role.TOOL, content="sunny", tool_call_id="call_1")
    messages = litellm_arguments(call(entry("openai"), user("weather?"), asked, answered))["messages"]
    assert messages[1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}
        ],
    }
    assert messages[2] == {"role": "tool", "content": "sunny", "tool_call_id": "call_1"}


def test_streaming_arguments_ask_for_usage() -> None:
    arguments = litellm_arguments(call(entry("openai")), stream=True)
    assert arguments["stream"] is True
    assert arguments["stream_options"] == {"include_usage": True}


def test_stream_fragments_are_joined_by_index() -> None:
    def fragment(index: int, id_: str | None, name: str | None, arguments: str) -> Any:
        return SimpleNamespace(index=index, id=id_, function=SimpleNamespace(name=name, arguments=arguments))

    def chunk(*, content: str | None = None, tools: list[Any] | None = None, finish: str | None = None) -> Any:
        delta = SimpleNamespace(content=content, reasoning_content=None, tool_calls=tools)
        return SimpleNamespace(choices=[SimpleNamespace(index=0, delta=delta, finish_reason=finish)], usage=None)

    chunks = [
        chunk(content="Let me check."),
        chunk(tools=[fragment(0, "call_a", "get_weather", '{"ci')]),
        chunk(tools=[fragment(1, "call_b", "get_time", "{}")]),
        chunk(tools=[fragment(0, None, None, 'ty": "Paris"}')], finish="tool_calls"),
        SimpleNamespace(choices=[], usage=SimpleNamespace(prompt_tokens=5, completion_tokens=7, total_tokens=12)),
    ]
    out = list(collect_stream(chunks, {"model": "openai/x", "messages": []}))
    assert [c.content for c in out[:-1]] == ["Let me check."]
    last = out[-1]
    assert last.finish_reason == "tool_calls"
    assert last.usage == TokenUsage(prompt_tokens=5, completion_tokens=7, total_tokens=12)
    assert [(t.index, t.id, t.function_call.name, t.function_call.arguments) for t in last.tool_calls or []] == [
        (0, "call_a", "get_weather", '{"city": "Paris"}'),
        (1, "call_b", "get_time", "{}"),
    ]


def test_importing_the_module_does_not_import_litellm() -> None:
    code = "import sys, shared.llm.litellm_provider; print('litellm' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "False"


# --- real litellm calls, answered by litellm's mocks --------------------------------------------------------


@pytest.fixture(scope="module")
def litellm() -> Any:
    return _litellm()


def test_complete_returns_text_and_usage(litellm: Any) -> None:
    provider = LiteLLMProvider({"mock_response": "Paris is sunny."})
    result = provider.complete(call(entry("openai", "gpt-4o-mini"), api_key="sk-test"))
    assert result.message.role == Role.ASSISTANT
    assert result.message.content == "Paris is sunny."
    assert result.finish_reason == "stop"
    assert result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0
    assert result.usage.total_tokens == result.usage.prompt_tokens + result.usage.completion_tokens


def test_stream_yields_deltas_then_a_final_chunk(litellm: Any) -> None:
    provider = LiteLLMProvider({"mock_response": "the weather in Paris is sunny today"})
    chunks = list(provider.stream(call(entry("deepseek", "deepseek-chat"), api_key="sk-test")))
    content = [chunk for chunk in chunks if chunk.content]
    assert len(content) > 1
    assert "".join(chunk.content for chunk in chunks) == "the weather in Paris is sunny today"
    last = chunks[-1]
    assert last.finish_reason == "stop"
    assert last.usage is not None and last.usage.total_tokens > 0
    assert all(chunk.finish_reason is None for chunk in chunks[:-1])


def test_tool_calls_round_trip(litellm: Any) -> None:
    mock_call = {
        "id": "call_9",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
    }
    provider = LiteLLMProvider({"mock_response": "", "mock_tool_calls": [mock_call]})
    result = provider.complete(call(entry("openai", "gpt-4o-mini"), user("weather?"), tools=[WEATHER], api_key="k"))
    assert result.message.tool_calls == [
        ToolCall(index=0, id="call_9", function_call=FunctionCall(name="get_weather", arguments='{"city": "Paris"}'))
    ]
    # The call goes back as the assistant turn, with its result, and litellm accepts the conversation.
    follow_up = call(
        entry("openai", "gpt-4o-mini"),
        user("weather?"),
        result.message,
        ChatMessage(role=Role.TOOL, content="sunny", tool_call_id="call_9"),
        tools=[WEATHER],
        api_key="k",
    )
    assert LiteLLMProvider({"mock_response": "It is sunny."}).complete(follow_up).message.content == "It is sunny."


def test_streamed_tool_calls_arrive_whole_in_the_last_chunk(litellm: Any) -> None:
    response = litellm.ModelResponse(
        choices=[
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
                    ],
                },
            }
        ]
    )
    chunks = list(LiteLLMProvider({"mock_response": response}).stream(call(entry("openai"), api_key="k")))
    last = chunks[-1]
    assert last.finish_reason == "tool_calls"
    assert [(t.id, t.function_call.name) for t in last.tool_calls or []] == [("call_1", "get_weather")]


def test_rate_limit_maps_to_rate_limited(litellm: Any) -> None:
    provider = LiteLLMProvider({"mock_response": "litellm.RateLimitError"})
    with pytest.raises(RateLimited, match="test-model"):
        provider.complete(call(entry("openai"), api_key="k"))
    with pytest.raises(RateLimited, match="test-model"):
        list(provider.stream(call(entry("openai"), api_key="k")))


def test_context_window_maps_to_invalid_input(litellm: Any) -> None:
    provider = LiteLLMProvider({"mock_response": "litellm.ContextWindowExceededError"})
    with pytest.raises(InvalidInput, match="context window"):
        provider.complete(call(entry("openai"), api_key="k"))


def test_error_mid_stream_is_mapped(litellm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_stream(**_: Any) -> Iterator[Any]:
        delta = SimpleNamespace(content="partial", reasoning_content=None, tool_calls=None)
        yield SimpleNamespace(choices=[SimpleNamespace(index=0, delta=delta, finish_reason=None)], usage=None)
        raise litellm.RateLimitError(message="slow down", llm_provider="openai", model="gpt-4o-mini")

    monkeypatch.setattr(litellm, "completion", broken_stream)
    chunks: list[ChatChunk] = []
    with pytest.raises(RateLimited, match="test-model"):
        for chunk in LiteLLMProvider().stream(call(entry("openai"), api_key="k")):
            chunks.append(chunk)
    assert [chunk.content for chunk in chunks] == ["partial"]


def test_litellm_mid_stream_mock_error_is_upstream(litellm: Any) -> None:
    provider = LiteLLMProvider({"mock_response": "Exception: mock_streaming_error"})
    with pytest.raises(UpstreamError, match="test-model"):
        list(provider.stream(call(entry("openai"), api_key="k")))


def test_error_mapping_hides_the_key(litellm: Any) -> None:
    auth = litellm.AuthenticationError(message="bad key sk-secret", llm_provider="openai", model="gpt-4o")
    mapped = map_error(auth, "gpt-4o", "sk-secret")
    assert isinstance(mapped, UpstreamError)
    assert mapped.message == "model gpt-4o rejected the API key; check its api_key in model_config.yaml"
    bad = map_error(
        litellm.BadRequestError(message="nope sk-secret", llm_provider="openai", model="m"), "m", "sk-secret"
    )
    assert isinstance(bad, InvalidInput) and "sk-secret" not in bad.message and "nope" in bad.message
    timeout = map_error(litellm.Timeout(message="slow", llm_provider="openai", model="m"), "m")
    assert isinstance(timeout, UpstreamError) and "timed out" in timeout.message
    assert isinstance(map_error(RuntimeError("boom"), "m"), UpstreamError)


def test_cost(litellm: Any) -> None:
    usage = TokenUsage(prompt_tokens=1000, completion_tokens=1000, total_tokens=2000)
    cost = call_cost("openai/gpt-4o-mini", usage)
    assert cost is not None and cost > 0
    assert call_cost("no-such-provider/no-such-model", usage) is None
    assert call_cost("nonexistent-model-xyz", usage) is None
