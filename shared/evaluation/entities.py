"""Evaluator entities, named and shaped as upstream's `evaluation/domain/evaluator.thrift` and common.thrift.

These are the stored forms too: an evaluator version keeps its EvaluatorContent as this model's JSON.
"""

from enum import IntEnum, StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.data.content import Content
from shared.ids import Int64


class Loose(BaseModel):
    """Upstream clients send fields we do not model; they are ignored rather than refused."""

    model_config = ConfigDict(extra="ignore")


class EvaluatorType(IntEnum):
    PROMPT = 1
    CODE = 2
    CUSTOM_RPC = 3
    AGENT = 4


class LanguageType(StrEnum):
    PYTHON = "Python"
    JS = "JS"


class PromptSourceType(IntEnum):
    BUILTIN_TEMPLATE = 1
    LOOP_PROMPT = 2
    CUSTOM = 3


class Role(IntEnum):
    SYSTEM = 1
    USER = 2
    ASSISTANT = 3
    TOOL = 4


class EvaluatorRunStatus(IntEnum):
    UNKNOWN = 0
    SUCCESS = 1
    FAIL = 2
    ASYNC_INVOKING = 3


class Message(Loose):
    role: Role = Role.USER
    content: Content | None = None
    ext: dict[str, str] | None = None


class EvalModelConfig(Loose):
    model_id: Int64 | None = None
    model_name: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    json_ext: str | None = None


class EvalFunction(Loose):
    name: str
    description: str | None = None
    parameters: str | None = None  # JSON Schema as a string


class EvalTool(Loose):
    type: int = 1  # EvalFunction
    function: EvalFunction | None = None


class PromptEvaluator(Loose):
    """An LLM judge: messages with {{variables}}, a model, and how it must answer."""

    message_list: list[Message] = Field(default_factory=list)
    model_config_: EvalModelConfig | None = Field(default=None, alias="model_config")
    prompt_source_type: PromptSourceType | None = None
    prompt_template_key: str | None = None
    prompt_template_name: str | None = None
    tools: list[EvalTool] | None = None

    model_config = ConfigDict(extra="ignore", populate_by_name=True, serialize_by_alias=True)


class CodeEvaluator(Loose):
    language_type: LanguageType | None = None
    code_content: str | None = None
    code_template_key: str | None = None
    code_template_name: str | None = None
    lang_2_code_content: dict[str, str] | None = None


class ArgsSchema(Loose):
    key: str | None = None
    support_content_types: list[str] | None = None
    json_schema: str | None = None
    default_value: Content | None = None


class EvaluatorContent(Loose):
    receive_chat_history: bool | None = None
    input_schemas: list[ArgsSchema] | None = None
    output_schemas: list[ArgsSchema] | None = None
    prompt_evaluator: PromptEvaluator | None = None
    code_evaluator: CodeEvaluator | None = None


class EvaluatorInputData(Loose):
    history_messages: list[Message] | None = None
    input_fields: dict[str, Content] | None = None
    evaluate_dataset_fields: dict[str, Content] | None = None
    evaluate_target_output_fields: dict[str, Content] | None = None
    ext: dict[str, str] | None = None


class Correction(Loose):
    score: float | None = None
    explain: str | None = None
    updated_by: str | None = None


class EvaluatorResult(Loose):
    score: float | None = None
    correction: Correction | None = None
    reasoning: str | None = None


class EvaluatorUsage(Loose):
    input_tokens: Int64 | None = None
    output_tokens: Int64 | None = None


class EvaluatorRunError(Loose):
    code: int | None = None
    message: str | None = None


class EvaluatorOutputData(Loose):
    evaluator_result: EvaluatorResult | None = None
    evaluator_usage: EvaluatorUsage | None = None
    evaluator_run_error: EvaluatorRunError | None = None
    time_consuming_ms: Int64 | None = None
    stdout: str | None = None

    @property
    def failed(self) -> bool:
        return self.evaluator_run_error is not None
