"""Runs one evaluation-set item of an experiment: for each turn the target, then the evaluators concurrently.

Work already recorded on the row (a target output, an evaluator's record) is reused, so a retry after a quota
wait or a crash repeats only what is missing. Errors that a later attempt may not hit (a model's quota, a
timeout) raise RetryLater; anything else becomes a failed record with a message a person can act on.
"""

import contextvars
import json
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

from functions.evaluation.evaluator_schemas import EvaluatorRecord
from functions.evaluation.experiments.config import (
    ACTUAL_OUTPUT,
    PROMPT_USER_QUERY,
    EvalTargetType,
    EvaluatorRef,
    ExperimentConfig,
    FieldMapping,
)
from functions.evaluation.experiments.records import (
    EvalTargetInputData,
    EvalTargetOutputData,
    EvalTargetRecord,
    EvalTargetRunError,
    EvalTargetUsage,
    ItemResults,
    TurnResults,
    score_of,
)
from shared.data.content import Content
from shared.data.reader import EvalSetItem, Turn
from shared.errors import InvalidInput, LoopError, RateLimited
from shared.evaluation.entities import (
    EvaluatorContent,
    EvaluatorInputData,
    EvaluatorRunStatus,
    EvaluatorType,
)
from shared.evaluation.models import EvaluatorVersionItem
from shared.evaluation.runner import EvaluatorRun, run_evaluator
from shared.ids import new_id
from shared.llm.catalog import Scenario
from shared.llm.gateway import TraceParent, default_gateway
from shared.prompt import execution
from shared.prompt.entities import Message, PromptDetail, VariableVal
from shared.prompt.repository import PromptRepository
from shared.spans import UploadSpan, write_spans

TARGET_ERROR = 600_500_001


class RetryLater(Exception):
    """The item should run again later; `quota` waits do not use up the item's retries."""

    def __init__(self, message: str, *, quota: bool) -> None:
        super().__init__(message)
        self.message, self.quota = message, quota


@dataclass(frozen=True)
class ItemContext:
    workspace_id: int
    user_id: str
    expt_id: int
    run_id: int
    config: ExperimentConfig


@dataclass(frozen=True)
class ItemOutcome:
    results: ItemResults
    failed: bool
    error: str


def retryable(error: Exception) -> RetryLater | None:
    if isinstance(error, RateLimited):
        return RetryLater(error.message, quota=True)
    from shared.evaluation.judge import is_retryable

    if is_retryable(error):
        return RetryLater(getattr(error, "message", None) or str(error), quota=False)
    return None


@lru_cache(maxsize=256)
def evaluator_content(version_id: int) -> EvaluatorContent:
    """Versions never change, so a process keeps what it read."""
    return EvaluatorContent.model_validate_json(EvaluatorVersionItem.get(version_id).content)


@lru_cache(maxsize=64)
def prompt_detail(prompt_id: int, version: str) -> PromptDetail:
    commit = PromptRepository().find_commit(prompt_id, version)
    if commit is None:
        raise InvalidInput(f"prompt {prompt_id} has no version {version}")
    return PromptDetail.model_validate_json(commit.detail)


def _columns(turn: Turn) -> dict[str, Content]:
    """A turn's cells by column name, and by key where the name is not taken."""
    cells: dict[str, Content] = {}
    for field in turn.field_data_list:
        if field.content is not None:
            cells.setdefault(field.name, field.content)
    for field in turn.field_data_list:
        if field.content is not None:
            cells.setdefault(field.key, field.content)
    return cells


def _mapped(mapping: FieldMapping, source: dict[str, Content]) -> Content | None:
    if mapping.const_value is not None and not mapping.from_field_name:
        return Content.of_text(mapping.const_value)
    return source.get(mapping.from_field_name or "")


def _write_span(
    ctx: ItemContext, trace: TraceParent, name: str, started_us: int, data: str, output: str, error: str
) -> None:
    write_spans(
        [
            UploadSpan(
                trace_id=trace.trace_id,
                span_id=trace.span_id,
                started_at_micros=started_us,
                duration_micros=time.time_ns() // 1000 - started_us,
                workspace_id=str(ctx.workspace_id),
                span_name=name,
                span_type="eval_target",
                call_type="EvalTarget",
                status_code=-1 if error else 0,
                input=data,
                output=output,
                tags_string={"experiment_id": str(ctx.expt_id), "experiment_run_id": str(ctx.run_id)}
                | ({"error": error} if error else {}),
                system_tags_string={"user_id": ctx.user_id},
            )
        ]
    )


