import { IconDelete, IconPlus } from "@douyinfe/semi-icons";
import { Button, Radio, RadioGroup, Select, Tag } from "@douyinfe/semi-ui";
import { useEffect, useMemo } from "react";
import { setColumns, SNAPSHOT, useAllEvaluationSets, useEvalSetVersions, versionColumns } from "../../../api/evaluationSets";
import { evaluatorTypeLabel, EVALUATOR_TYPE, useAllEvaluators, useEvaluatorVersions, type Evaluator } from "../../../api/evaluators";
import { useCommittedPrompts } from "../../../api/experiments";
import { useCommits, type PromptDetail } from "../../../api/prompts";
import { evaluatorInputs } from "../../../lib/evaluatorVariables";
import { autoMapping, columnSource, PROMPT_USER_QUERY, suggestColumn, TARGET_OUTPUT } from "../../../lib/fieldMapping";
import { Field } from "../../common/Field";
import { LATEST_VERSION, type EvaluatorChoice, type WizardState } from "./wizardState";
import { ErrorState, Loading } from "../../common/QueryState";

const NOT_MAPPED = "";

/** Step 2: the evaluation set and the version (or the draft) to run over. */
export function EvalSetStep({ spaceId, state, onChange }: { spaceId: string; state: WizardState; onChange: (patch: Partial<WizardState>) => void }) {
  const sets = useAllEvaluationSets(spaceId);
  const versions = useEvalSetVersions(spaceId, state.setId);
  const set = sets.data?.find((s) => s.id === state.setId);
  const ready = (versions.data ?? []).filter((version) => (version.snapshot_status ?? SNAPSHOT.completed) === SNAPSHOT.completed);

  // A newly chosen set starts on its latest ready version (the draft when it has none).
  useEffect(() => {
    if (state.versionId === LATEST_VERSION && versions.data) onChange({ versionId: ready[0]?.id ?? "" });
  }, [state.versionId, versions.data, ready, onChange]);

  // Keep the columns and item count of the chosen version (or the draft) in the state, for the next steps.
  useEffect(() => {
    if (!set || state.versionId === LATEST_VERSION) return;
    const version = ready.find((v) => v.id === state.versionId);
    const columns = (version ? versionColumns(version) : setColumns(set)).map((column) => column.name ?? "").filter(Boolean);
    const itemCount = Number(version ? version.item_count : set.item_count);
    const versionLabel = version ? (version.version ?? "") : "";
    if (JSON.stringify(columns) !== JSON.stringify(state.columns) || itemCount !== state.itemCount || versionLabel !== state.versionLabel || set.name !== state.setName) {
      onChange({ columns, itemCount, versionLabel, setName: set.name });
    }
  }, [set, ready, state.versionId, state.columns, state.itemCount, state.versionLabel, state.setName, onChange]);

  return (
    <div className="loop-form">
      <Field id="wizard-set" label="Evaluation set">
        {sets.isError ? (
          <ErrorState title="Could not load the evaluation sets" error={sets.error} onRetry={() => void sets.refetch()} />
        ) : (
          <Select
            id="wizard-set"
            aria-labelledby="wizard-set-label"
            placeholder={sets.isPending ? "Loading…" : "Choose an evaluation set"}
            value={state.setId ?? undefined}
            filter
            style={{ width: "100%" }}
            onChange={(value) => onChange({ setId: (value as string), versionId: LATEST_VERSION, versionLabel: "", columns: [], itemCount: 0 })}
            optionList={(sets.data ?? []).map((s) => ({ value: s.id, label: `${s.name} (${Number(s.item_count)} items)` }))}
            emptyContent="No evaluation sets yet: create one under Datasets first."
          />
        )}
      </Field>
      {state.setId && (
        <Field id="wizard-set-version" label="Version" hint="A version is frozen; the draft is the set's items as they are now.">
          {versions.isPending || state.versionId === LATEST_VERSION ? (
            <Loading label="Loading versions…" />
          ) : (
            <Select
              id="wizard-set-version"
              aria-labelledby="wizard-set-version-label"
              value={state.versionId}
              style={{ width: "100%" }}
              onChange={(value) => onChange({ versionId: (value as string) })}
              optionList={[
                ...ready.map((version) => ({ value: version.id, label: `${version.version} (${Number(version.item_count)} items)${version.description ? ` · ${version.description}` : ""}` })),
                { value: "", label: `Draft (${Number(set?.item_count ?? 0)} items as they are now)` },
              ]}
            />
          )}
        </Field>
      )}
      {state.columns.length > 0 && (
        <div className="loop-row">
          <span className="loop-muted">Columns:</span>
          {state.columns.map((column) => (
            <Tag key={column} size="small">
              {column}
            </Tag>
          ))}
        </div>
      )}
    </div>
  );
}

