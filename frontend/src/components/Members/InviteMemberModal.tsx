import { Button, Input, Modal, Select } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { ROLE_OPTIONS, useInviteMember, type Role } from "../../api/members";
import { Field } from "../common/Field";
import { FormError } from "../common/QueryState";

export function InviteMemberModal({ spaceId, visible, onClose }: { spaceId: string; visible: boolean; onClose: () => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>(3);
  const invite = useInviteMember(spaceId);

  const close = () => {
    setEmail("");
    setRole(3);
    invite.reset();
    onClose();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate({ email: email.trim(), role }, { onSuccess: close });
  };

  return (
    <Modal title="Invite member" visible={visible} onCancel={close} footer={null} closeOnEsc>
      <form onSubmit={onSubmit} className="loop-form">
        <Field id="invite-email" label="Email" hint="They need a Loop account with this email.">
          <Input id="invite-email" type="email" value={email} onChange={setEmail} autoFocus required />
        </Field>
        <Field id="invite-role" label="Role">
          <Select
            id="invite-role"
            aria-labelledby="invite-role-label"
            value={role}
            onChange={(value) => setRole(value as Role)}
            optionList={ROLE_OPTIONS}
            style={{ width: "100%" }}
          />
        </Field>
        <FormError error={invite.error} />
        <div className="loop-form-actions">
          <Button onClick={close}>Cancel</Button>
          <Button htmlType="submit" theme="solid" loading={invite.isPending} disabled={!email.trim()}>
            Invite
          </Button>
        </div>
      </form>
    </Modal>
  );
}