def run_target(ctx: ItemContext, item: EvalSetItem, turn: Turn) -> EvalTargetRecord:
    target = ctx.config.target
    cells = _columns(turn)
    inputs: dict[str, Content] = {}
    for mapping in ctx.config.target_field_mapping.from_eval_set:
        value = _mapped(mapping, cells)
        if value is not None:
            inputs[mapping.field_name] = value
    record = EvalTargetRecord(
        id=new_id(),
        workspace_id=ctx.workspace_id,
        target_id=target.target_id,
        target_version_id=target.target_version_id,
        experiment_run_id=ctx.run_id,
        item_id=item.item_id,
        turn_id=turn.id,
        eval_target_input_data=EvalTargetInputData(input_fields=inputs),
    )
    trace = TraceParent(trace_id=secrets.token_hex(16), span_id=secrets.token_hex(8))
    record.trace_id = trace.trace_id
    started_us = time.time_ns() // 1000
    error = ""
    try:
        query = inputs.get(PROMPT_USER_QUERY)
        run = execution.PromptRun(
            detail=prompt_detail(target.prompt_id, target.prompt_version),
            workspace_id=ctx.workspace_id,
            user_id=ctx.user_id,
            prompt_key=target.prompt_key,
            version=target.prompt_version,
            variable_vals=[
                VariableVal(key=key, value=value.as_text()) for key, value in inputs.items() if key != PROMPT_USER_QUERY
            ],
            messages=[Message(role="user", content=query.as_text())] if query is not None else [],
            scenario=Scenario.EVAL_TARGET,
            parent=trace,
        )
        result = execution.execute(default_gateway(), run)
        usage = result.usage
        record.eval_target_output_data = EvalTargetOutputData(
            output_fields={ACTUAL_OUTPUT: Content.of_text(result.message.content or "")},
            eval_target_usage=EvalTargetUsage(
                input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens, total_tokens=usage.total_tokens
            ),
        )
        record.status = 1
    except Exception as error_raised:
        later = retryable(error_raised)
        error = getattr(error_raised, "message", None) or f"unexpected {type(error_raised).__name__}"
        if later is not None:
            _write_span(ctx, trace, "eval_target", started_us, "", "", error)
            raise later from error_raised
        if not isinstance(error_raised, LoopError):
            raise
        record.eval_target_output_data = EvalTargetOutputData(
            eval_target_run_error=EvalTargetRunError(code=TARGET_ERROR, message=f"the target failed: {error}")
        )
        record.status = 2
    elapsed_ms = (time.time_ns() // 1000 - started_us) // 1000
    assert record.eval_target_output_data is not None
    record.eval_target_output_data.time_consuming_ms = elapsed_ms
    _write_span(
        ctx,
        trace,
        target.prompt_key or "eval_target",
        started_us,
        json.dumps({key: value.as_text() for key, value in inputs.items()}, ensure_ascii=False),
        record.eval_target_output_data.model_dump_json(exclude_none=True),
        error,
    )
    return record


def evaluator_input(
    ctx: ItemContext, ref: EvaluatorRef, turn: Turn, target_record: EvalTargetRecord | None
) -> EvaluatorInputData:
    cells = _columns(turn)
    outputs = (
        dict(target_record.eval_target_output_data.output_fields or {})
        if target_record and target_record.eval_target_output_data
        else {}
    )
    mapping = ctx.config.mapping_of(ref.evaluator_version_id)
    fields: dict[str, Content] = {}
    for source, mappings in ((cells, mapping.from_eval_set), (outputs, mapping.from_target)):
        for field in mappings:
            value = _mapped(field, source)
            if value is not None:
                fields[field.field_name] = value
    return EvaluatorInputData(
        input_fields=fields,
        evaluate_dataset_fields={f.name: f.content for f in turn.field_data_list if f.content is not None},
        evaluate_target_output_fields=outputs,
    )


def run_one_evaluator(
    ctx: ItemContext, ref: EvaluatorRef, item: EvalSetItem, turn: Turn, target_record: EvalTargetRecord | None
) -> EvaluatorRecord:
    data = evaluator_input(ctx, ref, turn, target_record)
    run = EvaluatorRun(
        ctx.workspace_id,
        ctx.user_id,
        EvaluatorType(ref.evaluator_type),
        evaluator_content(ref.evaluator_version_id),
        data,
        name=ref.name,
        version=ref.version,
        tags={"experiment_id": str(ctx.expt_id), "experiment_run_id": str(ctx.run_id), "item_id": str(item.item_id)},
    )
    try:
        output = run_evaluator(run)
    except Exception as error:
        later = retryable(error)
        if later is not None:
            raise later from error
        raise
    return EvaluatorRecord(
        id=new_id(),
        experiment_id=ctx.expt_id,
        experiment_run_id=ctx.run_id,
        item_id=item.item_id,
        turn_id=turn.id,
        evaluator_version_id=ref.evaluator_version_id,
        trace_id=run.trace.trace_id,
        evaluator_input_data=data,
        evaluator_output_data=output,
        status=EvaluatorRunStatus.FAIL if output.failed else EvaluatorRunStatus.SUCCESS,
    )


def weighted_score(config: ExperimentConfig, turn: TurnResults) -> float | None:
    total = weight_sum = 0.0
    for ref in config.evaluators:
        record = turn.evaluator_records.get(str(ref.evaluator_version_id))
        score = score_of(record) if record else None
        if score is None:
            continue
        weight = ref.score_weight if ref.score_weight is not None else 1.0
        total += weight * score
        weight_sum += weight
    return total / weight_sum if weight_sum else None


def _run_evaluators(ctx: ItemContext, item: EvalSetItem, turn: Turn, results: TurnResults) -> RetryLater | None:
    missing = [ref for ref in ctx.config.evaluators if str(ref.evaluator_version_id) not in results.evaluator_records]
    if not missing:
        return None
    retry: RetryLater | None = None
    workers = max(1, min(ctx.config.evaluators_concur_num, len(missing)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {  # each in a copy of this context, so the item's span buffer collects their spans too
            ref.evaluator_version_id: pool.submit(
                contextvars.copy_context().run, run_one_evaluator, ctx, ref, item, turn, results.target_record
            )
            for ref in missing
        }
        for version_id, future in futures.items():
            try:
                results.evaluator_records[str(version_id)] = future.result()
            except RetryLater as later:
                retry = later
    return retry


def run_item(
    ctx: ItemContext, item: EvalSetItem, results: ItemResults, save: Callable[[ItemResults], None]
) -> ItemOutcome:
    """Runs what is missing; `save` keeps partial work before a retry is raised."""
    errors: list[str] = []
    for turn in item.turns:
        turn_results = results.turn(turn.id)
        if ctx.config.target.eval_target_type == EvalTargetType.LOOP_PROMPT:
            if turn_results.target_record is None:
                turn_results.target_record = run_target(ctx, item, turn)
            if turn_results.target_record.failed:
                output = turn_results.target_record.eval_target_output_data
                error = output.eval_target_run_error if output else None
                errors.append(error.message or "the target failed" if error else "the target failed")
                continue  # evaluators have nothing to judge
        retry = _run_evaluators(ctx, item, turn, turn_results)
        if retry is not None:
            save(results)
            raise retry
        if ctx.config.enable_weighted_score:
            turn_results.weighted_score = weighted_score(ctx.config, turn_results)
        for ref in ctx.config.evaluators:
            record = turn_results.evaluator_records.get(str(ref.evaluator_version_id))
            judged = record.evaluator_output_data if record else None
            if judged is not None and judged.evaluator_run_error is not None:
                errors.append(f"{ref.name}: {judged.evaluator_run_error.message or 'failed'}")
    if not item.turns:
        errors.append("the item has no turns to evaluate")
    return ItemOutcome(results=results, failed=bool(errors), error="; ".join(errors)[:2000])
