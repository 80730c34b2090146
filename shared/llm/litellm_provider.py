"""The real-model provider: every catalog protocol except `fake`, served through litellm's sync `completion()`.

- litellm is imported lazily (`_litellm()`): the import takes several seconds, so only functions that call a
  model pay for it. Before the first import LITELLM_LOCAL_MODEL_COST_MAP is set, or the import fetches the
  cost map over the network (and retries when offline).
- `litellm_arguments(call)` is the pure mapping from our catalog entry and call to litellm's keyword
  arguments; it is unit-testable without litellm.
- Streaming yields text and reasoning deltas as they arrive; tool-call fragments are put together by index and
  emitted whole in the last chunk, with finish_reason and usage. When the provider sends no usage, it is
  estimated with `litellm.token_counter` (tiktoken, bundled with litellm; no tokenizer download).
- litellm's exceptions become ours (RateLimited, InvalidInput, UpstreamError), mid-stream ones too. Messages
  name the model and never carry the API key.

litellm ships incomplete types, so its objects are `Any` at this boundary.
"""

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from shared.errors import InvalidInput, LoopError, RateLimited, UpstreamError
from shared.llm.catalog import ModelEntry, Protocol
from shared.llm.providers import ModelCall
from shared.llm.types import (
    ChatChunk,
    ChatMessage,
    ChatResult,
    FunctionCall,
    Role,
    TokenUsage,
    Tool,
    ToolCall,
)

OLLAMA_DEFAULT_BASE = "http://127.0.0.1:11434"
QIANFAN_DEFAULT_BASE = "https://qianfan.baidubce.com/v2"
ARK_DEFAULT_REGION = "cn-beijing"

# litellm's provider prefix per protocol; the Azure, Bedrock and Qianfan variants are chosen in `litellm_model`.
PREFIXES: dict[Protocol, str] = {
    Protocol.OPENAI: "openai",
    Protocol.DEEPSEEK: "deepseek",
    Protocol.ARK: "volcengine",
    Protocol.ARKBOT: "volcengine",
    Protocol.CLAUDE: "anthropic",
    Protocol.GEMINI: "gemini",
    Protocol.OLLAMA: "ollama_chat",
    Protocol.QWEN: "dashscope",
    Protocol.QIANFAN: "openai",  # Qianfan v2 is OpenAI-compatible
}


def _litellm() -> Any:  # the litellm module; its types are incomplete
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        import litellm
    except ImportError as error:  # a function deployed without the llm layer
        raise UpstreamError(
            "this deployment cannot call real model providers: litellm is not installed in this function; "
            "use the fake test model, or deploy with the llm layer"
        ) from error

    litellm.suppress_debug_info = True  # no "Give Feedback / Provider List" banners in our logs
    litellm.disable_hf_tokenizer_download = True  # token_counter stays offline (tiktoken)
    return litellm


# --- request mapping (pure) ---------------------------------------------------------------------------------


def litellm_model(entry: ModelEntry) -> str:
    """litellm's "<provider>/<model>" for a catalog entry; raises ValueError for the fake protocol."""
    if entry.protocol == Protocol.FAKE:
        raise ValueError(f"model {entry.name} uses the fake protocol, which the litellm provider does not serve")
    config = entry.protocol_config
    model = config.model or entry.name
    prefix = PREFIXES[entry.protocol]
    if entry.protocol == Protocol.OPENAI and config.protocol_config_openai and config.protocol_config_openai.by_azure:
        prefix = "azure"
    if entry.protocol == Protocol.CLAUDE and config.protocol_config_claude and config.protocol_config_claude.by_bedrock:
        prefix = "bedrock"
    return f"{prefix}/{model}"


def _part(part: Any) -> dict[str, Any]:
    if part.type == "text":
        return {"type": "text", "text": part.text or ""}
    media = part.image_url if part.type == "image_url" else part.video_url
    body: dict[str, Any] = {"url": media.url if media else ""}
    if media is not None and media.detail:
        body["detail"] = media.detail
    if media is not None and media.mime_type:
        body["format"] = media.mime_type  # litellm's field for the media type
    return {"type": part.type, part.type: body}


def to_openai_message(message: ChatMessage) -> dict[str, Any]:
    """Our message as an OpenAI chat message, which litellm converts for each provider."""
    result: dict[str, Any] = {"role": message.role.value}
    if message.multimodal_contents:
        parts = [_part(part) for part in message.multimodal_contents]
        if message.content:
            parts.insert(0, {"type": "text", "text": message.content})
        result["content"] = parts
    else:
        result["content"] = message.content if message.content is not None else ""
    if message.tool_calls:
        result["tool_calls"] = [
            {
                "id": tool_call.id,
                "type": "function",
                "function": {"name": tool_call.function_call.name, "arguments": tool_call.function_call.arguments},
            }
            for tool_call in message.tool_calls
        ]
        if not message.content and not message.multimodal_contents:
            result["content"] = None  # an assistant turn that only calls tools
    if message.role == Role.TOOL:
        result["tool_call_id"] = message.tool_call_id or ""
    return result


