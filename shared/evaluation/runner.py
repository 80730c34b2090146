"""Runs one evaluator (an LLM judge or code) on one input, and records it as an `Evaluator` trace.

Debug runs, version runs and experiments all come through here, so every evaluation is traced the same way.
Quota errors (RateLimited) and transient model errors propagate: the experiment worker retries them later.
"""

import secrets
import time
from dataclasses import dataclass, field

from shared.errors import InvalidInput
from shared.evaluation.entities import (
    EvaluatorContent,
    EvaluatorInputData,
    EvaluatorOutputData,
    EvaluatorRunError,
    EvaluatorType,
)
from shared.llm.gateway import TraceParent, default_gateway
from shared.spans import UploadSpan, write_spans

RUN_ERROR_UNSUPPORTED = 600_400_001


@dataclass(frozen=True)
class EvaluatorRun:
    workspace_id: int
    user_id: str
    evaluator_type: EvaluatorType
    content: EvaluatorContent
    input_data: EvaluatorInputData
    name: str = ""
    version: str = ""
    tags: dict[str, str] = field(default_factory=dict)  # e.g. experiment and item ids, for the trace
    trace: TraceParent = field(
        default_factory=lambda: TraceParent(trace_id=secrets.token_hex(16), span_id=secrets.token_hex(8))
    )


def check_content(evaluator_type: EvaluatorType, content: EvaluatorContent) -> None:
    """The content an evaluator of this type needs is there; says what is missing otherwise."""
    if evaluator_type == EvaluatorType.PROMPT:
        judge = content.prompt_evaluator
        if judge is None or not judge.message_list:
            raise InvalidInput("evaluator_content.prompt_evaluator.message_list: give the judge at least one message")
        if judge.model_config_ is None or judge.model_config_.model_id is None:
            raise InvalidInput("evaluator_content.prompt_evaluator.model_config.model_id: pick the judge's model")
    elif evaluator_type == EvaluatorType.CODE:
        code = content.code_evaluator
        if code is None or not (code.code_content or code.lang_2_code_content):
            raise InvalidInput("evaluator_content.code_evaluator.code_content: write exec_evaluation(turn)")
    else:
        raise InvalidInput(f"evaluator_type: {int(evaluator_type)} is not supported here; use 1 (Prompt) or 2 (Code)")


def _evaluate(run: EvaluatorRun) -> EvaluatorOutputData:
    if run.evaluator_type == EvaluatorType.PROMPT and run.content.prompt_evaluator is not None:
        from shared.evaluation.judge import run_prompt_evaluator

        return run_prompt_evaluator(
            run.content.prompt_evaluator,
            run.input_data,
            workspace_id=run.workspace_id,
            user_id=run.user_id,
            parent=run.trace,
            gateway=default_gateway(),
        )
    if run.evaluator_type == EvaluatorType.CODE and run.content.code_evaluator is not None:
        from shared.evaluation.code_evaluator import run_code_evaluator

        return run_code_evaluator(run.content.code_evaluator, run.input_data)
    return EvaluatorOutputData(
        evaluator_run_error=EvaluatorRunError(
            code=RUN_ERROR_UNSUPPORTED, message="this evaluator has no runnable content for its type"
        )
    )


def run_evaluator(run: EvaluatorRun) -> EvaluatorOutputData:
    started_us = time.time_ns() // 1000
    output: EvaluatorOutputData | None = None
    failure = ""
    try:
        output = _evaluate(run)
        failure = output.evaluator_run_error.message or "failed" if output.evaluator_run_error else ""
        return output
    except Exception as error:
        failure = getattr(error, "message", None) or type(error).__name__
        raise
    finally:
        _trace(run, started_us, output, failure)


def _trace(run: EvaluatorRun, started_us: int, output: EvaluatorOutputData | None, failure: str) -> None:
    result = output.evaluator_result if output else None
    usage = output.evaluator_usage if output else None
    tags_double = {"score": result.score} if result and result.score is not None else {}
    tags_long = (
        {"input_tokens": int(usage.input_tokens or 0), "output_tokens": int(usage.output_tokens or 0)} if usage else {}
    )
    write_spans(
        [
            UploadSpan(
                trace_id=run.trace.trace_id,
                span_id=run.trace.span_id,
                started_at_micros=started_us,
                duration_micros=time.time_ns() // 1000 - started_us,
                workspace_id=str(run.workspace_id),
                span_name=run.name or "evaluator",
                span_type="evaluator",
                call_type="Evaluator",
                status_code=-1 if failure else 0,
                input=run.input_data.model_dump_json(exclude_none=True),
                output=output.model_dump_json(exclude_none=True) if output else "",
                tags_string={"evaluator_type": "prompt" if run.evaluator_type == EvaluatorType.PROMPT else "code"}
                | ({"evaluator_version": run.version} if run.version else {})
                | run.tags
                | ({"error": failure} if failure else {}),
                tags_double=tags_double,
                tags_long=tags_long,
                system_tags_string={"user_id": run.user_id},
            )
        ]
    )
