"""Running a prompt version: render its template with the caller's values, then call its model through the
LLM gateway. Used by the SDK's execute routes, the playground and (later) evaluation targets."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from shared.errors import InvalidInput
from shared.llm import types as llm
from shared.llm.catalog import Scenario
from shared.llm.gateway import ChatRequest, LLMGateway, TraceParent
from shared.prompt.entities import ContentPart, FunctionCall, Message, ModelConfig, PromptDetail, ToolCall, VariableVal
from shared.prompt.template import render_messages


@dataclass(frozen=True)
class PromptRun:
    detail: PromptDetail
    workspace_id: int
    user_id: str
    prompt_key: str
    version: str
    variable_vals: list[VariableVal] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    scenario: Scenario = Scenario.PROMPT_AS_A_SERVICE
    parent: TraceParent | None = None


def _part_to_llm(part: ContentPart) -> llm.ContentPart | None:
    if part.type == "text":
        return llm.ContentPart(type="text", text=part.text or "")
    url = part.image_url.url if part.image_url else None
    if part.type == "image_url" and url:
        return llm.ContentPart(type="image_url", image_url=llm.ImageURL(url=url))
    return None  # video and unresolved variables are not sent to models yet


def to_llm_message(message: Message) -> llm.ChatMessage:
    if message.role == "placeholder":
        raise InvalidInput("messages: a placeholder message cannot be sent to a model; give its variable a value")
    parts = [converted for part in message.parts or [] if (converted := _part_to_llm(part))]
    tool_calls = [
        llm.ToolCall(
            index=call.index,
            id=call.id or f"call_{call.index}",
            function_call=llm.FunctionCall(
                name=call.function_call.name or "" if call.function_call else "",
                arguments=call.function_call.arguments or "" if call.function_call else "",
            ),
        )
        for call in message.tool_calls or []
    ]
    return llm.ChatMessage(
        role=llm.Role(message.role),
        content=message.content,
        multimodal_contents=parts or None,
        tool_calls=tool_calls or None,
        tool_call_id=message.tool_call_id,
    )


def from_llm_message(message: llm.ChatMessage) -> Message:
    return Message(
        role="assistant",
        content=message.content,
        reasoning_content=message.reasoning_content,
        tool_calls=[
            ToolCall(
                index=call.index,
                id=call.id,
                function_call=FunctionCall(name=call.function_call.name, arguments=call.function_call.arguments),
            )
            for call in message.tool_calls
        ]
        if message.tool_calls
        else None,
    )


def raw_params(config: ModelConfig) -> dict[str, object]:
    """param_config_values as name → text; the gateway checks them against the model's declared schemas."""
    return {
        value.name: value.value.value
        for value in config.param_config_values or []
        if value.value is not None and value.value.value is not None
    }


def _options(detail: PromptDetail) -> llm.CallOptions:
    config = detail.model_config_
    assert config is not None
    extra = raw_params(config)
    tool_choice = detail.tool_call_config.tool_choice if detail.tool_call_config else None
    return llm.CallOptions(
        temperature=config.temperature,
        max_tokens=config.max_tokens,
        top_p=config.top_p,
        top_k=config.top_k,
        presence_penalty=config.presence_penalty,
        frequency_penalty=config.frequency_penalty,
        json_mode=bool(config.json_mode),
        tool_choice="required" if tool_choice == "specific" else tool_choice,
        extra_params=extra,
    )


def chat_request(run: PromptRun) -> ChatRequest:
    config = run.detail.model_config_
    if config is None or config.model_id is None:
        raise InvalidInput(f"prompt {run.prompt_key} {run.version}: no model is configured; pick one and commit again")
    rendered = render_messages(run.detail.prompt_template, run.variable_vals, run.messages)
    tools = [
        llm.Tool(name=tool.function.name, desc=tool.function.description, definition=tool.function.parameters or "{}")
        for tool in run.detail.tools
    ]
    return ChatRequest(
        model_id=config.model_id,
        messages=[to_llm_message(message) for message in rendered],
        workspace_id=run.workspace_id,
        user_id=run.user_id,
        scenario=run.scenario,
        tools=tools,
        options=_options(run.detail),
        parent=run.parent,
        span_tags={"prompt_key": run.prompt_key, "prompt_version": run.version},
    )


def execute(gateway: LLMGateway, run: PromptRun) -> llm.ChatResult:
    return gateway.complete(chat_request(run))


def execute_stream(gateway: LLMGateway, run: PromptRun) -> Iterator[llm.ChatChunk]:
    """Validation, rendering, quota and credentials fail here, before the first chunk."""
    return gateway.stream(chat_request(run))
