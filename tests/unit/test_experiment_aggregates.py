"""Aggregates of an experiment from its rows: per-evaluator statistics and distribution, corrections win,
failed targets are left out of latency and tokens, weighted scores."""

from typing import Any

import pytest

from functions.evaluation.evaluator_schemas import EvaluatorRecord
from functions.evaluation.experiments.aggregates import compute, summarize
from functions.evaluation.experiments.config import (
    EvalTargetType,
    EvaluatorRef,
    ExperimentConfig,
    TargetConfig,
)
from functions.evaluation.experiments.item_run import weighted_score
from functions.evaluation.experiments.records import (
    EvalTargetOutputData,
    EvalTargetRecord,
    EvalTargetRunError,
    EvalTargetUsage,
    ItemResults,
    TurnResults,
)
from shared.evaluation.entities import Correction, EvaluatorOutputData, EvaluatorResult


class Row:
    """What compute() reads of a row: its results JSON."""

    def __init__(self, results: ItemResults) -> None:
        self.results = results.model_dump_json()


def record(score: float, corrected: float | None = None) -> EvaluatorRecord:
    correction = Correction(score=corrected) if corrected is not None else None
    return EvaluatorRecord(
        evaluator_output_data=EvaluatorOutputData(evaluator_result=EvaluatorResult(score=score, correction=correction))
    )


def target(latency: int, tokens: int, failed: bool = False) -> EvalTargetRecord:
    if failed:
        return EvalTargetRecord(
            eval_target_output_data=EvalTargetOutputData(eval_target_run_error=EvalTargetRunError(message="x"))
        )
    usage = EvalTargetUsage(input_tokens=tokens, output_tokens=1, total_tokens=tokens + 1)
    return EvalTargetRecord(
        eval_target_output_data=EvalTargetOutputData(time_consuming_ms=latency, eval_target_usage=usage)
    )


CONFIG = ExperimentConfig(
    eval_set_id=1,
    eval_set_version_id=2,
    target=TargetConfig(eval_target_type=EvalTargetType.LOOP_PROMPT, target_id=3, target_version_id=4),
    evaluators=[
        EvaluatorRef(evaluator_id=10, evaluator_version_id=11, version="1.0.0", name="judge", evaluator_type=1),
        EvaluatorRef(
            evaluator_id=20, evaluator_version_id=21, version="1.0.0", name="code", evaluator_type=2, score_weight=3
        ),
    ],
)


def results(judge: float, code: float, latency: int, corrected: float | None = None, failed: bool = False) -> Row:
    turn = TurnResults(
        turn_id=0,
        target_record=target(latency, 10, failed),
        evaluator_records={"11": record(judge, corrected), "21": record(code)},
    )
    return Row(ItemResults(turns=[turn]))


def values(aggregates: list[Any]) -> dict[int, Any]:
    return {
        a.aggregator_type: a.data.value if a.aggregator_type != 5 else a.data.score_distribution for a in aggregates
    }


def test_per_evaluator_statistics_count_a_correction_instead_of_the_score() -> None:
    rows = [results(1.0, 0.0, 100), results(0.5, 1.0, 300, corrected=0.0), results(0.5, 1.0, 200)]
    aggregate = compute(7, CONFIG, rows)  # type: ignore[arg-type]
    judge = values(aggregate.evaluator_results["11"].aggregator_results)
    assert judge[1] == pytest.approx(0.5) and judge[2] == pytest.approx(1.5)
    assert (judge[3], judge[4]) == (1.0, 0.0)
    distribution = {item.score: (item.count, item.percentage) for item in judge[5].score_distribution_items}
    assert distribution == {"0": (1, 0.3333), "0.5": (1, 0.3333), "1": (1, 0.3333)}
    latency = values(aggregate.eval_target_aggr_result.latency)  # type: ignore[union-attr]
    assert latency[1] == pytest.approx(200)


def test_failed_targets_are_left_out_of_latency_and_tokens() -> None:
    aggregate = compute(7, CONFIG, [results(1, 1, 100), results(1, 1, 900, failed=True)])  # type: ignore[arg-type]
    target_aggregate = aggregate.eval_target_aggr_result
    assert target_aggregate is not None
    assert values(target_aggregate.latency)[1] == pytest.approx(100)
    assert values(target_aggregate.input_tokens)[2] == pytest.approx(10)


def test_no_scores_means_no_statistics_rather_than_zeros() -> None:
    assert summarize([], distribution=True) == []


def test_the_weighted_score_uses_each_evaluator_weight_and_one_by_default() -> None:
    turn = TurnResults(turn_id=0, evaluator_records={"11": record(1.0), "21": record(0.0, corrected=0.5)})
    assert weighted_score(CONFIG, turn) == pytest.approx((1 * 1.0 + 3 * 0.5) / 4)
    assert weighted_score(CONFIG, TurnResults(turn_id=0)) is None
