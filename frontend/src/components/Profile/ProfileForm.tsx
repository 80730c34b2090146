import { Button, Input, TextArea, Toast } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { useUpdateProfile } from "../../api/auth";
import { useCurrentUser } from "../../app/session";
import { Field } from "../common/Field";
import { FormError } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";

export function ProfileForm() {
  const user = useCurrentUser();
  const [name, setName] = useState(user.name);
  const [nickName, setNickName] = useState(user.nick_name);
  const [description, setDescription] = useState(user.description);
  const update = useUpdateProfile(user.user_id);
  const { submit, busy } = useSubmitOnce(update);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit(
      { name: name.trim(), nick_name: nickName.trim(), description: description.trim() },
      { onSuccess: () => Toast.success("Profile saved") },
    );
  };

  return (
    <form onSubmit={onSubmit} className="loop-form loop-form-narrow" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <Field id="profile-email" label="Email" hint="Your sign-in email cannot be changed here.">
        <Input id="profile-email" value={user.email} disabled />
      </Field>
      <Field id="profile-name" label="Name">
        <Input id="profile-name" value={name} onChange={setName} maxLength={100} required />
      </Field>
      <Field id="profile-nickname" label="Nickname">
        <Input id="profile-nickname" value={nickName} onChange={setNickName} maxLength={100} />
      </Field>
      <Field id="profile-description" label="Description">
        <TextArea id="profile-description" value={description} onChange={setDescription} maxCount={500} rows={3} />
      </Field>
      <FormError error={update.error} />
      <div className="loop-form-actions loop-form-actions-start">
        <Button htmlType="submit" theme="solid" loading={busy} disabled={busy}>
          Save
        </Button>
      </div>
    </form>
  );
}