function ColumnSelect({ id, value, columns, onChange, extra = [], allowEmpty = true }: { id: string; value: string; columns: string[]; onChange: (value: string) => void; extra?: { value: string; label: string }[]; allowEmpty?: boolean }) {
  return (
    <Select
      aria-labelledby={`${id}-label`}
      value={value}
      style={{ width: "100%" }}
      onChange={(next) => onChange((next as string))}
      optionList={[...(allowEmpty ? [{ value: NOT_MAPPED, label: "Not mapped" }] : []), ...extra, ...columns.map((column) => ({ value: column, label: `Column "${column}"` }))]}
    />
  );
}

/** The variables a committed prompt version declares (placeholders take messages, not a column). */
function promptVariables(detail: PromptDetail | undefined): string[] {
  return (detail?.prompt_template?.variable_defs ?? []).filter((def) => def.type !== "placeholder").map((def) => def.key);
}

/** Step 3: the prompt version that answers each item, and which column fills each of its variables; or no target. */
export function TargetStep({ spaceId, state, onChange }: { spaceId: string; state: WizardState; onChange: (patch: Partial<WizardState>) => void }) {
  const prompts = useCommittedPrompts(spaceId);
  const commits = useCommits(state.promptId ?? "", !!state.promptId);
  const detail = state.promptVersion ? (commits.data?.prompt_commit_detail_mapping[state.promptVersion] as PromptDetail | undefined) : undefined;
  const variables = useMemo(() => promptVariables(detail), [detail]);

  // A newly chosen version: its variables, each mapped to the column of the same (or a usual) name.
  useEffect(() => {
    if (!detail || JSON.stringify(variables) === JSON.stringify(state.promptVariables)) return;
    const mapping: Record<string, string> = { [PROMPT_USER_QUERY]: state.targetMapping[PROMPT_USER_QUERY] ?? NOT_MAPPED };
    for (const variable of variables) mapping[variable] = state.targetMapping[variable] || (suggestColumn(variable, state.columns) ?? NOT_MAPPED);
    onChange({ promptVariables: variables, targetMapping: mapping });
  }, [detail, variables, state.promptVariables, state.targetMapping, state.columns, onChange]);

  return (
    <div className="loop-form">
      <RadioGroup
        aria-label="Target"
        value={state.target}
        onChange={(event) => onChange({ target: event.target.value as WizardState["target"] })}
        direction="vertical"
      >
        <Radio value="prompt">A prompt: run a committed version on every item</Radio>
        <Radio value="none">No target: the evaluators judge the set's own columns</Radio>
      </RadioGroup>
      {state.target === "prompt" && (
        <>
          <div className="loop-eval-grid">
            <Field id="wizard-prompt" label="Prompt">
              {prompts.isError ? (
                <ErrorState title="Could not load the prompts" error={prompts.error} onRetry={() => void prompts.refetch()} />
              ) : (
                <Select
                  id="wizard-prompt"
                  aria-labelledby="wizard-prompt-label"
                  placeholder={prompts.isPending ? "Loading…" : "Choose a prompt"}
                  value={state.promptId ?? undefined}
                  filter
                  style={{ width: "100%" }}
                  onChange={(value) => {
                    const prompt = prompts.data?.find((p) => p.id === value);
                    onChange({ promptId: (value as string), promptName: prompt?.prompt_basic.display_name ?? "", promptVersion: prompt?.prompt_basic.latest_version || null, promptVariables: [] });
                  }}
                  optionList={(prompts.data ?? []).map((prompt) => ({ value: prompt.id, label: `${prompt.prompt_basic.display_name} (${prompt.prompt_key})` }))}
                  emptyContent="No committed prompts yet: commit a prompt version first."
                />
              )}
            </Field>
            <Field id="wizard-prompt-version" label="Prompt version">
              <Select
                id="wizard-prompt-version"
                aria-labelledby="wizard-prompt-version-label"
                placeholder={commits.isPending && state.promptId ? "Loading…" : "Choose a version"}
                value={state.promptVersion ?? undefined}
                disabled={!state.promptId}
                style={{ width: "100%" }}
                onChange={(value) => onChange({ promptVersion: (value as string), promptVariables: [] })}
                optionList={(commits.data?.prompt_commit_infos ?? []).map((info) => ({ value: info.version, label: info.description ? `${info.version} · ${info.description}` : info.version }))}
              />
            </Field>
          </div>
          {commits.isError && <ErrorState title="Could not load the prompt's versions" error={commits.error} onRetry={() => void commits.refetch()} />}
          {detail && (
            <fieldset className="loop-fieldset">
              <legend>Fill the prompt's variables from columns</legend>
              <div className="loop-eval-mapping">
                {variables.map((variable) => {
                  const id = `target-map-${variable}`;
                  return (
                    <div key={variable} style={{ display: "contents" }}>
                      <span id={`${id}-label`} className="loop-eval-mapping-name">{`{{${variable}}}`}</span>
                      <ColumnSelect id={id} value={state.targetMapping[variable] ?? NOT_MAPPED} columns={state.columns} onChange={(value) => onChange({ targetMapping: { ...state.targetMapping, [variable]: value } })} />
                    </div>
                  );
                })}
                <span id="target-map-query-label" className="loop-eval-mapping-name">
                  User message (added after the prompt's messages)
                </span>
                <ColumnSelect
                  id="target-map-query"
                  value={state.targetMapping[PROMPT_USER_QUERY] ?? NOT_MAPPED}
                  columns={state.columns}
                  onChange={(value) => onChange({ targetMapping: { ...state.targetMapping, [PROMPT_USER_QUERY]: value } })}
                />
              </div>
              {variables.length === 0 && <p className="loop-muted">This version has no variables; map a column to the user message, or run it as written.</p>}
            </fieldset>
          )}
        </>
      )}
    </div>
  );
}

/** One chosen evaluator: its version, and where each of its variables comes from. */
function EvaluatorCard({ spaceId, choice, columns, hasTarget, onChange, onRemove }: { spaceId: string; choice: EvaluatorChoice; columns: string[]; hasTarget: boolean; onChange: (choice: EvaluatorChoice) => void; onRemove: () => void }) {
  const versions = useEvaluatorVersions(spaceId, choice.evaluatorId);
  // The server lists versions newest first: the latest is the default.
  const version = versions.data?.find((v) => v.id === choice.versionId) ?? versions.data?.[0];

  // The chosen (by default the latest) version's variables, mapped by name; what the person chose is kept.
  useEffect(() => {
    if (!version?.id) return;
    const variables = choice.type === EVALUATOR_TYPE.code ? [] : evaluatorInputs(version.evaluator_content);
    const mapping = autoMapping(variables, columns, hasTarget, choice.mapping);
    if (version.id !== choice.versionId || JSON.stringify(variables) !== JSON.stringify(choice.variables) || JSON.stringify(mapping) !== JSON.stringify(choice.mapping)) {
      onChange({ ...choice, versionId: version.id, version: version.version ?? "", variables, mapping });
    }
  }, [version, choice, columns, hasTarget, onChange]);

  const extra = hasTarget ? [{ value: TARGET_OUTPUT, label: "Target output (actual_output)" }] : [];
  return (
    <li className="loop-eval-result" aria-label={`Evaluator ${choice.name}`}>
      <div className="loop-section-header">
        <strong>
          {choice.name} <Tag size="small">{evaluatorTypeLabel(choice.type)}</Tag>
        </strong>
        <Button type="danger" theme="borderless" icon={<IconDelete aria-hidden />} aria-label={`Remove evaluator ${choice.name}`} onClick={onRemove} />
      </div>
      {versions.isPending && <Loading label="Loading versions…" />}
      {versions.isError && <ErrorState title="Could not load the versions" error={versions.error} onRetry={() => void versions.refetch()} />}
      {versions.data && (
        <Field id={`evaluator-version-${choice.key}`} label="Version">
          <Select
            id={`evaluator-version-${choice.key}`}
            aria-labelledby={`evaluator-version-${choice.key}-label`}
            value={choice.versionId || undefined}
            style={{ width: 240 }}
            onChange={(value) => onChange({ ...choice, versionId: (value as string) })}
            optionList={versions.data.map((v) => ({ value: v.id ?? "", label: v.version ?? "" }))}
          />
        </Field>
      )}
      {choice.type === EVALUATOR_TYPE.code ? (
        <p className="loop-muted">Code evaluators get every column and the target's output in turn; nothing to map.</p>
      ) : (
        <div className="loop-eval-mapping">
          {choice.variables.map((variable) => {
            const id = `evaluator-map-${choice.key}-${variable}`;
            return (
              <div key={variable} style={{ display: "contents" }}>
                <span id={`${id}-label`} className="loop-eval-mapping-name">{`${choice.name}: {{${variable}}}`}</span>
                <Select
                  aria-labelledby={`${id}-label`}
                  value={choice.mapping[variable] ?? ""}
                  style={{ width: "100%" }}
                  onChange={(value) => onChange({ ...choice, mapping: { ...choice.mapping, [variable]: (value as string) } })}
                  optionList={[{ value: "", label: "Not mapped" }, ...extra, ...columns.map((column) => ({ value: columnSource(column), label: `Column "${column}"` }))]}
                />
              </div>
            );
          })}
        </div>
      )}
    </li>
  );
}

let nextKey = 1;

/** Step 4: the evaluators (a version of each) and their variables' sources. */
export function EvaluatorsStep({ spaceId, state, onChange }: { spaceId: string; state: WizardState; onChange: (patch: Partial<WizardState>) => void }) {
  const all = useAllEvaluators(spaceId);
  const usable = (all.data ?? []).filter((evaluator) => evaluator.latest_version && !state.evaluators.some((choice) => choice.evaluatorId === evaluator.evaluator_id));
  const add = (evaluator: Evaluator) =>
    onChange({
      evaluators: [
        ...state.evaluators,
        { key: nextKey++, evaluatorId: evaluator.evaluator_id ?? "", name: evaluator.name ?? "", type: evaluator.evaluator_type ?? EVALUATOR_TYPE.prompt, versionId: "", version: "", variables: [], mapping: {} },
      ],
    });
  return (
    <div className="loop-form">
      <ol className="loop-message-list" aria-label="Chosen evaluators">
        {state.evaluators.map((choice, index) => (
          <EvaluatorCard
            key={choice.key}
            spaceId={spaceId}
            choice={choice}
            columns={state.columns}
            hasTarget={state.target === "prompt"}
            onChange={(next) => onChange({ evaluators: state.evaluators.map((c, i) => (i === index ? next : c)) })}
            onRemove={() => onChange({ evaluators: state.evaluators.filter((_, i) => i !== index) })}
          />
        ))}
      </ol>
      {all.isError && <ErrorState title="Could not load the evaluators" error={all.error} onRetry={() => void all.refetch()} />}
      <Field id="wizard-add-evaluator" label="Add an evaluator" hint="Only evaluators with a submitted version can run.">
        <Select
          id="wizard-add-evaluator"
          aria-labelledby="wizard-add-evaluator-label"
          placeholder={all.isPending ? "Loading…" : "Choose an evaluator to add"}
          value={undefined}
          filter
          prefix={<IconPlus aria-hidden />}
          style={{ width: "100%" }}
          onChange={(value) => {
            const evaluator = usable.find((e) => e.evaluator_id === value);
            if (evaluator) add(evaluator);
          }}
          optionList={usable.map((evaluator) => ({ value: evaluator.evaluator_id ?? "", label: `${evaluator.name} (${evaluatorTypeLabel(evaluator.evaluator_type)}, ${evaluator.latest_version})` }))}
          emptyContent="No more evaluators with a version: create one under Evaluators."
        />
      </Field>
    </div>
  );
}
