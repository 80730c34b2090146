import { IconDelete, IconPlus } from "@douyinfe/semi-icons";
import { Button, InputNumber, Select, Tag, TextArea } from "@douyinfe/semi-ui";
import { useMemo } from "react";
import { useJudgeModels, type ModelView } from "../../../api/evaluators";
import { judgeVariables } from "../../../lib/evaluatorVariables";
import type { JudgeDraft, JudgeRole } from "../../../lib/evaluatorDraft";
import { Field } from "../../common/Field";
import { ErrorState, Loading } from "../../common/QueryState";
import { ModelLabel } from "../../Prompts/ModelSettings";

const ROLES: { value: JudgeRole; label: string }[] = [
  { value: 1, label: "System" },
  { value: 2, label: "User" },
  { value: 3, label: "Assistant" },
];
const roleName = (role: JudgeRole) => ROLES.find((r) => r.value === role)?.label.toLowerCase() ?? "user";

export function JudgeModelPicker({ models, value, onChange }: { models: ModelView[]; value: string | null; onChange: (modelId: string) => void }) {
  return (
    <Select
      id="judge-model"
      aria-labelledby="judge-model-label"
      placeholder="Choose the judge's model"
      value={value ?? undefined}
      style={{ width: "100%" }}
      onChange={(next) => onChange((next as string))}
      renderSelectedItem={(option: { value?: string | number }) => {
        const model = models.find((m) => m.model_id === String(option.value));
        return model ? <ModelLabel model={model} /> : `Model ${String(option.value ?? "")} (not configured)`;
      }}
    >
      {models.map((model) => (
        <Select.Option key={model.model_id} value={model.model_id} label={model.name} disabled={model.status === "unavailable"}>
          <ModelLabel model={model} />
        </Select.Option>
      ))}
    </Select>
  );
}

/** The LLM judge: messages with {{variables}} (each becomes an input of the evaluator) and the model that judges. */
export function JudgeEditor({ spaceId, draft, onChange }: { spaceId: string; draft: JudgeDraft; onChange: (draft: JudgeDraft) => void }) {
  const models = useJudgeModels(spaceId);
  const variables = useMemo(() => judgeVariables(draft.messages.map((message) => ({ content: { text: message.text } }))), [draft.messages]);
  const setMessage = (index: number, patch: Partial<JudgeDraft["messages"][number]>) =>
    onChange({ ...draft, messages: draft.messages.map((message, i) => (i === index ? { ...message, ...patch } : message)) });

  return (
    <>
      <section className="loop-card" aria-labelledby="judge-model-heading">
        <h2 id="judge-model-heading" className="loop-card-title">
          Model
        </h2>
        {models.isPending && <Loading label="Loading models…" />}
        {models.isError && <ErrorState title="Could not load the models" error={models.error} onRetry={() => void models.refetch()} />}
        {models.data && (
          <div className="loop-form">
            <Field id="judge-model" label="Judge model" hint="The judge answers by calling eval(reason, score); pick a model that can call functions.">
              <JudgeModelPicker models={models.data} value={draft.modelId} onChange={(modelId) => onChange({ ...draft, modelId })} />
            </Field>
            <div className="loop-row">
              <Field id="judge-temperature" label="Temperature">
                <InputNumber
                  id="judge-temperature"
                  min={0}
                  max={2}
                  step={0.1}
                  value={draft.temperature ?? undefined}
                  placeholder="default"
                  onNumberChange={(value) => onChange({ ...draft, temperature: Number.isFinite(value) ? value : null })}
                />
              </Field>
              <Field id="judge-max-tokens" label="Max tokens">
                <InputNumber
                  id="judge-max-tokens"
                  min={1}
                  max={32768}
                  step={256}
                  value={draft.maxTokens ?? undefined}
                  placeholder="default"
                  onNumberChange={(value) => onChange({ ...draft, maxTokens: Number.isFinite(value) ? Math.round(value) : null })}
                />
              </Field>
            </div>
          </div>
        )}
      </section>
      <section className="loop-card" aria-labelledby="judge-messages-heading">
        <div className="loop-section-header">
          <h2 id="judge-messages-heading" className="loop-card-title">
            Prompt
          </h2>
          <Button icon={<IconPlus aria-hidden />} onClick={() => onChange({ ...draft, messages: [...draft.messages, { role: 2, text: "" }] })}>
            Add message
          </Button>
        </div>
        <p className="loop-muted">Write {"{{name}}"} where an input goes: each variable is filled from the set's columns or the target's output when an experiment runs.</p>
        <ol className="loop-message-list" aria-label="Judge messages">
          {draft.messages.map((message, index) => {
            const id = `judge-message-${index}`;
            return (
              <li key={index} className="loop-message">
                <div className="loop-message-toolbar">
                  <span id={`${id}-role-label`} className="loop-visually-hidden">
                    Role of message {index + 1}
                  </span>
                  <Select
                    aria-labelledby={`${id}-role-label`}
                    size="small"
                    value={message.role}
                    optionList={ROLES}
                    onChange={(value) => setMessage(index, { role: value as JudgeRole })}
                    style={{ width: 130 }}
                  />
                  <Button
                    size="small"
                    type="danger"
                    theme="borderless"
                    icon={<IconDelete aria-hidden />}
                    aria-label={`Remove message ${index + 1}`}
                    onClick={() => onChange({ ...draft, messages: draft.messages.filter((_, i) => i !== index) })}
                  />
                </div>
                <label htmlFor={id} className="loop-visually-hidden">
                  {`Judge message ${index + 1} (${roleName(message.role)})`}
                </label>
                <TextArea id={id} value={message.text} onChange={(text) => setMessage(index, { text })} autosize={{ minRows: 3, maxRows: 16 }} />
              </li>
            );
          })}
        </ol>
        <div className="loop-row" aria-label="Variables">
          <span className="loop-muted">Variables:</span>
          {variables.length === 0 ? (
            <span className="loop-muted">none yet</span>
          ) : (
            variables.map((name) => (
              <Tag key={name} color="blue" size="small">
                {name}
              </Tag>
            ))
          )}
        </div>
      </section>
    </>
  );
}
