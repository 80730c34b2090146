"""The one way to call a model: look it up in the catalog, check what it can do and its quota, call its
provider (the fake model in process, everything else through litellm), and record a `model` span."""

import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from shared.errors import InvalidInput, LoopError
from shared.llm.catalog import ModelEntry, ParamType, Protocol, Scenario, load_catalog
from shared.llm.credentials import resolve_api_key
from shared.llm.fake import FakeProvider
from shared.llm.providers import ChatProvider, ModelCall
from shared.llm.quota import admit
from shared.llm.types import CallOptions, ChatChunk, ChatMessage, ChatResult, TokenUsage, Tool
from shared.spans import UploadSpan, write_spans

# The call_type of a model span, which the trace list's platform filter selects on (reference §5.4).
CALL_TYPES = {
    Scenario.PROMPT_DEBUG: "PromptDebug",
    Scenario.EVAL_TARGET: "EvalTarget",
    Scenario.EVALUATOR: "Evaluator",
}
DEFAULT_MAX_TOKENS = 1024  # counted against tpm when a call sets none and the model declares none


@dataclass(frozen=True)
class TraceParent:
    """Where a model span hangs: the caller's trace and span (a prompt run, an evaluation)."""

    trace_id: str
    span_id: str


@dataclass(frozen=True)
class ChatRequest:
    model_id: int
    messages: list[ChatMessage]
    workspace_id: int
    user_id: str = ""
    scenario: Scenario = Scenario.DEFAULT
    tools: list[Tool] = field(default_factory=list)
    options: CallOptions = field(default_factory=CallOptions)
    parent: TraceParent | None = None
    span_tags: dict[str, str] = field(default_factory=dict)  # e.g. prompt_key, prompt_version


def find_model(model_id: int) -> ModelEntry:
    model = load_catalog().get(model_id)
    if model is None:
        raise InvalidInput(f"model_config.model_id: model {model_id} is not configured on this server")
    return model


TYPED_PARAMS = frozenset({"temperature", "max_tokens", "top_p", "top_k", "presence_penalty", "frequency_penalty"})


def model_params(model: ModelEntry, raw: dict[str, object]) -> dict[str, object]:
    """Extra parameters as the model's param_config declares them, converted and range-checked.

    Only declared names pass: anything else could steer the provider call (api_base, api_key, ...).
    """
    declared = {schema.name: schema for schema in model.param_config.param_schemas}
    converted: dict[str, object] = {}
    for name, value in raw.items():
        field = f"model_config.param_config_values.{name}"
        schema = declared.get(name)
        if schema is None or name in TYPED_PARAMS:
            if name in TYPED_PARAMS:
                continue  # the typed field of model_config carries it
            raise InvalidInput(f"{field}: model {model.name} has no parameter {name!r}")
        text = str(value)
        try:
            if schema.type == ParamType.BOOLEAN:
                if text.lower() not in ("true", "false"):
                    raise ValueError(text)
                converted[name] = text.lower() == "true"
                continue
            number: float | int | str = (
                int(text) if schema.type == ParamType.INT else float(text) if schema.type == ParamType.FLOAT else text
            )
        except ValueError as error:
            raise InvalidInput(f"{field}: {text!r} is not a {schema.type}") from error
        if isinstance(number, float) and not math.isfinite(number):
            raise InvalidInput(f"{field}: {text!r} is not a finite number")
        if isinstance(number, int | float):
            if schema.min is not None and number < float(schema.min):
                raise InvalidInput(f"{field}: {number} is below the minimum {schema.min}")
            if schema.max is not None and number > float(schema.max):
                raise InvalidInput(f"{field}: {number} is above the maximum {schema.max}")
        if schema.options and text not in {option.value for option in schema.options}:
            raise InvalidInput(f"{field}: {text!r} is not one of the options")
        converted[name] = number
    return converted


def check_request(model: ModelEntry, request: ChatRequest) -> None:
    if not model.available_in(request.scenario):
        raise InvalidInput(f"model_config.model_id: model {model.name} is not available for {request.scenario}")
    if not request.messages:
        raise InvalidInput("messages: give at least one message")
    if request.tools and request.options.tool_choice != "none" and not model.ability.function_call:
        raise InvalidInput(f"tools: model {model.name} cannot call functions; remove the tools or pick another model")
    if request.options.json_mode and not model.ability.json_mode:
        raise InvalidInput(f"model_config.json_mode: model {model.name} has no JSON mode")
    limit = model.ability.max_output_tokens
    if limit and request.options.max_tokens and request.options.max_tokens > limit:
        raise InvalidInput(f"model_config.max_tokens: model {model.name} writes at most {limit} tokens")
    tpm = model.scenario(request.scenario).quota.tpm
    if tpm and request.options.max_tokens and request.options.max_tokens > tpm:
        raise InvalidInput(
            f"model_config.max_tokens: model {model.name} allows {tpm} tokens a minute in scenario "
            f"{request.scenario}; this call asks for {request.options.max_tokens}, which can never fit: lower it"
        )


