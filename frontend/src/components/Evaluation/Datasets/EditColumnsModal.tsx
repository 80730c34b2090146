import { Button, Modal } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { useUpdateSchema, type EvalFieldSchema, type NewColumn } from "../../../api/evaluationSets";
import { FormError } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";
import { columnProblems, SchemaEditor } from "./SchemaEditor";

function asColumn(field: EvalFieldSchema): NewColumn {
  return { name: field.name ?? "", description: field.description ?? "", contentType: field.content_type === "Image" ? "Image" : "Text", required: !!field.isRequired };
}

/**
 * Add columns, change descriptions and required flags. Existing columns keep their key (and so their data); their
 * name and type stay as they are. Removing one sends the schema without it: the server refuses when it holds data.
 */
export function EditColumnsModal({ spaceId, setId, fields, onClose }: { spaceId: string; setId: string; fields: EvalFieldSchema[]; onClose: () => void }) {
  const [columns, setColumns] = useState<NewColumn[]>(() => fields.map(asColumn));
  const [keys, setKeys] = useState<(string | null)[]>(() => fields.map((field) => field.key ?? null));
  const update = useUpdateSchema(spaceId, setId);
  const { submit, busy } = useSubmitOnce(update);
  const problems = columnProblems(columns);
  const existing = keys.filter((key) => key !== null).length;

  const change = (next: NewColumn[]) => {
    // Rows are only appended or removed: keep each remaining row's key.
    if (next.length < columns.length) {
      const removed = columns.findIndex((column, index) => next[index] !== column && !next.includes(column));
      setKeys(keys.filter((_, index) => index !== (removed < 0 ? columns.length - 1 : removed)));
    } else if (next.length > columns.length) setKeys([...keys, null]);
    setColumns(next);
  };
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
  return (
    <Modal title="Edit columns" visible onCancel={onClose} closeOnEsc footer={null} width={860}>
      <form className="loop-form" onSubmit={onSubmit}>
        <SchemaEditor columns={columns} onChange={change} lockedCount={existing} />
        {problems.length > 0 && <p className="loop-muted">{problems.join(" ")}</p>}
        <FormError error={update.error} />
        <div className="loop-form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || problems.length > 0}>
            Save columns
          </Button>
        </div>
      </form>
    </Modal>
  );
}
