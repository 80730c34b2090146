"""Results of experiments: item rows with filters, comparison against a baseline, records, corrections, CSV."""

import csv
import io
import json

from pynamodb.exceptions import UpdateError

from functions.evaluation import experiment_schemas as schemas
from functions.evaluation.evaluator_schemas import EvaluatorRecord
from functions.evaluation.experiments.aggregates import ExptAggregateResult, recompute
from functions.evaluation.experiments.config import TURN_STATE, ExperimentConfig, ItemRunState
from functions.evaluation.experiments.records import ItemResults, score_of
from functions.evaluation.experiments.service import get_item
from shared.auth.principals import WorkspaceScope
from shared.data.reader import EvalSetItem
from shared.dynamo import is_condition_failure
from shared.errors import Conflict, InvalidInput, NotFound
from shared.evaluation.entities import Correction
from shared.evaluation.models import EvaluatorRecordItem, ExperimentItem, ExperimentRowItem

# FieldType and FilterOperatorType values of upstream's expt.thrift that the results filter understands.
EVALUATOR_SCORE, TURN_RUN_STATE, ACTUAL_OUTPUT_FIELD, ITEM_RUN_STATE, EVAL_SET_COLUMN = 1, 4, 44, 48, 42
EQUAL, NOT_EQUAL, GREATER, GREATER_OR_EQUAL, LESS, LESS_OR_EQUAL, IN, NOT_IN, LIKE = 1, 2, 3, 4, 5, 6, 7, 8, 9


def _compare(value: float | str | None, operator: int, wanted: str) -> bool:
    if value is None:
        return operator == NOT_EQUAL
    if isinstance(value, str):
        if operator == LIKE:
            return wanted.casefold() in value.casefold()
        return (value == wanted) == (operator == EQUAL)
    options = [part.strip() for part in wanted.split(",") if part.strip()]
    try:
        if operator in (IN, NOT_IN):
            return (value in {float(option) for option in options}) == (operator == IN)
        number = float(wanted)
    except ValueError as error:
        raise InvalidInput(f"filters: {wanted!r} is not a number") from error
    return {
        EQUAL: value == number,
        NOT_EQUAL: value != number,
        GREATER: value > number,
        GREATER_OR_EQUAL: value >= number,
        LESS: value < number,
        LESS_OR_EQUAL: value <= number,
    }.get(operator, False)


def _value(row: ExperimentRowItem, results: ItemResults, condition: schemas.FilterCondition) -> float | str | None:
    kind, key = condition.field.field_type, condition.field.field_key or ""
    if kind in (ITEM_RUN_STATE, TURN_RUN_STATE):
        state = ItemRunState(row.state)
        return float(state if kind == ITEM_RUN_STATE else TURN_STATE[state])
    turn = results.turns[0] if results.turns else None
    if kind == EVALUATOR_SCORE:
        record = turn.evaluator_records.get(key) if turn else None
        return score_of(record) if record else None
    if kind == ACTUAL_OUTPUT_FIELD:
        target = turn.target_record if turn else None
        output = target.eval_target_output_data if target else None
        fields = output.output_fields if output and output.output_fields else {}
        return fields["actual_output"].as_text() if "actual_output" in fields else None
    if kind == EVAL_SET_COLUMN:
        item = EvalSetItem.model_validate_json(row.item)
        for field in item.turns[0].field_data_list if item.turns else []:
            if key in (field.key, field.name) and field.content is not None:
                return field.content.as_text()
        return None
    raise InvalidInput(f"filters: field_type {kind} cannot filter results here")


def _matches(row: ExperimentRowItem, filters: schemas.Filters | None) -> bool:
    if filters is None or not filters.filter_conditions:
        return True
    results = ItemResults.model_validate_json(row.results) if row.results else ItemResults()
    checks = (_compare(_value(row, results, c), c.operator, c.value) for c in filters.filter_conditions)
    return any(checks) if filters.logic_op == 2 else all(checks)


def _error(row: ExperimentRowItem) -> schemas.RunError | None:
    if not row.error:
        return None
    data = json.loads(row.error)
    return schemas.RunError(code=int(data.get("code", 0)), message=str(data.get("message", "")))


