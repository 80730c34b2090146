"""What goes into and comes out of a model call, shaped like upstream's runtime IDL (llm/domain/runtime.thrift)."""

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class ImageURL(BaseModel):
    url: str
    detail: Literal["auto", "low", "high"] | None = None
    mime_type: str | None = None


class ContentPart(BaseModel):
    type: Literal["text", "image_url", "video_url"]
    text: str | None = None
    image_url: ImageURL | None = None
    video_url: ImageURL | None = None


class FunctionCall(BaseModel):
    name: str
    arguments: str = ""  # JSON text, as the model produced it


class ToolCall(BaseModel):
    index: int = 0
    id: str
    type: Literal["function"] = "function"
    function_call: FunctionCall


class TokenUsage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatMessage(BaseModel):
    role: Role
    content: str | None = None
    multimodal_contents: list[ContentPart] | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None
    reasoning_content: str | None = None


class Tool(BaseModel):
    """A function the model may call; `def` is an OpenAPI v3 JSON schema serialised as text."""

    model_config = ConfigDict(populate_by_name=True)

    name: str
    desc: str = ""
    def_type: Literal["open_api_v3"] = "open_api_v3"
    definition: str = Field(default="{}", alias="def")


ToolChoice = Literal["auto", "required", "none"]


class CallOptions(BaseModel):
    """Sampling parameters; `extra_params` carries param_config values the model declares beyond these."""

    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    top_k: int | None = None
    stop: list[str] | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    tool_choice: ToolChoice | None = None
    json_mode: bool = False
    extra_params: dict[str, Any] = Field(default_factory=dict)


class ChatResult(BaseModel):
    message: ChatMessage
    finish_reason: str | None = None
    usage: TokenUsage = Field(default_factory=TokenUsage)


class ChatChunk(BaseModel):
    """One streamed piece. Text deltas carry `content`; the last chunk carries finish_reason and usage.

    Tool calls are not streamed piecemeal: a chunk carries whole tool calls once the provider finished them.
    """

    content: str = ""
    reasoning_content: str = ""
    tool_calls: list[ToolCall] | None = None
    finish_reason: str | None = None
    usage: TokenUsage | None = None
