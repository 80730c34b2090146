import { Button, Modal, SideSheet, Tag, Toast } from "@douyinfe/semi-ui";
import { useState } from "react";
import { errorMessage } from "../../api/errors";
import { useCommits, useLabels, useRevertDraft, useUpdateCommitLabels, type CommitInfo, type PromptDetail } from "../../api/prompts";
import { formatServerTime } from "../../lib/time";
import { Field } from "../common/Field";
import { ErrorState, FormError, Loading } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";
import { LabelSelect, labelProblem } from "./LabelSelect";

function DetailView({ detail }: { detail?: PromptDetail }) {
  if (!detail) return null;
  return (
    <div className="loop-version-detail">
      {(detail.prompt_template?.messages ?? []).map((message, index) => (
        <div key={index} className="loop-version-message">
          <strong>{message.role}</strong>
          <pre>{message.content}</pre>
        </div>
      ))}
      {detail.model_config?.model_id && <p className="loop-muted">Model {String(detail.model_config.model_id)}</p>}
      {(detail.tools ?? []).length > 0 && <p className="loop-muted">Tools: {(detail.tools ?? []).map((t) => t.function.name).join(", ")}</p>}
    </div>
  );
}

function EditLabelsModal({ spaceId, promptId, version, current, onClose }: { spaceId: string; promptId: string; version: string; current: string[]; onClose: () => void }) {
  const [labels, setLabels] = useState(current);
  const labelList = useLabels(spaceId);
  const update = useUpdateCommitLabels(spaceId, promptId);
  const { submit, busy } = useSubmitOnce(update);
  const bad = labelProblem(labels);
  const save = () => {
    if (bad) return;
    const known = new Set(labelList.data ?? []);
    submit({ version, labels, newLabels: labels.filter((key) => !known.has(key)) }, { onSuccess: onClose });
  };
  return (
    <Modal
      title={`Labels of ${version}`}
      visible
      onCancel={onClose}
      closeOnEsc
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button theme="solid" loading={busy} disabled={busy || bad !== null} onClick={save}>
            Save labels
          </Button>
        </>
      }
    >
      <Field id="version-labels" label="Labels" hint="Exactly these labels will point at this version; they move from any other version.">
        <LabelSelect id="version-labels" labels={labelList.data ?? []} value={labels} onChange={setLabels} />
      </Field>
      {bad && <div className="loop-form-error">{bad}</div>}
      <FormError error={update.error ?? labelList.error} />
    </Modal>
  );
}

export function VersionsDrawer({ spaceId, promptId, visible, onClose, onReverted }: { spaceId: string; promptId: string; visible: boolean; onClose: () => void; onReverted: () => void }) {
  const commits = useCommits(promptId, visible);
  const revert = useSubmitOnce(useRevertDraft(promptId));
  const [viewing, setViewing] = useState<string | null>(null);
  const [reverting, setReverting] = useState<string | null>(null);
  const [editing, setEditing] = useState<CommitInfo | null>(null);
  const userName = (id: string) => {
    const found = commits.data?.users.find((u) => u.user_id === id);
    return found ? found.nick_name || found.name || found.email : id;
  };
  const labelsOf = (version: string) => (commits.data?.commit_version_label_mapping[version] ?? []).map((label) => label.key);

  const confirmRevert = () => {
    if (!reverting) return;
    const version = reverting;
    revert.submit(version, {
      onSuccess: () => {
        setReverting(null);
        Toast.success(`Draft reverted to ${version}`);
        onReverted();
      },
      onError: (error) => Toast.error(`Could not revert: ${errorMessage(error)}`),
    });
  };

  return (
    <SideSheet title="Versions" visible={visible} onCancel={onClose} width={520} closeOnEsc>
      {commits.isPending && <Loading label="Loading versions…" />}
      {commits.isError && <ErrorState title="Could not load the versions" error={commits.error} onRetry={() => void commits.refetch()} />}
      {commits.data && commits.data.prompt_commit_infos.length === 0 && <p className="loop-muted">No versions yet. Commit the draft to create one.</p>}
      {commits.data && (
        <ol className="loop-version-list" aria-label="Versions">
          {commits.data.prompt_commit_infos.map((info) => (
            <li key={info.version} className="loop-version" aria-label={`Version ${info.version}`}>
              <div className="loop-row">
                <strong>{info.version}</strong>
                {labelsOf(info.version).map((key) => (
                  <Tag key={key} color="green" size="small">
                    {key}
                  </Tag>
                ))}
              </div>
              {info.description && <p>{info.description}</p>}
              <p className="loop-muted">
                {userName(info.committed_by)} · {formatServerTime(info.committed_at, "ms", "—")}
              </p>
              <div className="loop-row">
                <Button size="small" onClick={() => setViewing(viewing === info.version ? null : info.version)} aria-expanded={viewing === info.version}>
                  {viewing === info.version ? "Hide" : "View"}
                </Button>
                <Button size="small" onClick={() => setEditing(info)}>
                  Edit labels
                </Button>
                <Button size="small" type="warning" onClick={() => setReverting(info.version)}>
                  Revert draft to this version
                </Button>
              </div>
              {viewing === info.version && <DetailView detail={commits.data.prompt_commit_detail_mapping[info.version] as PromptDetail | undefined} />}
            </li>
          ))}
        </ol>
      )}
      <Modal
        title="Revert the draft?"
        visible={reverting !== null}
        onCancel={() => setReverting(null)}
        closeOnEsc
        footer={
          <>
            <Button onClick={() => setReverting(null)}>Cancel</Button>
            <Button type="warning" theme="solid" loading={revert.busy} disabled={revert.busy} onClick={confirmRevert}>
              Revert
            </Button>
          </>
        }
      >
        Your draft will be replaced by version <strong>{reverting}</strong>. Unsaved and saved draft changes are lost.
      </Modal>
      {editing && <EditLabelsModal spaceId={spaceId} promptId={promptId} version={editing.version} current={labelsOf(editing.version)} onClose={() => setEditing(null)} />}
    </SideSheet>
  );
}
