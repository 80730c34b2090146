"""Prompt entities, shaped as upstream's console IDL (prompt/domain/prompt.thrift).

Only what we render or run is typed strictly; upstream's extra fields (metadata, signatures, ext_infos) are
kept as given so a prompt edited by upstream's console round-trips.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.ids import Int64

TemplateType = Literal["normal", "jinja2"]
Role = Literal["system", "user", "assistant", "tool", "placeholder"]
# base64_data parts come from the SDK's execute; rendering drops them, as the SDK's own formatter does.
ContentType = Literal["text", "image_url", "video_url", "multi_part_variable", "base64_data"]
VariableType = Literal[
    "string",
    "boolean",
    "integer",
    "float",
    "object",
    "array<string>",
    "array<boolean>",
    "array<integer>",
    "array<float>",
    "array<object>",
    "placeholder",
    "multi_part",
]
ToolChoice = Literal["none", "auto", "specific"]
MAX_MESSAGES = 200
MAX_TEXT = 200_000


class Entity(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ImageURL(Entity):
    uri: str | None = None
    url: str | None = None


class MediaConfig(Entity):
    fps: float | None = Field(default=None, ge=0.2, le=5)


class ContentPart(Entity):
    type: ContentType
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    image_url: ImageURL | None = None
    video_url: ImageURL | None = None
    media_config: MediaConfig | None = None
    base64_data: str | None = None


class FunctionCall(Entity):
    name: str | None = None
    arguments: str | None = None


class ToolCall(Entity):
    index: int = 0
    id: str | None = None
    type: Literal["function"] = "function"
    function_call: FunctionCall | None = None


class Message(Entity):
    role: Role
    reasoning_content: str | None = None
    content: str | None = Field(default=None, max_length=MAX_TEXT)
    parts: list[ContentPart] | None = None
    tool_call_id: str | None = None
    tool_calls: list[ToolCall] | None = None
    skip_render: bool | None = None
    metadata: dict[str, str] | None = None


class VariableDef(Entity):
    key: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    desc: str = ""
    type: VariableType = "string"
    type_tags: list[str] | None = None


class VariableVal(Entity):
    key: str
    value: str | None = None
    placeholder_messages: list[Message] | None = None
    multi_part_values: list[ContentPart] | None = None


class PromptTemplate(Entity):
    template_type: TemplateType = "normal"
    messages: list[Message] = Field(default_factory=list, max_length=MAX_MESSAGES)
    variable_defs: list[VariableDef] = Field(default_factory=list)
    metadata: dict[str, str] | None = None


class Function(Entity):
    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    description: str = ""
    parameters: str = "{}"  # a JSON schema, serialised


class Tool(Entity):
    type: Literal["function"] = "function"
    function: Function


class ToolChoiceSpecification(Entity):
    type: Literal["function"] = "function"
    name: str


class ToolCallConfig(Entity):
    tool_choice: ToolChoice = "auto"
    tool_choice_specification: ToolChoiceSpecification | None = None


class ThinkingConfig(Entity):
    budget_tokens: int | None = None
    thinking_option: Literal["disabled", "enabled", "auto"] | None = None
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = None


class ParamConfigOption(Entity):
    value: str | None = None
    label: str | None = None


class ParamConfigValue(Entity):
    name: str
    label: str | None = None
    value: ParamConfigOption | None = None


class ModelConfig(Entity):
    model_id: Int64 | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_k: int | None = Field(default=None, ge=0)
    top_p: float | None = Field(default=None, ge=0, le=1)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    json_mode: bool | None = None
    extra: str | None = None
    thinking: ThinkingConfig | None = None
    param_config_values: list[ParamConfigValue] | None = None


class PromptDetail(Entity):
    prompt_template: PromptTemplate = Field(default_factory=PromptTemplate)
    tools: list[Tool] = Field(default_factory=list)
    tool_call_config: ToolCallConfig | None = None
    model_config_: ModelConfig | None = Field(default=None, alias="model_config")
    ext_infos: dict[str, str] | None = None

    model_config = ConfigDict(extra="ignore", populate_by_name=True, serialize_by_alias=True)


class TokenUsage(Entity):
    input_tokens: int = 0
    output_tokens: int = 0
