import { Button, Input, Modal, TextArea } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import type { Space } from "../../api/client";
import { useCreateSpace } from "../../api/spaces";
import { Field } from "../common/Field";
import { FormError } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";

interface Props {
  visible: boolean;
  onClose: () => void;
  onCreated: (space: Space) => void;
}

export function CreateWorkspaceModal({ visible, onClose, onCreated }: Props) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useCreateSpace();
  const { submit, busy } = useSubmitOnce(create);

  const reset = () => {
    setName("");
    setDescription("");
    create.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit({ name: name.trim(), description: description.trim() }, { onSuccess: (space) => { reset(); onCreated(space); } });
  };

  return (
    <Modal title="Create team workspace" visible={visible} onCancel={() => { reset(); onClose(); }} footer={null} closeOnEsc>
      <form onSubmit={onSubmit} className="loop-form">
        <Field id="workspace-name" label="Name">
          <Input id="workspace-name" value={name} onChange={setName} maxLength={100} autoFocus required />
        </Field>
        <Field id="workspace-description" label="Description">
          <TextArea id="workspace-description" value={description} onChange={setDescription} maxCount={500} rows={3} />
        </Field>
        <FormError error={create.error} />
        <div className="loop-form-actions">
          <Button onClick={() => { reset(); onClose(); }}>Cancel</Button>
          <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || !name.trim()}>
            Create
          </Button>
        </div>
      </form>
    </Modal>
  );
}
