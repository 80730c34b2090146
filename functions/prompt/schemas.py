"""Request and response models of the prompt routes (names and fields as upstream's IDL: prompt/*.thrift)."""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from shared.envelope import Envelope
from shared.foundation.profiles import UserInfoDetail
from shared.ids import Int64
from shared.prompt.entities import Message, PromptDetail, TokenUsage, VariableVal

PromptKey = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$")
]
PromptName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_\-]{0,63}$")
LabelKey = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=LABEL_KEY.pattern)]
Version = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
LabelKeys = Annotated[list[LabelKey], AfterValidator(lambda keys: list(dict.fromkeys(keys)))]  # repeats are one
PromptType = Literal["normal", "snippet"]
SecurityLevel = Literal["L1", "L2", "L3", "L4"]


class Request(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- entities as the console sees them ----------------------------------------------------------------


class PromptBasicFields(BaseModel):
    """What the console's PromptBasic and the OpenAPI's share."""

    display_name: str
    description: str
    latest_version: str
    created_by: str
    updated_by: str
    created_at: Int64
    updated_at: Int64
    latest_committed_at: Int64


class PromptBasic(PromptBasicFields):
    prompt_type: PromptType
    security_level: SecurityLevel


class CommitInfo(BaseModel):
    version: str
    base_version: str
    description: str
    committed_by: str
    committed_at: Int64


class PromptCommit(BaseModel):
    detail: PromptDetail
    commit_info: CommitInfo


class DraftInfo(BaseModel):
    user_id: str
    base_version: str
    is_modified: bool
    created_at: Int64 = 0
    updated_at: Int64 = 0


class PromptDraft(BaseModel):
    detail: PromptDetail
    draft_info: DraftInfo


class Prompt(BaseModel):
    id: Int64
    workspace_id: Int64
    prompt_key: str
    prompt_basic: PromptBasic
    prompt_draft: PromptDraft | None = None
    prompt_commit: PromptCommit | None = None


class Label(BaseModel):
    key: str


# --- console requests and responses -------------------------------------------------------------------


class CreatePromptRequest(Request):
    workspace_id: Int64
    prompt_name: PromptName
    prompt_key: PromptKey
    prompt_description: Description = ""
    prompt_type: PromptType = "normal"
    security_level: SecurityLevel = "L3"
    draft_detail: PromptDetail | None = None


class CreatePromptResponse(Envelope):
    prompt_id: Int64


class ClonePromptRequest(Request):
    commit_version: Version
    cloned_prompt_name: PromptName
    cloned_prompt_key: PromptKey
    cloned_prompt_description: Description = ""


class ClonePromptResponse(Envelope):
    cloned_prompt_id: Int64


class GetPromptResponse(Envelope):
    prompt: Prompt
    default_config: PromptDetail | None = None


class ListPromptRequest(Request):
    workspace_id: Int64
    key_word: str | None = Field(default=None, max_length=100)
    created_bys: list[str] | None = Field(default=None, max_length=100)
    committed_only: bool = False
    page_num: int = Field(default=1, ge=1)
    page_size: int = Field(default=20, ge=1, le=100)
    order_by: Literal["committed_at", "created_at"] = "created_at"
    asc: bool = False


class ListPromptResponse(Envelope):
    prompts: list[Prompt]
    users: list[UserInfoDetail]
    total: int


class UpdatePromptRequest(Request):
    prompt_name: PromptName | None = None
    prompt_description: Description | None = None
    security_level: SecurityLevel | None = None


class SaveDraftBody(Request):
    detail: PromptDetail
    draft_info: dict[str, object] | None = None  # upstream sends it back; we keep our own base_version


class SaveDraftRequest(Request):
    prompt_draft: SaveDraftBody


class SaveDraftResponse(Envelope):
    draft_info: DraftInfo


class CommitDraftRequest(Request):
    commit_version: Version
    commit_description: Description = ""
    label_keys: LabelKeys = Field(default_factory=list, max_length=20)


class ListCommitRequest(Request):
    page_size: int = Field(default=20, ge=1, le=100)
    page_token: str | None = Field(default=None, max_length=200)
    asc: bool = False
    with_commit_detail: bool = False


class ListCommitResponse(Envelope):
    prompt_commit_infos: list[CommitInfo]
    commit_version_label_mapping: dict[str, list[Label]]
    prompt_commit_detail_mapping: dict[str, PromptDetail]
    users: list[UserInfoDetail]
    has_more: bool
    next_page_token: str


class RevertDraftFromCommitRequest(Request):
    commit_version_reverting_from: Version


class UpdateCommitLabelsRequest(Request):
    workspace_id: Int64 | None = None
    label_keys: LabelKeys = Field(default_factory=list, max_length=20)


class CreateLabelRequest(Request):
    workspace_id: Int64
    label: Label


class ListLabelRequest(Request):
    workspace_id: Int64
    label_key_like: str | None = Field(default=None, max_length=64)
    with_prompt_version_mapping: bool = False
    prompt_id: Int64 | None = None
    page_size: int = Field(default=100, ge=1, le=200)
    page_token: str | None = None


class ListLabelResponse(Envelope):
    labels: list[Label]
    prompt_version_mapping: dict[str, str]
    has_more: bool
    next_page_token: str


class BatchGetLabelRequest(Request):
    workspace_id: Int64
    label_keys: list[str] = Field(max_length=100)


class BatchGetLabelResponse(Envelope):
    labels: list[Label]


# --- OpenAPI (the SDK) ---------------------------------------------------------------------------------


class PromptQuery(BaseModel):
    """Echoed back exactly as received: the SDK caches results under these three strings."""

    prompt_key: str = Field(max_length=100)
    version: str | None = Field(default="", max_length=32)
    label: str | None = Field(default="", max_length=64)


class MGetPromptRequest(Request):
    workspace_id: Int64
    queries: list[PromptQuery] = Field(min_length=1, max_length=25)


class PromptIdentifier(Request):
    prompt_key: str = Field(max_length=100)
    version: str | None = Field(default=None, max_length=32)
    label: str | None = Field(default=None, max_length=64)


class ExecuteRequest(Request):
    workspace_id: Int64
    prompt_identifier: PromptIdentifier
    variable_vals: list[VariableVal] | None = Field(default=None, max_length=100)
    messages: list[Message] | None = Field(default=None, max_length=100)
    release_label: str | None = Field(default=None, max_length=64)  # legacy alias of prompt_identifier.label


class ExecuteData(BaseModel):
    message: Message | None = None
    finish_reason: str | None = None
    usage: TokenUsage | None = None


# --- the playground ------------------------------------------------------------------------------------


class MockTool(BaseModel):
    name: str = Field(max_length=64)
    mock_response: str = Field(default="", max_length=100_000)


class DebugPromptDraft(Request):
    detail: PromptDetail


class DebugPrompt(Request):
    """The prompt as the editor holds it now: saved or not, the playground runs what is on screen."""

    workspace_id: Int64
    prompt_key: str | None = None
    prompt_draft: DebugPromptDraft


class DebugStreamingRequest(Request):
    prompt: DebugPrompt
    messages: list[Message] = Field(default_factory=list, max_length=200)
    variable_vals: list[VariableVal] = Field(default_factory=list, max_length=100)
    mock_tools: list[MockTool] = Field(default_factory=list, max_length=50)
    single_step_debug: bool = False
    debug_trace_key: str | None = Field(default=None, max_length=200)


class DebugStreamingEvent(BaseModel):
    delta: Message | None = None
    finish_reason: str | None = None
    usage: TokenUsage | None = None
    debug_id: Int64 | None = None
    debug_trace_key: str | None = None


class DebugCore(BaseModel):
    mock_contexts: list[Message] = Field(default_factory=list, max_length=200)
    mock_variables: list[VariableVal] = Field(default_factory=list, max_length=100)
    mock_tools: list[MockTool] = Field(default_factory=list, max_length=50)


class DebugContext(BaseModel):
    model_config = ConfigDict(extra="ignore")

    debug_core: DebugCore = Field(default_factory=DebugCore)
    debug_config: dict[str, bool] | None = None


class SaveDebugContextRequest(Request):
    workspace_id: Int64
    debug_context: DebugContext


class GetDebugContextResponse(Envelope):
    debug_context: DebugContext | None = None


class DebugLog(BaseModel):
    id: Int64
    prompt_id: Int64
    workspace_id: Int64
    prompt_key: str
    version: str
    input_tokens: int
    output_tokens: int
    cost_ms: int
    status_code: int
    debugged_by: str
    debug_id: Int64
    debug_step: int
    started_at: Int64
    ended_at: Int64


class ListDebugHistoryResponse(Envelope):
    debug_history: list[DebugLog]
    has_more: bool
    next_page_token: str


# --- OpenAPI prompt management (scripts with a PAT; upstream's prompt/coze.loop.prompt.openapi.thrift) --


class ListPromptBasicRequest(Request):
    workspace_id: Int64
    page_number: int = Field(default=1, ge=1)
    page_size: int = Field(default=20, ge=1, le=200)
    key_word: str | None = Field(default=None, max_length=100)
    creator: str | None = Field(default=None, max_length=40)


class OpenAPIPromptBasic(PromptBasicFields):
    id: Int64
    workspace_id: Int64
    prompt_key: str


class ListPromptBasicData(BaseModel):
    prompts: list[OpenAPIPromptBasic]
    total: int


class CreatePromptOApiRequest(Request):
    workspace_id: Int64
    prompt_name: PromptName
    prompt_key: PromptKey
    prompt_description: Description = ""
    prompt_type: PromptType = "normal"
    security_level: SecurityLevel = "L3"


class SaveDraftOApiRequest(SaveDraftRequest):
    workspace_id: Int64 | None = None


class CommitDraftOApiRequest(Request):
    workspace_id: Int64 | None = None
    commit_version: Version
    commit_description: Description = ""


class ListCommitOApiRequest(ListCommitRequest):
    workspace_id: Int64 | None = None


class GetPromptOApiResponse(Envelope):
    prompt: Prompt