def to_openai_tool(tool: Tool) -> dict[str, Any]:
    try:
        parameters = json.loads(tool.definition or "{}")
    except json.JSONDecodeError as error:
        raise InvalidInput(f"tool {tool.name}: its definition is not valid JSON: {error}") from error
    if not isinstance(parameters, dict):
        raise InvalidInput(f"tool {tool.name}: its definition must be a JSON object (an OpenAPI v3 schema)")
    return {"type": "function", "function": {"name": tool.name, "description": tool.desc, "parameters": parameters}}


def _configured_response_format(kind: str | None, schema: str | None, model: str) -> dict[str, Any] | None:
    """A response format the catalog entry sets by default (protocol_config_<x>.response_format_*)."""
    if not kind or kind == "text":
        return None
    if kind == "json_schema" and schema:
        try:
            json_schema = json.loads(schema)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"model {model}: response_format_json_schema is not valid JSON: {error}") from error
        return {"type": "json_schema", "json_schema": json_schema}
    return {"type": kind}


def _protocol_arguments(entry: ModelEntry) -> dict[str, Any]:
    """api_base and the protocol block's settings, as litellm keyword arguments."""
    config = entry.protocol_config
    arguments: dict[str, Any] = {}
    if config.base_url:
        arguments["api_base"] = config.base_url
    response_format: dict[str, Any] | None = None
    match entry.protocol:
        case Protocol.OPENAI:
            openai = config.protocol_config_openai
            if openai is not None:
                if openai.by_azure and openai.api_version:
                    arguments["api_version"] = openai.api_version
                response_format = _configured_response_format(
                    openai.response_format_type, openai.response_format_json_schema, entry.name
                )
        case Protocol.ARK | Protocol.ARKBOT:
            ark = config.protocol_config_ark if entry.protocol == Protocol.ARK else config.protocol_config_arkbot
            if not config.base_url:
                region = (ark.region if ark else None) or ARK_DEFAULT_REGION
                bots = "/bots" if entry.protocol == Protocol.ARKBOT else ""
                arguments["api_base"] = f"https://ark.{region}.volces.com/api/v3{bots}"
            if ark is not None and ark.custom_headers:
                arguments["extra_headers"] = dict(ark.custom_headers)
            if ark is not None and ark.retry_times is not None:
                arguments["num_retries"] = ark.retry_times
        case Protocol.CLAUDE:
            claude = config.protocol_config_claude
            if claude is not None and claude.by_bedrock:
                bedrock = {
                    "aws_access_key_id": claude.access_key,
                    "aws_secret_access_key": claude.secret_access_key,
                    "aws_session_token": claude.session_token,
                    "aws_region_name": claude.region,
                }
                arguments.update({key: value for key, value in bedrock.items() if value})
        case Protocol.DEEPSEEK:
            deepseek = config.protocol_config_deepseek
            if deepseek is not None:
                response_format = _configured_response_format(deepseek.response_format_type, None, entry.name)
        case Protocol.OLLAMA:
            arguments["api_base"] = config.base_url or OLLAMA_DEFAULT_BASE
            ollama = config.protocol_config_ollama
            if ollama is not None and ollama.keep_alive_ms is not None:
                arguments["keep_alive"] = f"{ollama.keep_alive_ms}ms"  # a Go duration, as Ollama reads it
            if ollama is not None and ollama.format:
                arguments["format"] = ollama.format
        case Protocol.QWEN:
            qwen = config.protocol_config_qwen
            if qwen is not None:
                response_format = _configured_response_format(
                    qwen.response_format_type, qwen.response_format_json_schema, entry.name
                )
        case Protocol.QIANFAN:
            arguments["api_base"] = config.base_url or QIANFAN_DEFAULT_BASE
            qianfan = config.protocol_config_qianfan
            if qianfan is not None:
                if qianfan.parallel_tool_calls is not None:
                    arguments["parallel_tool_calls"] = qianfan.parallel_tool_calls
                if qianfan.llm_retry_count is not None:
                    arguments["num_retries"] = qianfan.llm_retry_count
                response_format = _configured_response_format(
                    qianfan.response_format_type, qianfan.response_format_json_schema, entry.name
                )
        case Protocol.GEMINI | Protocol.FAKE:
            pass
    if response_format is not None:
        arguments["response_format"] = response_format
    return arguments


