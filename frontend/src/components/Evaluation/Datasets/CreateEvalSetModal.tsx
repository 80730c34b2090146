import { Button, Input, Modal, TextArea } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { useCreateEvaluationSet, type NewColumn } from "../../../api/evaluationSets";
import { Field } from "../../common/Field";
import { FormError } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";
import { columnProblems, emptyColumn, SchemaEditor } from "./SchemaEditor";

/** Name, description and columns of a new evaluation set. Mounted only while open. */
export function CreateEvalSetModal({ spaceId, onClose, onCreated }: { spaceId: string; onClose: () => void; onCreated: (setId: string) => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [columns, setColumns] = useState<NewColumn[]>([{ ...emptyColumn("input"), required: true }, emptyColumn("reference_output")]);
  const create = useCreateEvaluationSet(spaceId);
  const { submit, busy } = useSubmitOnce(create);
  const problems = [...(name.trim() ? [] : ["Name the set."]), ...columnProblems(columns)];

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (problems.length > 0) return;
    submit({ name: name.trim(), description: description.trim(), columns }, { onSuccess: onCreated });
  };

  return (
    <Modal title="Create evaluation set" visible onCancel={onClose} closeOnEsc footer={null} width={860}>
      <form onSubmit={onSubmit} className="loop-form">
        <Field id="eval-set-name" label="Name">
          <Input id="eval-set-name" value={name} onChange={setName} maxLength={255} autoFocus required />
        </Field>
        <Field id="eval-set-description" label="Description">
          <TextArea id="eval-set-description" value={description} onChange={setDescription} maxCount={2048} autosize={{ minRows: 1, maxRows: 4 }} />
        </Field>
        <SchemaEditor columns={columns} onChange={setColumns} />
        {problems.length > 0 && name !== "" && <p className="loop-muted">{problems.join(" ")}</p>}
        <FormError error={create.error} />
        <div className="loop-form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || problems.length > 0}>
            Create
          </Button>
        </div>
      </form>
    </Modal>
  );
}
