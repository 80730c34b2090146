import { Button, Input, Modal, TextArea } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { nextPatchVersion, SEMVER_PATTERN, useCommitDraft, useLabels, type PromptDetail } from "../../api/prompts";
import { Field } from "../common/Field";
import { FormError } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";
import { LabelSelect, labelProblem } from "./LabelSelect";

interface Props {
  spaceId: string;
  promptId: string;
  latestVersion: string;
  /** The editor's draft when it has unsaved changes: saved before committing. */
  unsaved?: PromptDetail;
  /** The unsaved draft was saved (the commit may still fail). */
  onDraftSaved?: () => void;
  onClose: () => void;
  onCommitted: (version: string) => void;
}

/** Mounted only while open, so each opening starts from the next patch version. */
export function CommitModal({ spaceId, promptId, latestVersion, unsaved, onDraftSaved, onClose, onCommitted }: Props) {
  const [version, setVersion] = useState(() => nextPatchVersion(latestVersion));
  const [description, setDescription] = useState("");
  const [labels, setLabels] = useState<string[]>([]);
  const labelList = useLabels(spaceId);
  const commit = useCommitDraft(spaceId, promptId);
  const { submit, busy } = useSubmitOnce(commit);
  const versionOk = SEMVER_PATTERN.test(version.trim());
  const badLabel = labelProblem(labels);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!versionOk || badLabel) return;
    const known = new Set(labelList.data ?? []);
    const v = version.trim();
    submit(
      { version: v, description: description.trim(), labels, newLabels: labels.filter((key) => !known.has(key)), unsaved, onDraftSaved },
      { onSuccess: () => onCommitted(v) },
    );
  };

  return (
    <Modal title="Commit a version" visible onCancel={onClose} closeOnEsc footer={null}>
      <form onSubmit={onSubmit} className="loop-form">
        <p className="loop-muted">
          {latestVersion ? `The latest version is ${latestVersion}.` : "This prompt has no versions yet."} The version is your saved draft
          {unsaved ? " (your unsaved changes are saved first)" : ""}.
        </p>
        <Field id="commit-version" label="Version" hint="Semantic version, higher than the latest (e.g. 1.0.0)">
          <Input id="commit-version" value={version} onChange={setVersion} autoFocus required aria-invalid={!versionOk || undefined} />
        </Field>
        {!versionOk && version.trim() !== "" && <div className="loop-form-error">Use the form major.minor.patch, e.g. 1.0.0.</div>}
        <Field id="commit-description" label="Description">
          <TextArea id="commit-description" value={description} onChange={setDescription} maxCount={1000} autosize={{ minRows: 2, maxRows: 6 }} />
        </Field>
        <Field id="commit-labels" label="Labels" hint="A label points at one version; adding it here moves it from any other version.">
          <LabelSelect id="commit-labels" labels={labelList.data ?? []} value={labels} onChange={setLabels} />
        </Field>
        {labelList.isError && <FormError error={labelList.error} />}
        {badLabel && <div className="loop-form-error">{badLabel}</div>}
        <FormError error={commit.error} />
        <div className="loop-form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || !versionOk || badLabel !== null}>
            Commit
          </Button>
        </div>
      </form>
    </Modal>
  );
}