def litellm_arguments(call: ModelCall, *, stream: bool = False) -> dict[str, Any]:
    """The keyword arguments for `litellm.completion` for one call. Raises ValueError for the fake protocol."""
    entry = call.model
    arguments: dict[str, Any] = {
        "model": litellm_model(entry),
        "messages": [to_openai_message(message) for message in call.messages],
        "drop_params": True,  # an option a provider does not take (top_k on OpenAI, say) is dropped, not refused
    }
    if call.api_key:
        arguments["api_key"] = call.api_key
    if entry.protocol_config.timeout_ms:
        arguments["timeout"] = entry.protocol_config.timeout_ms / 1000
    arguments.update(_protocol_arguments(entry))
    options = call.options
    sampling = {
        "temperature": options.temperature,
        "max_tokens": options.max_tokens,
        "top_p": options.top_p,
        "top_k": options.top_k,
        "stop": options.stop or None,
        "presence_penalty": options.presence_penalty,
        "frequency_penalty": options.frequency_penalty,
    }
    arguments.update({key: value for key, value in sampling.items() if value is not None})
    if call.tools:
        arguments["tools"] = [to_openai_tool(tool) for tool in call.tools]
        if options.tool_choice:
            arguments["tool_choice"] = options.tool_choice
    if options.json_mode:
        arguments["response_format"] = {"type": "json_object"}
    if stream:
        arguments["stream"] = True
        arguments["stream_options"] = {"include_usage": True}
    for key, value in options.extra_params.items():  # declared model parameters never override the call itself
        arguments.setdefault(key, value)
    return arguments


# --- results ------------------------------------------------------------------------------------------------


def _usage(usage: Any) -> TokenUsage:  # litellm.Usage
    prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
    completion = int(getattr(usage, "completion_tokens", 0) or 0)
    total = int(getattr(usage, "total_tokens", 0) or 0) or prompt + completion
    return TokenUsage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=total)


def _tool_calls(raw: Any) -> list[ToolCall] | None:  # litellm ChatCompletionMessageToolCall objects
    if not raw:
        return None
    calls = []
    for position, tool_call in enumerate(raw):
        function = tool_call.function
        calls.append(
            ToolCall(
                index=position,
                id=tool_call.id or f"call_{position}",
                function_call=FunctionCall(name=function.name or "", arguments=function.arguments or ""),
            )
        )
    return calls


def to_chat_result(response: Any) -> ChatResult:  # litellm.ModelResponse
    choice = response.choices[0]
    message = choice.message
    tool_calls = _tool_calls(getattr(message, "tool_calls", None))
    return ChatResult(
        message=ChatMessage(
            role=Role.ASSISTANT,
            content=message.content or "",
            reasoning_content=getattr(message, "reasoning_content", None) or None,
            tool_calls=tool_calls,
        ),
        finish_reason=choice.finish_reason,
        usage=_usage(getattr(response, "usage", None)),
    )


class _ToolCallParts:
    """Streamed tool-call fragments, put together by index."""

    def __init__(self) -> None:
        self._parts: dict[int, dict[str, str]] = {}

    def add(self, fragment: Any) -> None:  # litellm ChatCompletionDeltaToolCall
        index = fragment.index if getattr(fragment, "index", None) is not None else len(self._parts)
        part = self._parts.setdefault(index, {"id": "", "name": "", "arguments": ""})
        if getattr(fragment, "id", None):
            part["id"] = fragment.id
        function = getattr(fragment, "function", None)
        if function is not None:
            if getattr(function, "name", None):
                part["name"] = function.name
            if getattr(function, "arguments", None):
                part["arguments"] += function.arguments

    def whole(self) -> list[ToolCall] | None:
        if not self._parts:
            return None
        return [
            ToolCall(
                index=position,
                id=part["id"] or f"call_{position}",
                function_call=FunctionCall(name=part["name"], arguments=part["arguments"]),
            )
            for position, (_, part) in enumerate(sorted(self._parts.items()))
        ]


def _estimate_usage(arguments: Mapping[str, Any], text: str, tool_calls: list[ToolCall] | None) -> TokenUsage:
    """Token counts for a stream that carried none, with litellm's tokenizer (an estimate; zeros if it fails)."""
    litellm = _litellm()
    model = str(arguments["model"])
    completion_text = text + "".join(call.function_call.arguments for call in tool_calls or [])
    try:
        prompt = int(litellm.token_counter(model=model, messages=arguments["messages"]))
        completion = int(litellm.token_counter(model=model, text=completion_text)) if completion_text else 0
    except Exception:  # counting is best effort; a wrong count must not fail the call
        return TokenUsage()
    return TokenUsage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


