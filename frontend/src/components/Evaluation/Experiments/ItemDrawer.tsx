import { Button, Input, InputNumber, SideSheet, Toast } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useCorrectRecord, type EvaluatorRecord } from "../../../api/evaluators";
import { actualOutput, readTurn, targetError, type ColumnEvaluator, type ItemResult, type TurnView } from "../../../api/experiments";
import { paths } from "../../../app/paths";
import { formatScore, isCorrected, recordReason, recordScore } from "../../../lib/scores";
import { Field } from "../../common/Field";
import { FormError } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";
import { ContentView } from "../common/ContentView";
import { TurnStateTag } from "../common/StatusTags";

function CorrectScore({ spaceId, record, label, onDone }: { spaceId: string; record: EvaluatorRecord; label: string; onDone: () => void }) {
  const [score, setScore] = useState<number | null>(recordScore(record));
  const [explain, setExplain] = useState("");
  const correct = useCorrectRecord(spaceId);
  const { submit, busy } = useSubmitOnce(correct);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (score === null || !record.id) return;
    submit(
      { recordId: record.id, score, explain: explain.trim() },
      {
        onSuccess: () => {
          Toast.success(`Score of ${label} corrected`);
          onDone();
        },
      },
    );
  };
  const id = `correct-${record.id}`;
  return (
    <form className="loop-form" onSubmit={onSubmit} aria-label={`Correct the score of ${label}`}>
      <div className="loop-row">
        <Field id={`${id}-score`} label="Corrected score">
          <InputNumber id={`${id}-score`} value={score ?? undefined} step={0.1} onNumberChange={(value) => setScore(Number.isFinite(value) ? value : null)} style={{ width: 140 }} />
        </Field>
        <Field id={`${id}-explain`} label="Why">
          <Input id={`${id}-explain`} value={explain} onChange={setExplain} maxLength={500} style={{ width: 280 }} />
        </Field>
      </div>
      <FormError error={correct.error} />
      <div className="loop-form-actions loop-form-actions-start">
        <Button htmlType="submit" theme="solid" size="small" loading={busy} disabled={busy || score === null}>
          Save score
        </Button>
        <Button size="small" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function RecordSection({ spaceId, column, record, tracesPath, heading: Heading }: { spaceId: string; column: ColumnEvaluator; record: EvaluatorRecord | undefined; tracesPath: string; heading: "h3" | "h4" }) {
  const [correcting, setCorrecting] = useState(false);
  const label = `${column.name ?? "evaluator"} ${column.version ?? ""}`.trim();
  if (!record) {
    return (
      <section className="loop-eval-section" aria-label={label}>
        <Heading>{label}</Heading>
        <p className="loop-muted">Not run yet.</p>
      </section>
    );
  }
  const output = record.evaluator_output_data;
  const error = output?.evaluator_run_error;
  const usage = output?.evaluator_usage;
  return (
    <section className="loop-eval-section" aria-label={label}>
      <Heading>{label}</Heading>
      <dl className="loop-eval-kv">
        <dt>Score</dt>
        <dd className="loop-eval-score" data-testid={`drawer-score-${column.evaluator_version_id}`}>
          {error ? "–" : formatScore(recordScore(record))}
          {isCorrected(record) && <span className="loop-muted"> (corrected; the evaluator gave {formatScore(output?.evaluator_result?.score)})</span>}
        </dd>
        <dt>{error ? "Error" : "Reasoning"}</dt>
        <dd style={{ whiteSpace: "pre-wrap" }}>{recordReason(record) || "–"}</dd>
        {usage && (
          <>
            <dt>Tokens</dt>
            <dd>{`${usage.input_tokens ?? 0} in / ${usage.output_tokens ?? 0} out`}</dd>
          </>
        )}
        {output?.time_consuming_ms && (
          <>
            <dt>Time</dt>
            <dd>{`${output.time_consuming_ms} ms`}</dd>
          </>
        )}
        {record.trace_id && (
          <>
            <dt>Trace</dt>
            <dd>
              <Link to={`${tracesPath}?trace_id=${record.trace_id}`}>Open the evaluator's trace</Link>
            </dd>
          </>
        )}
      </dl>
      {output?.stdout && <pre className="loop-eval-pre">{output.stdout}</pre>}
      {!error &&
        (correcting ? (
          <CorrectScore spaceId={spaceId} record={record} label={label} onDone={() => setCorrecting(false)} />
        ) : (
          <div>
            <Button size="small" onClick={() => setCorrecting(true)}>
              Correct score
            </Button>
          </div>
        ))}
    </section>
  );
}

/** Every turn of an item with a result, in order (the table shows the first one only). */
export function itemTurns(item: ItemResult): TurnView[] {
  return [...item.turn_results]
    .sort((a, b) => (Number(a.turn_index) || 0) - (Number(b.turn_index) || 0))
    .map((turn) => readTurn(turn.experiment_results[0]))
    .filter((turn): turn is TurnView => turn !== null);
}

/** One turn's run: its inputs, the target's output and trace, and every evaluator's record. */
function TurnDetails({ spaceId, turn, columns, nested }: { spaceId: string; turn: TurnView; columns: ColumnEvaluator[]; nested: boolean }) {
  const tracesPath = paths.spaceModule(spaceId, "observation/traces");
  const target = turn.target;
  const output = target?.eval_target_output_data;
  const failure = targetError(turn);
  const Heading = nested ? "h4" : "h3";
  return (
    <>
      <div className="loop-row">
        <TurnStateTag state={turn.state} />
        {turn.error && <span className="loop-form-error">{turn.error}</span>}
      </div>
      <section className="loop-eval-section" aria-label="Input">
        <Heading>Input</Heading>
        {turn.cells.map((cell) => (
          <div key={cell.key || cell.name}>
            <div className="loop-muted">{cell.name}</div>
            <ContentView content={cell.content} label={cell.name} />
          </div>
        ))}
      </section>
      {target && (
        <section className="loop-eval-section" aria-label="Output">
          <Heading>Output</Heading>
          {failure ? <div className="loop-form-error">{failure}</div> : <ContentView content={actualOutput(turn)} label="Actual output" />}
          <dl className="loop-eval-kv">
            {output?.eval_target_usage && (
              <>
                <dt>Tokens</dt>
                <dd>{`${output.eval_target_usage.input_tokens} in / ${output.eval_target_usage.output_tokens} out`}</dd>
              </>
            )}
            {output?.time_consuming_ms && (
              <>
                <dt>Latency</dt>
                <dd>{`${output.time_consuming_ms} ms`}</dd>
              </>
            )}
            {target.trace_id && (
              <>
                <dt>Trace</dt>
                <dd>
                  <Link to={`${tracesPath}?trace_id=${target.trace_id}`}>Open the target's trace</Link>
                </dd>
              </>
            )}
          </dl>
        </section>
      )}
      {columns.map((column) => (
        <RecordSection key={column.evaluator_version_id} spaceId={spaceId} column={column} record={turn.records[column.evaluator_version_id]} tracesPath={tracesPath} heading={Heading} />
      ))}
    </>
  );
}

/**
 * One item of an experiment in full, turn by turn: each turn's inputs, the target's output and trace, and every
 * evaluator's record. A single-turn item is shown without turn headings.
 */
export function ItemDrawer({ spaceId, title, turns, columns, onClose }: { spaceId: string; title: string; turns: TurnView[] | null; columns: ColumnEvaluator[]; onClose: () => void }) {
  const several = (turns?.length ?? 0) > 1;
  return (
    <SideSheet title={title} visible={turns !== null} onCancel={onClose} width={640} closeOnEsc>
      {turns && (
        <div className="loop-form" data-testid="item-drawer">
          {several && <p className="loop-muted">{`${turns.length} turns`}</p>}
          {turns.map((turn, index) =>
            several ? (
              <section key={turn.turnId || index} className="loop-eval-turn" aria-label={`Turn ${index + 1}`}>
                <h3>{`Turn ${index + 1}`}</h3>
                <TurnDetails spaceId={spaceId} turn={turn} columns={columns} nested />
              </section>
            ) : (
              <TurnDetails key={turn.turnId || index} spaceId={spaceId} turn={turn} columns={columns} nested={false} />
            ),
          )}
        </div>
      )}
    </SideSheet>
  );
}
