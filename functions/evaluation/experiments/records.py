"""What one item's run produced, per turn: the target's record and each evaluator's record (stored on the row)."""

from pydantic import BaseModel, Field

from functions.evaluation.evaluator_schemas import EvaluatorRecord
from shared.data.content import Content
from shared.evaluation.entities import Loose
from shared.ids import Int64


class EvalTargetUsage(BaseModel):
    input_tokens: Int64 = 0
    output_tokens: Int64 = 0
    total_tokens: Int64 = 0


class EvalTargetRunError(BaseModel):
    code: int | None = None
    message: str | None = None


class EvalTargetInputData(Loose):
    input_fields: dict[str, Content] | None = None
    ext: dict[str, str] | None = None


class EvalTargetOutputData(Loose):
    output_fields: dict[str, Content] | None = None
    eval_target_usage: EvalTargetUsage | None = None
    eval_target_run_error: EvalTargetRunError | None = None
    time_consuming_ms: Int64 | None = None


class EvalTargetRecord(Loose):
    id: Int64 | None = None
    workspace_id: Int64 | None = None
    target_id: Int64 | None = None
    target_version_id: Int64 | None = None
    experiment_run_id: Int64 | None = None
    item_id: Int64 | None = None
    turn_id: Int64 | None = None
    trace_id: str | None = None
    eval_target_input_data: EvalTargetInputData | None = None
    eval_target_output_data: EvalTargetOutputData | None = None
    status: int | None = None  # EvalTargetRunStatus: 1 Success, 2 Fail

    @property
    def failed(self) -> bool:
        output = self.eval_target_output_data
        return output is None or output.eval_target_run_error is not None


class TurnResults(BaseModel):
    turn_id: int
    target_record: EvalTargetRecord | None = None
    evaluator_records: dict[str, EvaluatorRecord] = Field(default_factory=dict)  # evaluator_version_id → record
    weighted_score: float | None = None


class ItemResults(BaseModel):
    turns: list[TurnResults] = Field(default_factory=list)

    def turn(self, turn_id: int) -> TurnResults:
        found = next((turn for turn in self.turns if turn.turn_id == turn_id), None)
        if found is None:
            found = TurnResults(turn_id=turn_id)
            self.turns.append(found)
        return found


def score_of(record: EvaluatorRecord) -> float | None:
    """The score that counts: a person's correction wins over the evaluator's."""
    output = record.evaluator_output_data
    result = output.evaluator_result if output else None
    if result is None:
        return None
    if result.correction is not None and result.correction.score is not None:
        return result.correction.score
    return result.score
