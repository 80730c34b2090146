import { IconPlus } from "@douyinfe/semi-icons";
import { Avatar, Button, Empty, Modal, Select, Table, Toast } from "@douyinfe/semi-ui";
import { useState } from "react";
import type { Member, Space } from "../../api/client";
import { errorMessage } from "../../api/errors";
import { ROLE_OPTIONS, roleLabel, useMembers, useRemoveMember, useUpdateMemberRole, type Role } from "../../api/members";
import { SPACE_TYPE } from "../../api/spaces";
import { useCurrentUser } from "../../app/session";
import { formatServerTime } from "../../lib/time";
import { LabelledTable } from "../common/LabelledTable";
import { ErrorState, Loading } from "../common/QueryState";
import { InviteMemberModal } from "./InviteMemberModal";

const MANAGER_ROLES = [1, 2];

function displayName(member: Member): string {
  return member.user.nick_name || member.user.name || member.user.email;
}

export function MemberTable({ space }: { space: Space }) {
  const me = useCurrentUser();
  const members = useMembers(space.id);
  const updateRole = useUpdateMemberRole(space.id);
  const remove = useRemoveMember(space.id);
  const [inviting, setInviting] = useState(false);
  const [pendingRemove, setPendingRemove] = useState<Member | null>(null);
  const canManage = space.space_type === SPACE_TYPE.team && MANAGER_ROLES.includes(space.role);

  const changeRole = (member: Member, role: Role) =>
    updateRole.mutate(
      { userId: member.user.user_id, role },
      {
        onSuccess: () => Toast.success(`${displayName(member)} is now ${roleLabel(role)}`),
        onError: (error) => Toast.error(`Could not change the role: ${errorMessage(error)}`),
      },
    );

  const confirmRemove = () => {
    if (!pendingRemove) return;
    const name = displayName(pendingRemove);
    remove.mutate(pendingRemove.user.user_id, {
      onSuccess: () => {
        setPendingRemove(null);
        Toast.success(`Removed ${name}`);
      },
      onError: (error) => Toast.error(`Could not remove ${name}: ${errorMessage(error)}`),
    });
  };

  const columns = [
    {
      title: "Member",
      key: "member",
      render: (_: unknown, row: Member) => (
        <div className="loop-member">
          <Avatar size="small" color="light-blue" alt={displayName(row)}>
            {displayName(row).slice(0, 1).toUpperCase()}
          </Avatar>
          <div>
            <div>
              {displayName(row)}
              {row.user.user_id === me.user_id && <span className="loop-muted"> (you)</span>}
            </div>
            <div className="loop-muted">{row.user.email}</div>
          </div>
        </div>
      ),
    },
    {
      title: "Role",
      key: "role",
      width: 180,
      render: (_: unknown, row: Member) =>
        canManage ? (
          <>
          <span id={`member-role-${row.user.user_id}`} className="loop-visually-hidden">
            Role of {row.user.email}
          </span>
          <Select
            aria-labelledby={`member-role-${row.user.user_id}`}
            value={row.role}
            optionList={ROLE_OPTIONS}
            onChange={(value) => changeRole(row, value as Role)}
            style={{ width: 140 }}
          />
          </>
        ) : (
          roleLabel(row.role)
        ),
    },
    { title: "Joined", key: "joined", render: (_: unknown, row: Member) => formatServerTime(row.joined_at, "—") },
    {
      title: <span className="loop-visually-hidden">Actions</span>,
      key: "actions",
      width: 110,
      render: (_: unknown, row: Member) =>
        canManage && row.user.user_id !== space.owner_user_id ? (
          <Button type="danger" theme="borderless" aria-label={`Remove ${row.user.email}`} onClick={() => setPendingRemove(row)}>
            Remove
          </Button>
        ) : null,
    },
  ];

  return (
    <section aria-labelledby="members-heading">
      <div className="loop-section-header">
        <div>
          <h2 id="members-heading">Members</h2>
          <p className="loop-muted">
            {space.space_type === SPACE_TYPE.personal
              ? "A personal workspace has only you. Create a team workspace to work with others."
              : "Owners and admins can invite people by the email of their Loop account."}
          </p>
        </div>
        {canManage && (
          <Button icon={<IconPlus aria-hidden />} theme="solid" onClick={() => setInviting(true)}>
            Invite member
          </Button>
        )}
      </div>
      {members.isPending && <Loading label="Loading members…" />}
      {members.isError && <ErrorState title="Could not load members" error={members.error} onRetry={() => void members.refetch()} />}
      {members.data && (
        <LabelledTable label="Members">
        <Table<Member>
          rowKey={(row?: Member) => row?.user.user_id ?? ""}
          columns={columns}
          dataSource={members.data}
          pagination={false}
          empty={<Empty description="No members" />}
        />
        </LabelledTable>
      )}
      <InviteMemberModal spaceId={space.id} visible={inviting} onClose={() => setInviting(false)} />
      <Modal
        title="Remove member?"
        visible={pendingRemove !== null}
        onCancel={() => setPendingRemove(null)}
        closeOnEsc
        footer={
          <>
            <Button onClick={() => setPendingRemove(null)}>Cancel</Button>
            <Button type="danger" theme="solid" loading={remove.isPending} onClick={confirmRemove}>
              Remove
            </Button>
          </>
        }
      >
        {pendingRemove && `${displayName(pendingRemove)} (${pendingRemove.user.email}) will lose access to ${space.name}.`}
      </Modal>
    </section>
  );
}
