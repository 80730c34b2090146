import { Button, Input, InputNumber, Steps, TextArea } from "@douyinfe/semi-ui";
import { useCallback, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { useCheckExperimentName, useSubmitExperiment } from "../../../api/experiments";
import { paths } from "../../../app/paths";
import { useCurrentSpace } from "../../../app/session";
import { describeSource, PROMPT_USER_QUERY } from "../../../lib/fieldMapping";
import { Field } from "../../common/Field";
import { PageHeader } from "../../common/PageHeader";
import { FormError } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";
import { EMPTY_WIZARD, STEPS, stepProblems, submitInput, type WizardState } from "./wizardState";
import { EvalSetStep, EvaluatorsStep, TargetStep } from "./WizardSteps";
import "../evaluation.css";

function Review({ state }: { state: WizardState }) {
  return (
    <dl className="loop-eval-kv" aria-label="Review">
      <dt>Name</dt>
      <dd>{state.name}</dd>
      <dt>Evaluation set</dt>
      <dd>{`${state.setName} · ${state.versionLabel || "draft"} · ${state.itemCount} items`}</dd>
      <dt>Target</dt>
      <dd>
        {state.target === "none" ? (
          "No target"
        ) : (
          <>
            {`${state.promptName} ${state.promptVersion ?? ""}`}
            <ul>
              {[...state.promptVariables, PROMPT_USER_QUERY]
                .filter((variable) => state.targetMapping[variable])
                .map((variable) => (
                  <li key={variable}>{`${variable === PROMPT_USER_QUERY ? "User message" : `{{${variable}}}`} ← column "${state.targetMapping[variable]}"`}</li>
                ))}
            </ul>
          </>
        )}
      </dd>
      <dt>Evaluators</dt>
      <dd>
        <ul>
          {state.evaluators.map((choice) => (
            <li key={choice.key}>
              {`${choice.name} ${choice.version}`}
              {choice.variables.length > 0 && (
                <ul>
                  {choice.variables.map((variable) => (
                    <li key={variable}>{`{{${variable}}} ← ${describeSource(choice.mapping[variable] ?? "")}`}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      </dd>
    </dl>
  );
}

/** evaluation/experiments/create: basics → evaluation set and version → target → evaluators → review and submit. */
export function CreateExperiment() {
  const space = useCurrentSpace();
  const navigate = useNavigate();
  const [step, setStep] = useState(0);
  const [state, setState] = useState<WizardState>(EMPTY_WIZARD);
  const [concurrency, setConcurrency] = useState(5);
  const [nameTaken, setNameTaken] = useState<string | null>(null);
  const change = useCallback((patch: Partial<WizardState>) => setState((current) => ({ ...current, ...patch })), []);
  const checkName = useCheckExperimentName(space.id);
  const submit = useSubmitExperiment(space.id);
  const submitting = useSubmitOnce(submit);
  const problems = stepProblems(step, state);
  const base = paths.spaceModule(space.id, "evaluation/experiments");

  const next = (event: FormEvent) => {
    event.preventDefault();
    if (problems.length > 0) return;
    if (step === 0) {
      // A taken name is found here rather than at the end.
      checkName.mutate(state.name.trim(), {
        onSuccess: (answer) => {
          setNameTaken(answer.pass ? null : answer.message || "An experiment with this name exists; choose another name.");
          if (answer.pass) setStep(1);
        },
      });
      return;
    }
    if (step < STEPS.length - 1) {
      setStep(step + 1);
      return;
    }
    submitting.submit(submitInput(state, concurrency), { onSuccess: (result) => void navigate(`${base}/${result.experiment.id}`) });
  };

  return (
    <div className="loop-page loop-eval">
      <PageHeader title="Create experiment" description="Each item of the set goes to the target; every answer is scored by the evaluators." />
      <div className="loop-card">
        <Steps type="basic" current={step} size="small" className="loop-eval-steps" aria-label="Steps">
          {STEPS.map((title) => (
            <Steps.Step key={title} title={title} />
          ))}
        </Steps>
        <form className="loop-form" onSubmit={next} aria-label={STEPS[step]}>
          <h2 className="loop-card-title">{STEPS[step]}</h2>
          {step === 0 && (
            <>
              <Field id="experiment-name" label="Name">
                <Input
                  id="experiment-name"
                  value={state.name}
                  onChange={(name) => {
                    change({ name });
                    setNameTaken(null);
                  }}
                  maxLength={100}
                  autoFocus
                  required
                />
              </Field>
              <Field id="experiment-description" label="Description">
                <TextArea id="experiment-description" value={state.desc} onChange={(desc) => change({ desc })} maxCount={1000} autosize={{ minRows: 1, maxRows: 4 }} />
              </Field>
              <Field id="experiment-concurrency" label="Items run at once" hint="How many items run in parallel (1–50); lower it for rate-limited models.">
                <InputNumber id="experiment-concurrency" min={1} max={50} value={concurrency} onNumberChange={(value) => setConcurrency(Number.isFinite(value) ? Math.max(1, Math.min(50, Math.round(value))) : 5)} />
              </Field>
              {nameTaken && (
                <div className="loop-form-error" role="alert">
                  {nameTaken}
                </div>
              )}
              <FormError error={checkName.error} />
            </>
          )}
          {step === 1 && <EvalSetStep spaceId={space.id} state={state} onChange={change} />}
          {step === 2 && <TargetStep spaceId={space.id} state={state} onChange={change} />}
          {step === 3 && <EvaluatorsStep spaceId={space.id} state={state} onChange={change} />}
          {step === 4 && <Review state={state} />}
          {problems.length > 0 && (step > 0 || state.name !== "") && <p className="loop-muted">{problems.join(" ")}</p>}
          <FormError error={submit.error} />
          <div className="loop-form-actions loop-form-actions-start">
            {step === 0 ? (
              <Button onClick={() => void navigate(base)}>Cancel</Button>
            ) : (
              <Button onClick={() => setStep(step - 1)} disabled={submitting.busy}>
                Back
              </Button>
            )}
            <Button htmlType="submit" theme="solid" loading={submitting.busy || checkName.isPending} disabled={submitting.busy || checkName.isPending || problems.length > 0}>
              {step === STEPS.length - 1 ? "Submit" : "Next"}
            </Button>
          </div>
        </form>
      </div>
    </div>
  );
}