class LLMGateway:
    def __init__(self, providers: dict[Protocol, ChatProvider] | None = None) -> None:
        self._providers: dict[Protocol, ChatProvider] = dict(providers or {})
        self._providers.setdefault(Protocol.FAKE, FakeProvider())

    def _provider(self, model: ModelEntry) -> ChatProvider:
        provider = self._providers.get(model.protocol)
        if provider is None:
            from shared.llm.litellm_provider import LiteLLMProvider  # imports litellm on first use only

            provider = self._providers.setdefault(model.protocol, LiteLLMProvider())
        return provider

    def _prepare(self, request: ChatRequest) -> tuple[ModelEntry, ChatProvider, ModelCall]:
        model = find_model(request.model_id)
        check_request(model, request)
        options = request.options.model_copy(update={"extra_params": model_params(model, request.options.extra_params)})
        api_key = resolve_api_key(model)  # before the quota: a call that cannot be made must not use it up
        admit(
            model, request.scenario, request.options.max_tokens or model.ability.max_output_tokens or DEFAULT_MAX_TOKENS
        )
        call = ModelCall(model, request.messages, request.tools, options, api_key)
        return model, self._provider(model), call

    def complete(self, request: ChatRequest) -> ChatResult:
        model, provider, call = self._prepare(request)
        started_us = time.time_ns() // 1000
        try:
            result = provider.complete(call)
        except LoopError as error:
            _record(request, model, started_us, None, None, error.message)
            raise
        except Exception as error:  # a provider bug: the span still records the failed call
            _record(request, model, started_us, None, None, f"unexpected {type(error).__name__}")
            raise
        _record(request, model, started_us, result, None, None)
        return result

    def stream(self, request: ChatRequest) -> Iterator[ChatChunk]:
        """Checks, quota and credentials fail before the first chunk; model errors can come mid-stream."""
        model, provider, call = self._prepare(request)
        return self._stream(request, model, provider, call)

    def _stream(
        self, request: ChatRequest, model: ModelEntry, provider: ChatProvider, call: ModelCall
    ) -> Iterator[ChatChunk]:
        started_us = time.time_ns() // 1000
        first_token_us: int | None = None
        text: list[str] = []
        last: ChatChunk | None = None
        try:
            for chunk in provider.stream(call):
                if first_token_us is None and (chunk.content or chunk.reasoning_content or chunk.tool_calls):
                    first_token_us = time.time_ns() // 1000
                text.append(chunk.content)
                last = chunk
                yield chunk
        except LoopError as error:
            _record(request, model, started_us, None, first_token_us, error.message, partial="".join(text))
            raise
        except GeneratorExit:  # the caller stopped reading (a closed browser tab): the span still says so
            _record(request, model, started_us, None, first_token_us, "the caller closed the stream", "".join(text))
            raise
        except Exception as error:
            reason = f"unexpected {type(error).__name__}"
            _record(request, model, started_us, None, first_token_us, reason, "".join(text))
            raise
        message = ChatMessage(role="assistant", content="".join(text), tool_calls=last.tool_calls if last else None)
        usage = last.usage if last and last.usage else TokenUsage()
        result = ChatResult(message=message, finish_reason=last.finish_reason if last else None, usage=usage)
        _record(request, model, started_us, result, first_token_us, None)


@cache
def default_gateway() -> LLMGateway:
    """The process's gateway: providers are built once (litellm is imported on the first real call)."""
    return LLMGateway()


def _record(
    request: ChatRequest,
    model: ModelEntry,
    started_us: int,
    result: ChatResult | None,
    first_token_us: int | None,
    error: str | None,
    partial: str = "",
) -> None:
    ended_us = time.time_ns() // 1000
    options = request.options.model_dump(exclude_none=True, exclude_defaults=True)
    tags_string = {
        **request.span_tags,
        "model_provider": str(model.protocol),
        "model_name": model.protocol_config.model or model.name,
        "model_id": str(model.id),
        "scenario": str(request.scenario),
        "call_options": json.dumps(options, ensure_ascii=False),
    }
    tags_long: dict[str, int] = {}
    if result is not None:
        tags_long |= {
            "input_tokens": result.usage.prompt_tokens,
            "output_tokens": result.usage.completion_tokens,
            "tokens": result.usage.total_tokens,
        }
    if first_token_us is not None:
        tags_long |= {"start_time_first_resp": first_token_us, "latency_first_resp": first_token_us - started_us}
    if error is not None:
        tags_string["error"] = error
    span = UploadSpan(
        started_at_micros=started_us,
        duration_micros=ended_us - started_us,
        workspace_id=str(request.workspace_id),
        span_name="llm_call",
        span_type="model",
        call_type=CALL_TYPES.get(request.scenario, "Custom"),
        status_code=-1 if error else 0,
        input=json.dumps(
            {
                "messages": [m.model_dump(exclude_none=True) for m in request.messages],
                "tools": [t.model_dump(by_alias=True) for t in request.tools],
            },
            ensure_ascii=False,
        ),
        output=json.dumps({"choices": [{"message": result.message.model_dump(exclude_none=True)}]}, ensure_ascii=False)
        if result
        else partial,
        tags_string=tags_string,
        tags_long=tags_long,
        system_tags_string={"user_id": request.user_id} if request.user_id else {},
        **({"trace_id": request.parent.trace_id, "parent_id": request.parent.span_id} if request.parent else {}),
    )
    write_spans([span])
