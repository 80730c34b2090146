import { Button, Input, Modal, Table, Tag, TextArea } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { SNAPSHOT, useCreateVersion, useEvalSetVersions, type EvalSetVersion } from "../../../api/evaluationSets";
import { nextPatchVersion, SEMVER_PATTERN } from "../../../api/prompts";
import { formatServerTime } from "../../../lib/time";
import { Field } from "../../common/Field";
import { LabelledTable } from "../../common/LabelledTable";
import { ErrorState, FormError, Loading } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";

const SNAPSHOT_LABELS: Record<number, { label: string; color: "grey" | "blue" | "green" | "red" }> = {
  [SNAPSHOT.unstarted]: { label: "Queued", color: "grey" },
  [SNAPSHOT.inProgress]: { label: "Writing", color: "blue" },
  [SNAPSHOT.completed]: { label: "Ready", color: "green" },
  [SNAPSHOT.failed]: { label: "Failed", color: "red" },
};

/** Freeze the draft's items as a semver version (higher than the latest). Mounted only while open. */
export function CreateVersionModal({ spaceId, setId, latest, onClose, onCreated }: { spaceId: string; setId: string; latest: string; onClose: () => void; onCreated: (versionId: string) => void }) {
  const [version, setVersion] = useState(nextPatchVersion(latest));
  const [desc, setDesc] = useState("");
  const create = useCreateVersion(spaceId, setId);
  const { submit, busy } = useSubmitOnce(create);
  const valid = SEMVER_PATTERN.test(version.trim());
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (valid) submit({ version: version.trim(), desc: desc.trim() }, { onSuccess: onCreated });
  };
  return (
    <Modal title="Create version" visible onCancel={onClose} closeOnEsc footer={null}>
      <form className="loop-form" onSubmit={onSubmit}>
        <p className="loop-muted">A version freezes the items as they are now; experiments can run on it while the draft keeps changing.</p>
        <Field id="set-version" label="Version" hint={latest ? `Higher than the latest, ${latest}.` : "Three numbers, like 0.0.1."}>
          <Input id="set-version" value={version} onChange={setVersion} autoFocus required aria-invalid={valid ? undefined : true} />
        </Field>
        <Field id="set-version-description" label="Description">
          <TextArea id="set-version-description" value={desc} onChange={setDesc} maxCount={400} autosize={{ minRows: 2, maxRows: 5 }} />
        </Field>
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

/** The set's versions, newest first; "View items" opens one (read-only). */
export function VersionsPanel({ spaceId, setId, onView }: { spaceId: string; setId: string; onView: (version: EvalSetVersion) => void }) {
  const versions = useEvalSetVersions(spaceId, setId);
  if (versions.isPending) return <Loading label="Loading versions…" />;
  if (versions.isError) return <ErrorState title="Could not load the versions" error={versions.error} onRetry={() => void versions.refetch()} />;
  const columns = [
    { title: "Version", key: "version", width: 120, render: (_: unknown, row: EvalSetVersion) => <Tag color="blue">{row.version}</Tag> },
    { title: "Description", key: "description", render: (_: unknown, row: EvalSetVersion) => row.description || <span className="loop-muted">–</span> },
    { title: "Items", key: "items", width: 90, align: "right" as const, render: (_: unknown, row: EvalSetVersion) => Number(row.item_count).toLocaleString() },
    {
      title: "Snapshot",
      key: "snapshot",
      width: 110,
      render: (_: unknown, row: EvalSetVersion) => {
        const state = SNAPSHOT_LABELS[row.snapshot_status ?? SNAPSHOT.completed] ?? SNAPSHOT_LABELS[SNAPSHOT.completed]!;
        return <Tag color={state.color}>{state.label}</Tag>;
      },
    },
    { title: "Created", key: "created", width: 190, render: (_: unknown, row: EvalSetVersion) => formatServerTime(row.base_info?.created_at ?? "", "ms", "—") },
    {
      title: <span className="loop-visually-hidden">Actions</span>,
      key: "actions",
      width: 110,
      render: (_: unknown, row: EvalSetVersion) => (
        <Button size="small" onClick={() => onView(row)} aria-label={`View items of version ${row.version}`}>
          View items
        </Button>
      ),
    },
  ];
  return (
    <LabelledTable label="Versions">
      <Table<EvalSetVersion> rowKey="id" columns={columns} dataSource={versions.data} pagination={false} size="small" empty={<p className="loop-muted">No versions yet: create one to freeze the items.</p>} />
    </LabelledTable>
  );
}
