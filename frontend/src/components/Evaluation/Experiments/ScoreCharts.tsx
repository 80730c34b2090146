import { useMemo } from "react";
import type { EvaluatorAggregateResult } from "../../../api/experiments";
import { AGGREGATOR, aggregateValue, distribution } from "../../../lib/scores";
import { EChart, type ChartOption } from "../../Metrics/EChart";
import { averageOption, distributionOption } from "./chartOptions";

function BarEChart({ option, label }: { option: object; label: string }) {
  return <EChart option={option as ChartOption} label={label} className="loop-eval-chart" />;
}

/** Average per evaluator, then each evaluator's score distribution. */
export default function ScoreCharts({ results }: { results: EvaluatorAggregateResult[] }) {
  const averages = useMemo(() => averageOption(results.map((result) => ({ name: result.name ?? result.evaluator_version_id, value: aggregateValue(result.aggregator_results, AGGREGATOR.average) }))), [results]);
  return (
    <div className="loop-eval-charts">
      <section className="loop-eval-section" aria-label="Average score per evaluator">
        <h3>Average score per evaluator</h3>
        <BarEChart option={averages} label="Average score per evaluator" />
      </section>
      {results.map((result) => {
        const name = `${result.name ?? "Evaluator"} ${result.version ?? ""}`.trim();
        const buckets = distribution(result.aggregator_results);
        return (
          <section key={result.evaluator_version_id} className="loop-eval-section" aria-label={`Score distribution of ${name}`}>
            <h3>{`Score distribution: ${name}`}</h3>
            {buckets.length === 0 ? <p className="loop-muted">No scores yet.</p> : <BarEChart option={distributionOption(name, buckets)} label={`Score distribution of ${name}`} />}
          </section>
        );
      })}
    </div>
  );
}
