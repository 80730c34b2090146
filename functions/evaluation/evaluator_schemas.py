"""Requests and responses of the evaluator routes, as upstream's coze.loop.evaluation.evaluator.thrift names them."""

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from shared.envelope import Envelope
from shared.evaluation.entities import (
    Correction,
    EvaluatorContent,
    EvaluatorInputData,
    EvaluatorOutputData,
    EvaluatorRunStatus,
    EvaluatorType,
    LanguageType,
    Loose,
)
from shared.ids import Int64

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Version = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
PageSize = Annotated[int, Field(ge=1, le=200)]


class EvalUserInfo(BaseModel):
    user_id: str | None = None
    name: str | None = None


class EvalBaseInfo(BaseModel):
    created_by: EvalUserInfo | None = None
    updated_by: EvalUserInfo | None = None
    created_at: Int64 | None = None
    updated_at: Int64 | None = None


class EvaluatorVersion(BaseModel):
    id: Int64 | None = None
    version: str | None = None
    description: str | None = None
    base_info: EvalBaseInfo | None = None
    evaluator_content: EvaluatorContent | None = None


class Evaluator(BaseModel):
    evaluator_id: Int64 | None = None
    workspace_id: Int64 | None = None
    evaluator_type: EvaluatorType | None = None
    name: str | None = None
    description: str | None = None
    draft_submitted: bool | None = None
    base_info: EvalBaseInfo | None = None
    current_version: EvaluatorVersion | None = None
    latest_version: str | None = None
    builtin: bool = False


class EvaluatorRecord(BaseModel):
    id: Int64 | None = None
    experiment_id: Int64 | None = None
    experiment_run_id: Int64 | None = None
    item_id: Int64 | None = None
    turn_id: Int64 | None = None
    evaluator_version_id: Int64 | None = None
    trace_id: str | None = None
    log_id: str | None = None
    evaluator_input_data: EvaluatorInputData | None = None
    evaluator_output_data: EvaluatorOutputData | None = None
    status: EvaluatorRunStatus | None = None
    base_info: EvalBaseInfo | None = None
    ext: dict[str, str] | None = None


class Request(Loose):
    """A request body: fields we do not model are ignored, as Loose does."""


# --- requests -------------------------------------------------------------------------------------------


class NewEvaluator(Loose):
    evaluator_type: EvaluatorType
    name: Name
    description: Description = ""
    current_version: EvaluatorVersion | None = None


class CreateEvaluatorRequest(Request):
    evaluator: NewEvaluator
    workspace_id: Int64 | None = None
    cid: str | None = None


class CreateEvaluatorResponse(Envelope):
    evaluator_id: Int64


class ListEvaluatorsRequest(Request):
    workspace_id: Int64
    search_name: str | None = None
    creator_ids: list[Int64] | None = None
    evaluator_type: list[EvaluatorType] | None = None
    with_version: bool = False
    builtin: bool | None = None
    page_size: PageSize = 20
    page_number: Annotated[int, Field(ge=1)] = 1


class ListEvaluatorsResponse(Envelope):
    evaluators: list[Evaluator]
    total: Int64


class BatchGetEvaluatorsRequest(Request):
    workspace_id: Int64
    evaluator_ids: Annotated[list[Int64], Field(max_length=200)] = []
    include_deleted: bool = False


class EvaluatorsResponse(Envelope):
    evaluators: list[Evaluator]


class EvaluatorResponse(Envelope):
    evaluator: Evaluator


class UpdateEvaluatorRequest(Request):
    workspace_id: Int64
    evaluator_type: EvaluatorType | None = None
    name: Name | None = None
    description: Description | None = None


class UpdateEvaluatorDraftRequest(Request):
    workspace_id: Int64
    evaluator_content: EvaluatorContent
    evaluator_type: EvaluatorType


class CheckEvaluatorNameRequest(Request):
    workspace_id: Int64
    name: str
    evaluator_id: Int64 | None = None


class CheckNameResponse(Envelope):
    # `pass` is a Python keyword
    pass_: bool = Field(serialization_alias="pass")
    message: str = ""


class ListEvaluatorVersionsRequest(Request):
    workspace_id: Int64
    query_versions: list[str] | None = None
    page_size: PageSize = 20
    page_number: Annotated[int, Field(ge=1)] = 1


class ListEvaluatorVersionsResponse(Envelope):
    evaluator_versions: list[EvaluatorVersion]
    total: Int64


class BatchGetEvaluatorVersionsRequest(Request):
    workspace_id: Int64
    evaluator_version_ids: Annotated[list[Int64], Field(max_length=200)] = []
    include_deleted: bool = False


class SubmitEvaluatorVersionRequest(Request):
    workspace_id: Int64
    version: Version
    description: Description = ""
    cid: str | None = None


class RunEvaluatorRequest(Request):
    workspace_id: Int64
    input_data: EvaluatorInputData
    experiment_id: Int64 | None = None
    experiment_run_id: Int64 | None = None
    item_id: Int64 | None = None
    turn_id: Int64 | None = None
    ext: dict[str, str] | None = None


class RecordResponse(Envelope):
    record: EvaluatorRecord


class RecordsResponse(Envelope):
    records: list[EvaluatorRecord]


class DebugEvaluatorRequest(Request):
    workspace_id: Int64
    evaluator_content: EvaluatorContent
    input_data: EvaluatorInputData
    evaluator_type: EvaluatorType


class DebugEvaluatorResponse(Envelope):
    evaluator_output_data: EvaluatorOutputData


class BatchDebugEvaluatorRequest(Request):
    workspace_id: Int64
    evaluator_content: EvaluatorContent
    input_data: Annotated[list[EvaluatorInputData], Field(min_length=1, max_length=20)]
    evaluator_type: EvaluatorType


class BatchDebugEvaluatorResponse(Envelope):
    evaluator_output_data: list[EvaluatorOutputData]


class ValidateEvaluatorRequest(Request):
    workspace_id: Int64
    evaluator_content: EvaluatorContent
    evaluator_type: EvaluatorType
    input_data: EvaluatorInputData | None = None


class ValidateEvaluatorResponse(Envelope):
    valid: bool
    error_message: str = ""
    evaluator_output_data: EvaluatorOutputData | None = None


class UpdateEvaluatorRecordRequest(Request):
    workspace_id: Int64
    correction: Correction


class BatchGetEvaluatorRecordsRequest(Request):
    workspace_id: Int64
    evaluator_record_ids: Annotated[list[Int64], Field(max_length=200)] = []


class ListTemplatesResponse(Envelope):
    builtin_template_keys: list[EvaluatorContent]


class TemplateInfoResponse(Envelope):
    builtin_template: EvaluatorContent = Field(serialization_alias="builtin_template")


class TemplateLanguage(BaseModel):
    language_type: LanguageType | None = None
