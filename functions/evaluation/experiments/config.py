"""What an experiment runs, stored with it as JSON, and the states upstream names (domain/expt.thrift)."""

from enum import IntEnum

from pydantic import BaseModel, Field

from shared.evaluation.entities import Loose
from shared.ids import Int64


class ExptStatus(IntEnum):
    PENDING = 2
    PROCESSING = 3
    SUCCESS = 11
    FAILED = 12
    TERMINATED = 13
    SYSTEM_TERMINATED = 14
    TERMINATING = 15


FINISHED = (ExptStatus.SUCCESS, ExptStatus.FAILED, ExptStatus.TERMINATED, ExptStatus.SYSTEM_TERMINATED)


class ItemRunState(IntEnum):
    QUEUEING = 0
    PROCESSING = 1
    SUCCESS = 2
    FAIL = 3
    TERMINAL = 5


class TurnRunState(IntEnum):
    QUEUEING = 0
    SUCCESS = 1
    FAIL = 2
    PROCESSING = 3
    TERMINAL = 4


TURN_STATE = {
    ItemRunState.QUEUEING: TurnRunState.QUEUEING,
    ItemRunState.PROCESSING: TurnRunState.PROCESSING,
    ItemRunState.SUCCESS: TurnRunState.SUCCESS,
    ItemRunState.FAIL: TurnRunState.FAIL,
    ItemRunState.TERMINAL: TurnRunState.TERMINAL,
}


class EvalTargetType(IntEnum):
    NONE = 0  # evaluate the set's own data: no target runs
    LOOP_PROMPT = 2


class RetryMode(IntEnum):
    RETRY_ALL = 1
    RETRY_FAILURE = 2
    RETRY_TARGET_ITEMS = 3


PROMPT_USER_QUERY = "builtin_prompt_user_query"  # maps a column to the user message of a prompt target
ACTUAL_OUTPUT = "actual_output"


class FieldMapping(Loose):
    field_name: str = ""
    const_value: str | None = None
    from_field_name: str | None = None


class TargetFieldMapping(Loose):
    from_eval_set: list[FieldMapping] = Field(default_factory=list)


class EvaluatorFieldMapping(Loose):
    evaluator_version_id: Int64
    from_eval_set: list[FieldMapping] = Field(default_factory=list)
    from_target: list[FieldMapping] = Field(default_factory=list)


class TargetConfig(BaseModel):
    eval_target_type: EvalTargetType
    target_id: int = 0
    target_version_id: int = 0
    prompt_id: int = 0
    prompt_key: str = ""
    prompt_name: str = ""
    prompt_version: str = ""


class EvaluatorRef(BaseModel):
    evaluator_id: int
    evaluator_version_id: int
    version: str
    name: str
    evaluator_type: int
    score_weight: float | None = None


class EvalSetColumn(BaseModel):
    key: str
    name: str
    content_type: str | None = None


class ExperimentConfig(BaseModel):
    eval_set_id: int
    eval_set_version_id: int
    eval_set_version: str = ""
    eval_set_name: str = ""
    columns: list[EvalSetColumn] = Field(default_factory=list)
    target: TargetConfig
    evaluators: list[EvaluatorRef]
    target_field_mapping: TargetFieldMapping = Field(default_factory=TargetFieldMapping)
    evaluator_field_mapping: list[EvaluatorFieldMapping] = Field(default_factory=list)
    item_concur_num: int = 10
    item_retry_num: int = 0
    evaluators_concur_num: int = 3
    enable_weighted_score: bool = False
    target_runtime_param: str | None = None

    def mapping_of(self, evaluator_version_id: int) -> EvaluatorFieldMapping:
        return next(
            (m for m in self.evaluator_field_mapping if m.evaluator_version_id == evaluator_version_id),
            EvaluatorFieldMapping(evaluator_version_id=evaluator_version_id),
        )
