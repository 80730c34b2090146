import { IconClose, IconSave } from "@douyinfe/semi-icons";
import { Button, Input, Modal, Spin, Toast } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { useCreateView, useDeleteView, useViews, type TraceView } from "../../api/traces";
import { filtersJson, type FilterRow, type SpanListType } from "../../lib/traceFilters";
import { ConfirmDeleteModal } from "../common/ConfirmDeleteModal";
import { Field } from "../common/Field";
import { ErrorState, FormError } from "../common/QueryState";
import { useConfirmedDelete } from "../common/useConfirmedDelete";
import { useSubmitOnce } from "../common/useSubmitOnce";

interface Props {
  spaceId: string;
  activeId: string | null;
  onApply: (view: TraceView) => void;
  /** What "Save as view" saves: the tab and the filters in use. */
  current: { spanListType: SpanListType; rows: FilterRow[] };
  onSaved: (id: string) => void;
}

/** Saved views: the two built-in ones and the workspace's. Applying one sets the tab and the filters. */
export function ViewsBar({ spaceId, activeId, onApply, current, onSaved }: Props) {
  const views = useViews(spaceId);
  const [saving, setSaving] = useState(false);
  const deletion = useConfirmedDelete(useDeleteView(spaceId), (view: TraceView) => ({ id: view.id, label: `view "${view.view_name}"` }));

  return (
    <div className="loop-views" role="group" aria-label="Saved views">
      <span className="loop-field-label loop-inline-label">Views</span>
      {views.isPending && <Spin size="small" aria-label="Loading views" />}
      {views.isError && <ErrorState title="Could not load the saved views" error={views.error} onRetry={() => void views.refetch()} />}
      {views.data?.map((view) => (
        <span key={view.id} className="loop-view-chip">
          <Button
            size="small"
            theme={view.id === activeId ? "solid" : "light"}
            aria-pressed={view.id === activeId}
            aria-label={view.is_system ? `${view.view_name} (built-in)` : view.view_name}
            onClick={() => onApply(view)}
          >
            {view.view_name}
          </Button>
          {!view.is_system && (
            <Button size="small" theme="borderless" type="tertiary" icon={<IconClose aria-hidden />} aria-label={`Delete view ${view.view_name}`} onClick={() => deletion.ask(view)} />
          )}
        </span>
      ))}
      <Button size="small" icon={<IconSave aria-hidden />} onClick={() => setSaving(true)}>
        Save as view
      </Button>
      {saving && (
        <SaveViewModal
          spaceId={spaceId}
          current={current}
          onClose={() => setSaving(false)}
          onSaved={(id, name) => {
            setSaving(false);
            Toast.success(`Saved view "${name}"`);
            onSaved(id);
          }}
        />
      )}
      <ConfirmDeleteModal title="Delete view?" deletion={deletion}>
        The saved view <strong>{deletion.pending?.view_name}</strong> will be deleted for everyone in this workspace. Traces are not affected.
      </ConfirmDeleteModal>
    </div>
  );
}

function SaveViewModal({ spaceId, current, onClose, onSaved }: { spaceId: string; current: Props["current"]; onClose: () => void; onSaved: (id: string, name: string) => void }) {
  const create = useCreateView(spaceId);
  const { submit, busy } = useSubmitOnce(create);
  const [name, setName] = useState("");
  const save = (event: FormEvent) => {
    event.preventDefault();
    const viewName = name.trim();
    if (!viewName) return;
    submit({ view_name: viewName, span_list_type: current.spanListType, filters: filtersJson(current.rows) }, { onSuccess: (data) => onSaved(data.id, viewName) });
  };
  return (
    <Modal title="Save as view" visible onCancel={onClose} footer={null} closeOnEsc>
      <form className="loop-form" onSubmit={save}>
        <p className="loop-muted">Saves the current tab and the filters in use, so anyone in this workspace can apply them again.</p>
        <Field id="view-name" label="View name">
          <Input id="view-name" value={name} onChange={setName} maxLength={100} autoFocus placeholder="e.g. Acme errors" />
        </Field>
        <FormError error={create.error} />
        <div className="loop-form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || !name.trim()}>
            Save view
          </Button>
        </div>
      </form>
    </Modal>
  );
}