def _payloads(expt_id: int, row: ExperimentRowItem | None, item: EvalSetItem) -> dict[int, schemas.ExperimentResult]:
    """turn_id → this experiment's result for that turn (an empty payload when the row is missing)."""
    results = ItemResults.model_validate_json(row.results) if row and row.results else ItemResults()
    state = TURN_STATE[ItemRunState(row.state)] if row else TURN_STATE[ItemRunState.QUEUEING]
    error = _error(row) if row else None
    payloads: dict[int, schemas.ExperimentResult] = {}
    for turn in item.turns:
        turn_results = next((t for t in results.turns if t.turn_id == turn.id), None)
        payloads[turn.id] = schemas.ExperimentResult(
            experiment_id=expt_id,
            payload=schemas.ExperimentTurnPayload(
                turn_id=turn.id,
                eval_set={"turn": turn.model_dump(mode="json", exclude_none=True)},
                target_output={"eval_target_record": turn_results.target_record if turn_results else None},
                evaluator_output={
                    "evaluator_records": {
                        key: record.model_dump(mode="json", exclude_none=True)
                        for key, record in (turn_results.evaluator_records.items() if turn_results else [])
                    },
                    "weighted_score": turn_results.weighted_score if turn_results else None,
                },
                system_info=schemas.TurnSystemInfo(turn_run_state=int(state), error=error),
            ),
        )
    return payloads


def batch_get_results(
    scope: WorkspaceScope, request: schemas.BatchGetExperimentResultRequest
) -> schemas.BatchGetExperimentResultResponse:
    """One experiment's rows, or several side by side on the baseline's items (matched by item_id)."""
    experiments = [get_item(scope, expt_id) for expt_id in request.experiment_ids]
    baseline_id = request.baseline_experiment_id or request.experiment_ids[0]
    if baseline_id not in request.experiment_ids:
        raise InvalidInput("baseline_experiment_id: must be one of experiment_ids")
    baseline = next(expt for expt in experiments if expt.expt_id == baseline_id)
    config = ExperimentConfig.model_validate_json(baseline.config)
    baseline_filter = request.filters.get(str(baseline_id))
    rows = [
        row
        for row in ExperimentRowItem.query(baseline_id)
        if _matches(row, baseline_filter.filters if baseline_filter else None)
    ]
    start = (request.page_number - 1) * request.page_size
    page = rows[start : start + request.page_size]
    others: dict[int, dict[int, ExperimentRowItem]] = {}
    for expt in experiments:
        if expt.expt_id != baseline_id:
            others[expt.expt_id] = {row.item_id: row for row in ExperimentRowItem.query(expt.expt_id)}
    item_results = []
    for row in page:
        item = EvalSetItem.model_validate_json(row.item)
        per_expt = {baseline_id: _payloads(baseline_id, row, item)}
        for expt_id, by_item in others.items():
            per_expt[expt_id] = _payloads(expt_id, by_item.get(row.item_id), item)
        turns = [
            schemas.TurnResult(
                turn_id=turn.id,
                turn_index=index,
                experiment_results=[per_expt[expt_id][turn.id] for expt_id in request.experiment_ids],
            )
            for index, turn in enumerate(item.turns)
        ]
        item_results.append(
            schemas.ItemResult(
                item_id=row.item_id,
                item_index=row.item_index,
                turn_results=turns,
                system_info=schemas.ItemSystemInfo(run_state=row.state, error=_error(row)),
            )
        )
    columns = []
    for expt in experiments:
        expt_config = ExperimentConfig.model_validate_json(expt.config)
        columns.append(
            schemas.ExptColumnEvaluator(
                experiment_id=expt.expt_id,
                column_evaluators=[
                    schemas.ColumnEvaluator(
                        evaluator_version_id=ref.evaluator_version_id,
                        evaluator_id=ref.evaluator_id,
                        evaluator_type=ref.evaluator_type,
                        name=ref.name,
                        version=ref.version,
                    )
                    for ref in expt_config.evaluators
                ],
            )
        )
    return schemas.BatchGetExperimentResultResponse(
        column_eval_set_fields=[
            schemas.ColumnEvalSetField(key=c.key, name=c.name, content_type=c.content_type) for c in config.columns
        ],
        column_evaluators=columns[request.experiment_ids.index(baseline_id)].column_evaluators,
        expt_column_evaluators=columns,
        item_results=item_results,
        total=len(rows),
    )


