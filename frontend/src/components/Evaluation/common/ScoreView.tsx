import { Tooltip } from "@douyinfe/semi-ui";
import { deltaTone, formatDelta, formatScore, isCorrected, recordFailed, recordReason, recordScore, type ScoredRecord } from "../../../lib/scores";

/** An evaluator's score in a cell, its reasoning (or error) on hover; "Error" when the evaluator failed. */
export function RecordScore({ record, label }: { record: ScoredRecord | null | undefined; label: string }) {
  if (!record) return <span className="loop-muted">–</span>;
  const reason = recordReason(record);
  const failed = recordFailed(record);
  const body = failed ? (
    <span className="loop-eval-delta-worse">Error</span>
  ) : (
    <span className="loop-eval-score">
      {formatScore(recordScore(record))}
      {isCorrected(record) && <span className="loop-muted"> (corrected)</span>}
    </span>
  );
  if (!reason) return body;
  return (
    <Tooltip content={<span style={{ whiteSpace: "pre-wrap" }}>{reason.length > 1200 ? `${reason.slice(0, 1199)}…` : reason}</span>}>
      <span tabIndex={0} aria-label={`${label}: ${failed ? "error" : formatScore(recordScore(record))}. ${reason}`}>
        {body}
      </span>
    </Tooltip>
  );
}

export function Delta({ delta }: { delta: number | null }) {
  const text = formatDelta(delta);
  if (!text) return null;
  return <span className={`loop-eval-delta-${deltaTone(delta)}`}> {text}</span>;
}
