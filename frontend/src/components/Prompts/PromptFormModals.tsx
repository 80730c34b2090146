import { Button, Input, Modal, Select, TextArea } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { PROMPT_KEY_PATTERN, useClonePrompt, useCommits, useCreatePrompt, type Prompt, type PromptDetail } from "../../api/prompts";
import { Field } from "../common/Field";
import { ErrorState, FormError, Loading } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";

export function keyProblem(key: string): string | null {
  if (!key) return null;
  return PROMPT_KEY_PATTERN.test(key) ? null : "Start with a letter; then letters, digits, '.', '_' or '-'.";
}

function NameKeyFields({ prefix, name, setName, promptKey, setKey, description, setDescription }: {
  prefix: string;
  name: string;
  setName: (v: string) => void;
  promptKey: string;
  setKey: (v: string) => void;
  description: string;
  setDescription: (v: string) => void;
}) {
  const problem = keyProblem(promptKey);
  return (
    <>
      <Field id={`${prefix}-name`} label="Name">
        <Input id={`${prefix}-name`} value={name} onChange={setName} maxLength={100} autoFocus required />
      </Field>
      <Field id={`${prefix}-key`} label="Key" hint="The SDK fetches the prompt by this key. It cannot be changed later.">
        <Input id={`${prefix}-key`} value={promptKey} onChange={setKey} maxLength={100} required aria-invalid={problem ? true : undefined} placeholder="e.g. support.greeting" />
      </Field>
      {problem && <div className="loop-form-error">{problem}</div>}
      <Field id={`${prefix}-description`} label="Description">
        <TextArea id={`${prefix}-description`} value={description} onChange={setDescription} maxCount={1000} autosize={{ minRows: 2, maxRows: 5 }} />
      </Field>
    </>
  );
}

/** Create a prompt (optionally with a draft, from the playground). Mounted only while open. */
export function CreatePromptModal({ spaceId, draft, title = "Create prompt", onClose, onCreated }: {
  spaceId: string;
  draft?: PromptDetail;
  title?: string;
  onClose: () => void;
  onCreated: (promptId: string) => void;
}) {
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const [description, setDescription] = useState("");
  const create = useCreatePrompt(spaceId);
  const { submit, busy } = useSubmitOnce(create);
  const valid = name.trim() !== "" && key.trim() !== "" && !keyProblem(key.trim());

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    submit(
      { prompt_name: name.trim(), prompt_key: key.trim(), prompt_description: description.trim(), ...(draft ? { draft_detail: draft } : {}) },
      { onSuccess: (result) => onCreated(result.prompt_id) },
    );
  };

  return (
    <Modal title={title} visible onCancel={onClose} closeOnEsc footer={null}>
      <form onSubmit={onSubmit} className="loop-form">
        <NameKeyFields prefix="create-prompt" name={name} setName={setName} promptKey={key} setKey={setKey} description={description} setDescription={setDescription} />
        <FormError error={create.error} />
        <div className="loop-form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || !valid}>
            Create
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** Copy one committed version of `prompt` into a new prompt. Mounted only while open. */
export function ClonePromptModal({ spaceId, prompt, onClose, onCloned }: { spaceId: string; prompt: Prompt; onClose: () => void; onCloned: (promptId: string) => void }) {
  const commits = useCommits(prompt.id);
  const [version, setVersion] = useState<string | undefined>(prompt.prompt_basic.latest_version || undefined);
  const [name, setName] = useState(`${prompt.prompt_basic.display_name} copy`);
  const [key, setKey] = useState(`${prompt.prompt_key}_copy`);
  const [description, setDescription] = useState(prompt.prompt_basic.description);
  const clone = useClonePrompt(spaceId);
  const { submit, busy } = useSubmitOnce(clone);
  const valid = !!version && name.trim() !== "" && key.trim() !== "" && !keyProblem(key.trim());

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid || !version) return;
    submit(
      { promptId: prompt.id, commit_version: version, cloned_prompt_name: name.trim(), cloned_prompt_key: key.trim(), cloned_prompt_description: description.trim() },
      { onSuccess: (result) => onCloned(result.cloned_prompt_id) },
    );
  };

  return (
    <Modal title={`Clone ${prompt.prompt_basic.display_name}`} visible onCancel={onClose} closeOnEsc footer={null}>
      {!prompt.prompt_basic.latest_version ? (
        <p>This prompt has no committed version yet. Commit a version first, then clone it.</p>
      ) : (
        <form onSubmit={onSubmit} className="loop-form">
          <Field id="clone-version" label="Version">
            {commits.isPending && <Loading label="Loading versions…" />}
            {commits.isError && <ErrorState error={commits.error} title="Could not load the versions" onRetry={() => void commits.refetch()} />}
            {commits.data && (
              <Select
                id="clone-version"
                aria-labelledby="clone-version-label"
                value={version}
                onChange={(value) => setVersion(value as string)}
                optionList={commits.data.prompt_commit_infos.map((info) => ({ value: info.version, label: info.description ? `${info.version} · ${info.description}` : info.version }))}
                style={{ width: "100%" }}
              />
            )}
          </Field>
          <NameKeyFields prefix="clone-prompt" name={name} setName={setName} promptKey={key} setKey={setKey} description={description} setDescription={setDescription} />
          <FormError error={clone.error} />
          <div className="loop-form-actions">
            <Button onClick={onClose}>Cancel</Button>
            <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || !valid}>
              Clone
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