def aggregates(scope: WorkspaceScope, expt_ids: list[int]) -> list[ExptAggregateResult]:
    found = []
    for expt_id in expt_ids:
        expt = get_item(scope, expt_id)
        found.append(
            ExptAggregateResult.model_validate_json(expt.aggregates) if expt.aggregates else recompute(expt_id)
        )
    return found


# --- records in experiments -----------------------------------------------------------------------------


def _row_record(item: EvaluatorRecordItem) -> tuple[ExperimentRowItem, ItemResults, EvaluatorRecord]:
    try:
        row = ExperimentRowItem.get(item.experiment_id, item.item_index, consistent_read=True)
    except ExperimentRowItem.DoesNotExist as error:
        raise NotFound(f"evaluator record {item.record_id} no longer exists (its experiment was deleted)") from error
    results = ItemResults.model_validate_json(row.results) if row.results else ItemResults()
    for turn in results.turns:
        for record in turn.evaluator_records.values():
            if record.id == item.record_id:
                return row, results, record
    raise NotFound(f"evaluator record {item.record_id} was replaced by a newer run of its item")


def experiment_record(scope: WorkspaceScope, item: EvaluatorRecordItem) -> EvaluatorRecord:
    return _row_record(item)[2]


def correct_experiment_record(
    scope: WorkspaceScope, item: EvaluatorRecordItem, correction: Correction
) -> EvaluatorRecord:
    row, results, record = _row_record(item)
    output = record.evaluator_output_data
    if output is None or output.evaluator_result is None:
        raise InvalidInput("this record has no result to correct: the evaluator failed; retry the item")
    output.evaluator_result = output.evaluator_result.model_copy(update={"correction": correction})
    expt = ExperimentItem.get(item.experiment_id)
    config = ExperimentConfig.model_validate_json(expt.config)
    if config.enable_weighted_score:
        from functions.evaluation.experiments.item_run import weighted_score

        for turn in results.turns:
            turn.weighted_score = weighted_score(config, turn)
    try:
        row.update(
            actions=[ExperimentRowItem.results.set(results.model_dump_json(exclude_none=True))],
            # Only a finished row of its run: a row requeued or running meanwhile must not get old results back.
            condition=(ExperimentRowItem.attempt == row.attempt)
            & (ExperimentRowItem.run_id == row.run_id)
            & ExperimentRowItem.state.is_in(
                int(ItemRunState.SUCCESS), int(ItemRunState.FAIL), int(ItemRunState.TERMINAL)
            ),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            raise Conflict("this item is being run again; correct its score once the run has finished") from error
        raise
    recompute(item.experiment_id)
    return record


# --- CSV ------------------------------------------------------------------------------------------------


def results_csv(expt: ExperimentItem) -> str:
    config = ExperimentConfig.model_validate_json(expt.config)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["item_id", "status", *[column.name for column in config.columns], "actual_output"]
    for ref in config.evaluators:
        header += [f"{ref.name} score", f"{ref.name} reason"]
    header += ["latency_ms", "input_tokens", "output_tokens", "error"]
    writer.writerow(header)
    for row in ExperimentRowItem.query(expt.expt_id):
        item = EvalSetItem.model_validate_json(row.item)
        results = ItemResults.model_validate_json(row.results) if row.results else ItemResults()
        for turn in item.turns:
            cells = {field.name: field.content.as_text() if field.content else "" for field in turn.field_data_list}
            turn_results = next((t for t in results.turns if t.turn_id == turn.id), None)
            target = turn_results.target_record if turn_results else None
            output = target.eval_target_output_data if target else None
            fields = output.output_fields if output and output.output_fields else {}
            line = [str(row.item_id), ItemRunState(row.state).name.title()]
            line += [cells.get(column.name, "") for column in config.columns]
            line.append(fields["actual_output"].as_text() if "actual_output" in fields else "")
            for ref in config.evaluators:
                record = turn_results.evaluator_records.get(str(ref.evaluator_version_id)) if turn_results else None
                score = score_of(record) if record else None
                result = (
                    record.evaluator_output_data.evaluator_result if record and record.evaluator_output_data else None
                )
                line += ["" if score is None else f"{score:g}", (result.reasoning or "") if result else ""]
            usage = output.eval_target_usage if output else None
            line += [
                str(output.time_consuming_ms or "") if output else "",
                str(usage.input_tokens) if usage else "",
                str(usage.output_tokens) if usage else "",
                json.loads(row.error).get("message", "") if row.error else "",
            ]
            writer.writerow(line)
    return buffer.getvalue()
