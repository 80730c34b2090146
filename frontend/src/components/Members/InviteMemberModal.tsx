import { Button, Input, Modal, Select } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { assignableRoles, ROLE, useInviteMember, type Role } from "../../api/members";
import { Field } from "../common/Field";
import { FormError } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";

interface Props {
  spaceId: string;
  /** The inviter's role in the workspace: only owners can invite owners. */
  callerRole: number;
  visible: boolean;
  onClose: () => void;
}

export function InviteMemberModal({ spaceId, callerRole, visible, onClose }: Props) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>(ROLE.member);
  const invite = useInviteMember(spaceId);
  const { submit, busy } = useSubmitOnce(invite);

  const close = () => {
    setEmail("");
    setRole(ROLE.member);
    invite.reset();
    onClose();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit({ email: email.trim(), role }, { onSuccess: close });
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
            optionList={assignableRoles(callerRole)}
            style={{ width: "100%" }}
          />
        </Field>
        <FormError error={invite.error} />
        <div className="loop-form-actions">
          <Button onClick={close}>Cancel</Button>
          <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || !email.trim()}>
            Invite
          </Button>
        </div>
      </form>
    </Modal>
  );
}
