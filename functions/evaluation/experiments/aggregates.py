"""Aggregates of an experiment (upstream's ExptAggregateResult): per evaluator average, sum, max, min and the
score distribution; the target's latency and tokens; the weighted score. Recomputed from the rows when a run
finishes and after a person corrects a score, so they always agree with the rows."""

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, Field

from functions.evaluation.experiments.config import ExperimentConfig
from functions.evaluation.experiments.records import ItemResults, score_of
from shared.clock import now_ms
from shared.evaluation.models import ExperimentItem, ExperimentRowItem
from shared.ids import Int64


class ScoreDistributionItem(BaseModel):
    score: str
    count: Int64
    percentage: float


class ScoreDistribution(BaseModel):
    score_distribution_items: list[ScoreDistributionItem] = Field(default_factory=list)


class AggregateData(BaseModel):
    data_type: int = 0  # 0 Double, 1 ScoreDistribution
    value: float | None = None
    score_distribution: ScoreDistribution | None = None


class AggregatorResult(BaseModel):
    aggregator_type: int  # 1 Average, 2 Sum, 3 Max, 4 Min, 5 Distribution
    data: AggregateData


class EvaluatorAggregateResult(BaseModel):
    evaluator_version_id: Int64
    aggregator_results: list[AggregatorResult] = Field(default_factory=list)
    name: str | None = None
    version: str | None = None


class EvalTargetAggregateResult(BaseModel):
    target_id: Int64 | None = None
    target_version_id: Int64 | None = None
    latency: list[AggregatorResult] = Field(default_factory=list)
    input_tokens: list[AggregatorResult] = Field(default_factory=list)
    output_tokens: list[AggregatorResult] = Field(default_factory=list)
    total_tokens: list[AggregatorResult] = Field(default_factory=list)


class ExptAggregateResult(BaseModel):
    experiment_id: Int64
    evaluator_results: dict[str, EvaluatorAggregateResult] = Field(default_factory=dict)
    status: int = 1  # Idle
    eval_target_aggr_result: EvalTargetAggregateResult | None = None
    update_time: Int64 | None = None
    weighted_results: list[AggregatorResult] = Field(default_factory=list)


def _double(kind: int, value: float) -> AggregatorResult:
    return AggregatorResult(aggregator_type=kind, data=AggregateData(value=round(value, 6)))


def summarize(values: list[float], *, distribution: bool) -> list[AggregatorResult]:
    if not values:
        return []
    results = [
        _double(1, sum(values) / len(values)),
        _double(2, sum(values)),
        _double(3, max(values)),
        _double(4, min(values)),
    ]
    if distribution:
        counts = Counter(f"{value:g}" for value in (round(v, 2) for v in values))
        items = [
            ScoreDistributionItem(score=score, count=count, percentage=round(count / len(values), 4))
            for score, count in sorted(counts.items(), key=lambda pair: float(pair[0]))
        ]
        results.append(
            AggregatorResult(
                aggregator_type=5,
                data=AggregateData(data_type=1, score_distribution=ScoreDistribution(score_distribution_items=items)),
            )
        )
    return results


def compute(expt_id: int, config: ExperimentConfig, rows: Iterable[ExperimentRowItem]) -> ExptAggregateResult:
    scores: dict[str, list[float]] = {str(ref.evaluator_version_id): [] for ref in config.evaluators}
    latency: list[float] = []
    tokens: dict[str, list[float]] = {"input": [], "output": [], "total": []}
    weighted: list[float] = []
    for row in rows:
        if not row.results:
            continue
        for turn in ItemResults.model_validate_json(row.results).turns:
            for version_id, record in turn.evaluator_records.items():
                score = score_of(record)
                if score is not None and version_id in scores:
                    scores[version_id].append(score)
            if turn.weighted_score is not None:
                weighted.append(turn.weighted_score)
            target = turn.target_record
            output = target.eval_target_output_data if target else None
            if output is None or output.eval_target_run_error is not None:
                continue
            latency.append(float(output.time_consuming_ms or 0))
            if output.eval_target_usage:
                tokens["input"].append(float(output.eval_target_usage.input_tokens))
                tokens["output"].append(float(output.eval_target_usage.output_tokens))
                tokens["total"].append(float(output.eval_target_usage.total_tokens))
    return ExptAggregateResult(
        experiment_id=expt_id,
        evaluator_results={
            str(ref.evaluator_version_id): EvaluatorAggregateResult(
                evaluator_version_id=ref.evaluator_version_id,
                aggregator_results=summarize(scores[str(ref.evaluator_version_id)], distribution=True),
                name=ref.name,
                version=ref.version,
            )
            for ref in config.evaluators
        },
        eval_target_aggr_result=EvalTargetAggregateResult(
            target_id=config.target.target_id or None,
            target_version_id=config.target.target_version_id or None,
            latency=summarize(latency, distribution=False),
            input_tokens=summarize(tokens["input"], distribution=False),
            output_tokens=summarize(tokens["output"], distribution=False),
            total_tokens=summarize(tokens["total"], distribution=False),
        ),
        update_time=now_ms() // 1000,
        weighted_results=summarize(weighted, distribution=False),
    )


def recompute(expt_id: int) -> ExptAggregateResult:
    expt = ExperimentItem.get(expt_id, consistent_read=True)
    config = ExperimentConfig.model_validate_json(expt.config)
    result = compute(expt_id, config, ExperimentRowItem.query(expt_id))
    expt.update(actions=[ExperimentItem.aggregates.set(result.model_dump_json())])
    return result
