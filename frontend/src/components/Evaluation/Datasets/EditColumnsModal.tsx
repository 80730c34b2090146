import { Button, Modal, Toast } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { useUpdateSchema, type EvalFieldSchema, type NewColumn } from "../../../api/evaluationSets";
import { FormError } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";
import { columnProblems, SchemaEditor } from "./SchemaEditor";

function asColumn(field: EvalFieldSchema): NewColumn {
  return { name: field.name ?? "", description: field.description ?? "", contentType: field.content_type === "Image" ? "Image" : "Text", required: !!field.isRequired };
}

/**
 * Deletes a saved column at once: the saved schema is sent without it (edits still open in the form are not part of
 * it). The server soft-deletes a column left out of the schema, which is what the text below describes.
 */
function DeleteColumn({ spaceId, setId, fields, field, onCancel, onDeleted }: { spaceId: string; setId: string; fields: EvalFieldSchema[]; field: EvalFieldSchema; onCancel: () => void; onDeleted: () => void }) {
  const update = useUpdateSchema(spaceId, setId);
  const { submit, busy } = useSubmitOnce(update);
  const last = fields.length <= 1;
  return (
    <div className="loop-form">
      {last ? (
        <p>A set needs at least one column. Add another column and save it first.</p>
      ) : (
        <ul className="loop-eval-notes">
          <li>The column leaves the set now, and versions you create from now on do not have it. Versions already created keep it, with their values.</li>
          <li>Values the draft's items hold in it are not erased but hidden. They come back if the column is restored with its key (through the API); a new column of the same name starts empty.</li>
          <li>Editing an item while the column is deleted drops that item's hidden value.</li>
        </ul>
      )}
      <FormError error={update.error} />
      <div className="loop-form-actions">
        <Button onClick={onCancel} disabled={busy} autoFocus>
          {last ? "Back" : "Cancel"}
        </Button>
        {!last && (
          <Button type="danger" theme="solid" loading={busy} disabled={busy} onClick={() => submit(fields.filter((other) => other.key !== field.key), { onSuccess: onDeleted })}>
            Delete column
          </Button>
        )}
      </div>
    </div>
  );
}

/**
 * Add columns, change descriptions and required flags, delete columns. Existing columns keep their key (and so their
 * data); their name and type stay as they are. New columns are saved with "Save columns"; deleting a saved column
 * is confirmed and done at once.
 */
export function EditColumnsModal({ spaceId, setId, fields, onClose }: { spaceId: string; setId: string; fields: EvalFieldSchema[]; onClose: () => void }) {
  const [columns, setColumns] = useState<NewColumn[]>(() => fields.map(asColumn));
  const [keys, setKeys] = useState<(string | null)[]>(() => fields.map((field) => field.key ?? null));
  const [deleting, setDeleting] = useState<number | null>(null);
  // Deleted here, maybe not yet gone from `fields` (refetched after the delete): never send them back.
  const [deletedKeys, setDeletedKeys] = useState<string[]>([]);
  const saved = fields.filter((field) => !deletedKeys.includes(field.key ?? ""));
  const update = useUpdateSchema(spaceId, setId);
  const { submit, busy } = useSubmitOnce(update);
  const problems = columnProblems(columns);
  const existing = keys.filter((key) => key !== null).length;
  const deletingField = deleting === null ? undefined : saved.find((field) => field.key === keys[deleting]);

  const change = (next: NewColumn[]) => {
    // Rows are edited in place or appended here; removals go through `remove`.
    if (next.length > columns.length) setKeys([...keys, ...next.slice(columns.length).map(() => null)]);
    setColumns(next);
  };
  const drop = (index: number) => {
    setColumns(columns.filter((_, i) => i !== index));
    setKeys(keys.filter((_, i) => i !== index));
  };
  const remove = (index: number) => (keys[index] === null ? drop(index) : setDeleting(index));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (problems.length > 0) return;
    const payload: EvalFieldSchema[] = columns.map((column, index) => {
      const before = fields.find((field) => field.key === keys[index]);
      return {
        ...(before ?? { content_type: column.contentType, default_display_format: 1, name: column.name.trim() }),
        description: column.description.trim(),
        isRequired: column.required,
      };
    });
    submit(payload, { onSuccess: onClose });
  };
  // The confirmation takes the modal's place (Semi's stacked modals would share one title id); the form's state stays.
  return (
    <Modal title={deletingField ? `Delete column "${deletingField.name ?? ""}"?` : "Edit columns"} visible onCancel={deletingField ? () => setDeleting(null) : onClose} closeOnEsc footer={null} width={860}>
      {deleting !== null && deletingField ? (
        <DeleteColumn
          spaceId={spaceId}
          setId={setId}
          fields={saved}
          field={deletingField}
          onCancel={() => setDeleting(null)}
          onDeleted={() => {
            Toast.success(`Column "${deletingField.name ?? ""}" deleted`);
            setDeletedKeys([...deletedKeys, deletingField.key ?? ""]);
            drop(deleting);
            setDeleting(null);
          }}
        />
      ) : (
        <form className="loop-form" onSubmit={onSubmit}>
          <SchemaEditor columns={columns} onChange={change} lockedCount={existing} onRemove={remove} />
          {problems.length > 0 && <p className="loop-muted">{problems.join(" ")}</p>}
          <FormError error={update.error} />
          <div className="loop-form-actions">
            <Button onClick={onClose}>Cancel</Button>
            <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || problems.length > 0}>
              Save columns
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
