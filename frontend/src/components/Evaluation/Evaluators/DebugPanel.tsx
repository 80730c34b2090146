import { IconDelete, IconPlay, IconPlus } from "@douyinfe/semi-icons";
import { Button, Input, TextArea } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { EVALUATOR_TYPE, useDebugEvaluator, type EvaluatorContent, type EvaluatorInputData, type EvaluatorKind, type EvaluatorOutputData } from "../../../api/evaluators";
import { textContent } from "../../../lib/evalContent";
import { formatScore } from "../../../lib/scores";
import { FormError } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";

/** What a debug run answered: the score and reasoning, tokens and time, or the error (and what code printed). */
export function DebugResult({ output }: { output: EvaluatorOutputData }) {
  const result = output.evaluator_result;
  const error = output.evaluator_run_error;
  const usage = output.evaluator_usage;
  return (
    <div className="loop-eval-result" data-testid="debug-result" role="status">
      {error ? (
        <div className="loop-form-error">
          <strong>The evaluator failed{error.code ? ` (${error.code})` : ""}:</strong> {error.message || "no message"}
        </div>
      ) : (
        <dl className="loop-eval-kv">
          <dt>Score</dt>
          <dd className="loop-eval-score" data-testid="debug-score">
            {formatScore(result?.score)}
          </dd>
          <dt>Reasoning</dt>
          <dd style={{ whiteSpace: "pre-wrap" }}>{result?.reasoning || "–"}</dd>
        </dl>
      )}
      <dl className="loop-eval-kv">
        {usage && (
          <>
            <dt>Tokens</dt>
            <dd>{`${usage.input_tokens ?? 0} in / ${usage.output_tokens ?? 0} out`}</dd>
          </>
        )}
        {output.time_consuming_ms && (
          <>
            <dt>Time</dt>
            <dd>{`${output.time_consuming_ms} ms`}</dd>
          </>
        )}
      </dl>
      {output.stdout && (
        <>
          <span className="loop-muted">Printed</span>
          <pre className="loop-eval-pre">{output.stdout}</pre>
        </>
      )}
    </div>
  );
}

/**
 * Runs what is on screen (the draft, not a saved version) once, on values typed here: an LLM judge's variables,
 * or a code evaluator's dataset fields and target output.
 */
export function DebugPanel({ spaceId, type, content, variables, problems }: {
  spaceId: string;
  type: EvaluatorKind;
  /** The content to run; called on Run so it is the latest. */
  content: () => EvaluatorContent;
  /** LLM judge: its variables. */
  variables: string[];
  /** What stops the content from running (shown instead of running). */
  problems: string[];
}) {
  const debug = useDebugEvaluator(spaceId);
  const { submit, busy } = useSubmitOnce(debug);
  const [values, setValues] = useState<Record<string, string>>({});
  const [fields, setFields] = useState<{ name: string; value: string }[]>([
    { name: "input", value: "" },
    { name: "reference_output", value: "" },
  ]);
  const [output, setOutput] = useState("");

  const onRun = (event: FormEvent) => {
    event.preventDefault();
    if (problems.length > 0) return;
    const input: EvaluatorInputData =
      type === EVALUATOR_TYPE.prompt
        ? { input_fields: Object.fromEntries(variables.map((name) => [name, textContent(values[name] ?? "")])) }
        : {
            input_fields: {},
            evaluate_dataset_fields: Object.fromEntries(fields.filter((field) => field.name.trim()).map((field) => [field.name.trim(), textContent(field.value)])),
            evaluate_target_output_fields: { actual_output: textContent(output) },
          };
    submit({ type, content: content(), input });
  };

  return (
    <section className="loop-card" aria-labelledby="debug-heading">
      <h2 id="debug-heading" className="loop-card-title">
        Try it
      </h2>
      <form className="loop-form" onSubmit={onRun}>
        {type === EVALUATOR_TYPE.prompt ? (
          variables.length === 0 ? (
            <p className="loop-muted">The prompt has no {"{{variables}}"}: it runs as written.</p>
          ) : (
            variables.map((name) => (
              <div key={name} className="loop-field">
                <label htmlFor={`debug-var-${name}`} className="loop-field-label">
                  {`Value of ${name}`}
                </label>
                <TextArea id={`debug-var-${name}`} value={values[name] ?? ""} onChange={(value) => setValues({ ...values, [name]: value })} autosize={{ minRows: 1, maxRows: 8 }} />
              </div>
            ))
          )
        ) : (
          <>
            <fieldset className="loop-fieldset">
              <legend>Dataset fields (turn["evaluate_dataset_fields"])</legend>
              {fields.map((field, index) => (
                <div key={index} className="loop-row">
                  <Input aria-label={`Name of field ${index + 1}`} value={field.name} onChange={(name) => setFields(fields.map((f, i) => (i === index ? { ...f, name } : f)))} style={{ width: 180 }} />
                  <Input
                    aria-label={`Value of field ${field.name || index + 1}`}
                    value={field.value}
                    onChange={(value) => setFields(fields.map((f, i) => (i === index ? { ...f, value } : f)))}
                    style={{ flex: 1 }}
                  />
                  <Button theme="borderless" type="danger" icon={<IconDelete aria-hidden />} aria-label={`Remove field ${field.name || index + 1}`} onClick={() => setFields(fields.filter((_, i) => i !== index))} />
                </div>
              ))}
              <Button icon={<IconPlus aria-hidden />} onClick={() => setFields([...fields, { name: "", value: "" }])}>
                Add field
              </Button>
            </fieldset>
            <div className="loop-field">
              <label htmlFor="debug-actual-output" className="loop-field-label">
                Target output (actual_output)
              </label>
              <TextArea id="debug-actual-output" value={output} onChange={setOutput} autosize={{ minRows: 2, maxRows: 8 }} />
            </div>
          </>
        )}
        {problems.length > 0 && <p className="loop-muted">{problems.join(" ")}</p>}
        <div className="loop-form-actions loop-form-actions-start">
          <Button htmlType="submit" theme="solid" icon={<IconPlay aria-hidden />} loading={busy} disabled={busy || problems.length > 0}>
            Run
          </Button>
        </div>
        <FormError error={debug.error} />
        {debug.data && !busy && <DebugResult output={debug.data} />}
      </form>
    </section>
  );
}
