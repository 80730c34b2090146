import { Button, Input, TextArea, Toast } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import type { Space } from "../../api/client";
import { useUpdateSpace } from "../../api/spaces";
import { Field } from "../common/Field";
import { FormError } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";

export function RenameWorkspaceForm({ space, canEdit }: { space: Space; canEdit: boolean }) {
  const [name, setName] = useState(space.name);
  const [description, setDescription] = useState(space.description);
  const update = useUpdateSpace(space.id);
  const { submit, busy } = useSubmitOnce(update);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit({ name: name.trim(), description: description.trim() }, { onSuccess: () => Toast.success("Workspace saved") });
  };

  return (
    <form onSubmit={onSubmit} className="loop-form loop-form-narrow" aria-labelledby="workspace-general-heading">
      <h2 id="workspace-general-heading">General</h2>
      <Field id="workspace-settings-name" label="Workspace name">
        <Input id="workspace-settings-name" value={name} onChange={setName} maxLength={100} disabled={!canEdit} required />
      </Field>
      <Field id="workspace-settings-description" label="Workspace description">
        <TextArea id="workspace-settings-description" value={description} onChange={setDescription} maxCount={500} rows={2} disabled={!canEdit} />
      </Field>
      <Field id="workspace-settings-id" label="Workspace ID">
        <Input id="workspace-settings-id" value={space.id} readonly />
      </Field>
      <FormError error={update.error} />
      {canEdit && (
        <div className="loop-form-actions loop-form-actions-start">
          <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || !name.trim()}>
            Save
          </Button>
        </div>
      )}
    </form>
  );
}