# --- errors -------------------------------------------------------------------------------------------------


def _scrub(text: str, api_key: str | None) -> str:
    return text.replace(api_key, "***") if api_key else text


def map_error(error: Exception, model: str, api_key: str | None = None) -> LoopError:
    """One of our errors for an exception litellm raised while calling `model` (the catalog name)."""
    if isinstance(error, LoopError):
        return error
    _litellm()
    import litellm.exceptions as litellm  # not every exception is re-exported by the package (MidStreamFallbackError)

    original = getattr(error, "original_exception", None)
    if isinstance(error, litellm.MidStreamFallbackError) and isinstance(original, Exception):
        return map_error(original, model, api_key)
    detail = _scrub(str(getattr(error, "message", None) or error), api_key)
    if isinstance(error, litellm.RateLimitError):
        return RateLimited(f"model {model} is rate limited by its provider; retry later ({detail})")
    if isinstance(error, litellm.AuthenticationError):
        return UpstreamError(f"model {model} rejected the API key; check its api_key in model_config.yaml")
    if isinstance(error, litellm.BadRequestError):  # also ContextWindowExceeded, UnsupportedParams, ContentPolicy
        return InvalidInput(f"model {model} refused the request: {detail}")
    if isinstance(error, litellm.Timeout):
        return UpstreamError(f"model {model} timed out: {detail}")
    if isinstance(error, litellm.APIConnectionError):
        return UpstreamError(f"model {model} could not be reached: {detail}")
    if isinstance(error, litellm.ServiceUnavailableError):
        return UpstreamError(f"model {model} is unavailable: {detail}")
    return UpstreamError(f"model {model} failed: {type(error).__name__}: {detail}")


# --- the provider -------------------------------------------------------------------------------------------


class LiteLLMProvider:
    """`extra_arguments` are merged into every `litellm.completion` call (tests pass `mock_response` here)."""

    def __init__(self, extra_arguments: Mapping[str, Any] | None = None) -> None:
        self._extra = dict(extra_arguments or {})

    def _arguments(self, call: ModelCall, *, stream: bool) -> dict[str, Any]:
        return {**litellm_arguments(call, stream=stream), **self._extra}

    def complete(self, call: ModelCall) -> ChatResult:
        arguments = self._arguments(call, stream=False)
        litellm = _litellm()
        try:
            response = litellm.completion(**arguments)
            return to_chat_result(response)
        except Exception as error:
            raise map_error(error, call.model.name, call.api_key) from error

    def stream(self, call: ModelCall) -> Iterator[ChatChunk]:
        arguments = self._arguments(call, stream=True)  # a bad call fails here, before iteration
        return self._stream(call, arguments)

    def _stream(self, call: ModelCall, arguments: dict[str, Any]) -> Iterator[ChatChunk]:
        litellm = _litellm()
        try:
            response = litellm.completion(**arguments)
            yield from collect_stream(response, arguments)
        except Exception as error:
            raise map_error(error, call.model.name, call.api_key) from error


def collect_stream(response: Iterable[Any], arguments: Mapping[str, Any]) -> Iterator[ChatChunk]:
    """Our chunks from litellm's stream chunks (ModelResponseStream): deltas as they come, then one last chunk."""
    tool_calls = _ToolCallParts()
    finish_reason: str | None = None
    usage: TokenUsage | None = None
    text: list[str] = []
    for chunk in response:
        if getattr(chunk, "usage", None):
            usage = _usage(chunk.usage)
        for choice in getattr(chunk, "choices", None) or []:
            if getattr(choice, "index", 0):
                continue  # only the first choice; we never ask for n > 1
            delta = choice.delta
            content = getattr(delta, "content", None) or ""
            reasoning = getattr(delta, "reasoning_content", None) or ""
            if content or reasoning:
                text.append(content)
                yield ChatChunk(content=content, reasoning_content=reasoning)
            for fragment in getattr(delta, "tool_calls", None) or []:
                tool_calls.add(fragment)
            if choice.finish_reason:
                finish_reason = choice.finish_reason
    whole = tool_calls.whole()
    if usage is None or usage.total_tokens == 0:
        usage = _estimate_usage(arguments, "".join(text), whole)
    yield ChatChunk(tool_calls=whole, finish_reason=finish_reason or "stop", usage=usage)


# --- cost ---------------------------------------------------------------------------------------------------


def call_cost(model_name: str, usage: TokenUsage) -> float | None:
    """USD for a call by litellm's cost map; `model_name` is litellm's ("openai/gpt-4o"). None when unmapped."""
    litellm = _litellm()
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model_name, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens
        )
    except Exception:  # litellm raises for models its cost map does not know
        return None
    return float(prompt_cost) + float(completion_cost)
