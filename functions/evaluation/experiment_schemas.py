"""Requests and responses of the experiment routes (names and fields as upstream's coze.loop.evaluation.expt.thrift)."""

from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from functions.evaluation.evaluator_schemas import EvalBaseInfo, Evaluator, EvaluatorRecord, Request
from functions.evaluation.experiments.aggregates import EvaluatorAggregateResult, ExptAggregateResult
from functions.evaluation.experiments.config import EvaluatorFieldMapping, RetryMode, TargetFieldMapping
from functions.evaluation.experiments.records import EvalTargetRecord
from shared.envelope import Envelope
from shared.evaluation.entities import Loose
from shared.ids import Int64

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class ExptTokenUsage(BaseModel):
    input_tokens: Int64 = 0
    output_tokens: Int64 = 0


class ExptStatistics(BaseModel):
    evaluator_aggregate_results: list[EvaluatorAggregateResult] = Field(default_factory=list)
    token_usage: ExptTokenUsage | None = None
    pending_turn_cnt: int = 0
    success_turn_cnt: int = 0
    fail_turn_cnt: int = 0
    terminated_turn_cnt: int = 0
    processing_turn_cnt: int = 0


class EvaluatorIDVersionItem(Loose):
    evaluator_id: Int64 | None = None
    version: str | None = None
    evaluator_version_id: Int64 | None = None
    score_weight: float | None = None


class Experiment(BaseModel):
    id: Int64
    name: str
    desc: str
    creator_by: str
    status: int
    status_message: str = ""
    start_time: Int64 | None = None
    end_time: Int64 | None = None
    create_time: Int64 | None = None
    item_concur_num: int
    item_retry_num: int
    eval_set_id: Int64
    eval_set_version_id: Int64
    target_id: Int64 | None = None
    target_version_id: Int64 | None = None
    evaluator_version_ids: list[Int64]
    evaluator_id_version_list: list[EvaluatorIDVersionItem]
    eval_set: dict[str, Any]
    eval_target: dict[str, Any] | None = None
    evaluators: list[Evaluator]
    base_info: EvalBaseInfo
    expt_stats: ExptStatistics
    target_field_mapping: TargetFieldMapping
    evaluator_field_mapping: list[EvaluatorFieldMapping]
    enable_weighted_score: bool = False
    total_item_count: Int64 = 0
    run_id: Int64


class CreateEvalTargetParam(Loose):
    source_target_id: str | None = None
    source_target_version: str | None = None
    eval_target_type: int | None = None


class SubmitExperimentRequest(Request):
    workspace_id: Int64
    name: Name
    desc: Description = ""
    eval_set_id: Int64
    eval_set_version_id: Int64 | None = None
    evaluator_version_ids: list[Int64] = []
    evaluator_id_version_list: list[EvaluatorIDVersionItem] = []
    create_eval_target_param: CreateEvalTargetParam | None = None
    target_field_mapping: TargetFieldMapping | None = None
    evaluator_field_mapping: list[EvaluatorFieldMapping] = []
    item_concur_num: Annotated[int, Field(ge=1, le=200)] | None = None
    evaluators_concur_num: Annotated[int, Field(ge=1, le=20)] | None = None
    item_retry_num: Annotated[int, Field(ge=0, le=10)] | None = None
    enable_weighted_score: bool = False


class SubmitExperimentResponse(Envelope):
    experiment: Experiment
    run_id: Int64


class CheckExperimentNameRequest(Request):
    workspace_id: Int64
    name: str


class CheckNameResponse(Envelope):
    pass_: bool = Field(serialization_alias="pass")
    message: str = ""


class FilterOption(Loose):
    fuzzy_name: str | None = None


class ListExperimentsRequest(Request):
    workspace_id: Int64
    page_number: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=200)] = 20
    filter_option: FilterOption | None = None


class ListExperimentsResponse(Envelope):
    experiments: list[Experiment]
    total: Int64


class BatchGetExperimentsRequest(Request):
    workspace_id: Int64
    expt_ids: Annotated[list[Int64], Field(max_length=100)]


class ExperimentsResponse(Envelope):
    experiments: list[Experiment]


class UpdateExperimentRequest(Request):
    workspace_id: Int64
    name: Name | None = None
    desc: Description | None = None


class CloneExperimentResponse(Envelope):
    experiment: Experiment


class RetryExperimentRequest(Request):
    workspace_id: Int64
    retry_mode: RetryMode = RetryMode.RETRY_FAILURE
    item_ids: list[Int64] = []


class RunResponse(Envelope):
    run_id: Int64


class ExptFilterField(Loose):
    field_type: int
    field_key: str | None = None


class FilterCondition(Loose):
    field: ExptFilterField
    operator: int
    value: str = ""


class Filters(Loose):
    filter_conditions: list[FilterCondition] = []
    logic_op: int = 1  # And


class ExperimentFilter(Loose):
    filters: Filters | None = None


class BatchGetExperimentResultRequest(Request):
    workspace_id: Int64
    experiment_ids: Annotated[list[Int64], Field(min_length=1, max_length=10)]
    baseline_experiment_id: Int64 | None = None
    filters: dict[str, ExperimentFilter] = {}
    page_number: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=200)] = 20


class ColumnEvalSetField(BaseModel):
    key: str | None = None
    name: str | None = None
    content_type: str | None = None


class ColumnEvaluator(BaseModel):
    evaluator_version_id: Int64
    evaluator_id: Int64
    evaluator_type: int
    name: str | None = None
    version: str | None = None


class ExptColumnEvaluator(BaseModel):
    experiment_id: Int64
    column_evaluators: list[ColumnEvaluator]


class RunError(BaseModel):
    code: Int64
    message: str | None = None


class TurnSystemInfo(BaseModel):
    turn_run_state: int
    error: RunError | None = None


class ExperimentTurnPayload(BaseModel):
    turn_id: Int64
    eval_set: dict[str, Any] | None = None
    target_output: dict[str, EvalTargetRecord | None] | None = None
    evaluator_output: dict[str, Any] | None = None
    system_info: TurnSystemInfo


class ExperimentResult(BaseModel):
    experiment_id: Int64
    payload: ExperimentTurnPayload | None = None


class TurnResult(BaseModel):
    turn_id: Int64
    experiment_results: list[ExperimentResult]
    turn_index: Int64 = 0


class ItemSystemInfo(BaseModel):
    run_state: int
    error: RunError | None = None


class ItemResult(BaseModel):
    item_id: Int64
    item_index: Int64
    turn_results: list[TurnResult]
    system_info: ItemSystemInfo


class BatchGetExperimentResultResponse(Envelope):
    column_eval_set_fields: list[ColumnEvalSetField]
    column_evaluators: list[ColumnEvaluator]
    expt_column_evaluators: list[ExptColumnEvaluator]
    item_results: list[ItemResult]
    total: Int64


class AggrResultsRequest(Request):
    workspace_id: Int64
    experiment_ids: Annotated[list[Int64], Field(min_length=1, max_length=20)]


class AggrResultsResponse(Envelope):
    expt_aggregate_result: list[ExptAggregateResult]


class ExportRequest(Request):
    workspace_id: Int64


class ExportResponse(Envelope):
    export_id: Int64


class ExportRecord(BaseModel):
    export_id: Int64
    expt_id: Int64
    csv_export_status: int  # 1 Running, 2 Success, 3 Failed
    URL: str | None = None
    error: str | None = None


class ExportRecordResponse(Envelope):
    expt_result_export_records: ExportRecord


class RecordResponse(Envelope):
    record: EvaluatorRecord
