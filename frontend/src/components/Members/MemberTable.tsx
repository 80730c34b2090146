import { IconPlus } from "@douyinfe/semi-icons";
import { Avatar, Button, Empty, Modal, Select, Table, Toast } from "@douyinfe/semi-ui";
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import type { Member, Space } from "../../api/client";
import { errorMessage } from "../../api/errors";
import {
  assignableRoles,
  canChangeMember,
  ROLE,
  roleLabel,
  useLeaveSpace,
  useMembers,
  useRemoveMember,
  useUpdateMemberRole,
  type Role,
} from "../../api/members";
import { canManageSpace, SPACE_TYPE } from "../../api/spaces";
import { forgetLastSpaceId } from "../../app/lastSpace";
import { useCurrentUser } from "../../app/session";
import { formatServerTime } from "../../lib/time";
import { LabelledTable } from "../common/LabelledTable";
import { ErrorState, Loading } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";
import { InviteMemberModal } from "./InviteMemberModal";

function displayName(member: Member): string {
  return member.user.nick_name || member.user.name || member.user.email;
}

/** What the confirm dialog is about: removing someone, leaving, or lowering your own role. */
type Pending = { kind: "remove"; member: Member } | { kind: "leave"; member: Member } | { kind: "demote"; member: Member; role: Role };

function confirmText(pending: Pending, spaceName: string): { title: string; body: string; action: string } {
  switch (pending.kind) {
    case "remove":
      return {
        title: "Remove member?",
        body: `${displayName(pending.member)} (${pending.member.user.email}) will lose access to ${spaceName}.`,
        action: "Remove",
      };
    case "leave":
      return {
        title: "Leave workspace?",
        body: `You will lose access to ${spaceName}. To come back, an owner or admin has to invite you again.`,
        action: "Leave",
      };
    case "demote":
      return {
        title: `Make yourself ${roleLabel(pending.role)}?`,
        body:
          pending.role === ROLE.member
            ? `You will lose the right to manage members of ${spaceName}.`
            : `You will no longer be able to add, change or remove owners of ${spaceName}.`,
        action: "Change role",
      };
  }
}

export function MemberTable({ space }: { space: Space }) {
  const me = useCurrentUser();
  const navigate = useNavigate();
  const members = useMembers(space.id);
  const updateRole = useSubmitOnce(useUpdateMemberRole(space.id));
  const remove = useSubmitOnce(useRemoveMember(space.id));
  const leave = useSubmitOnce(
    useLeaveSpace(space.id, async () => {
      forgetLastSpaceId(space.id);
      Toast.success(`You left ${space.name}`);
      // Leave the workspace's pages now (not in a transition), before its cached data is dropped.
      await navigate("/console", { replace: true, flushSync: true });
    }),
  );
  const [inviting, setInviting] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const canManage = canManageSpace(space);
  const isTeam = space.space_type === SPACE_TYPE.team;

  const sendRole = (member: Member, role: Role) =>
    updateRole.submit(
      { userId: member.user.user_id, role },
      {
        onSuccess: () => {
          setPending(null);
          Toast.success(`${displayName(member)} is now ${roleLabel(role)}`);
        },
        onError: (error) => Toast.error(`Could not change the role: ${errorMessage(error)}`),
      },
    );

  const changeRole = (member: Member, role: Role) => {
    if (role === member.role) return;
    // Lowering your own role (a higher number) takes rights away: ask first.
    if (member.user.user_id === me.user_id && role > member.role) setPending({ kind: "demote", member, role });
    else sendRole(member, role);
  };

  const confirm = () => {
    if (!pending) return;
    const { member } = pending;
    const name = displayName(member);
    if (pending.kind === "demote") {
      sendRole(member, pending.role);
    } else if (pending.kind === "remove") {
      remove.submit(member.user.user_id, {
        onSuccess: () => {
          setPending(null);
          Toast.success(`Removed ${name}`);
        },
        onError: (error) => Toast.error(`Could not remove ${name}: ${errorMessage(error)}`),
      });
    } else {
      // On success useLeaveSpace's onLeft (above) takes the user away from this page.
      leave.submit(member.user.user_id, { onError: (error) => Toast.error(`Could not leave ${space.name}: ${errorMessage(error)}`) });
    }
  };

  const busy = updateRole.busy || remove.busy || leave.busy;
  const dialog = pending ? confirmText(pending, space.name) : null;

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
        canManage && canChangeMember(space.role, row.role) ? (
          <>
            <span id={`member-role-${row.user.user_id}`} className="loop-visually-hidden">
              Role of {row.user.email}
            </span>
            <Select
              aria-labelledby={`member-role-${row.user.user_id}`}
              value={row.role}
              optionList={assignableRoles(space.role)}
              // onSelect fires as soon as an option is picked; the shown value changes only when the server agrees.
              onSelect={(value) => changeRole(row, value as Role)}
              disabled={updateRole.busy}
              style={{ width: 140 }}
            />
          </>
        ) : (
          roleLabel(row.role)
        ),
    },
    { title: "Joined", key: "joined", render: (_: unknown, row: Member) => formatServerTime(row.joined_at, "ms", "—") },
    {
      title: <span className="loop-visually-hidden">Actions</span>,
      key: "actions",
      width: 110,
      render: (_: unknown, row: Member) => {
        if (row.user.user_id === me.user_id) {
          // Anyone may leave a team workspace; a personal one has only its owner.
          return isTeam ? (
            <Button type="danger" theme="borderless" aria-label={`Leave ${space.name}`} onClick={() => setPending({ kind: "leave", member: row })}>
              Leave
            </Button>
          ) : null;
        }
        return canManage && canChangeMember(space.role, row.role) ? (
          <Button type="danger" theme="borderless" aria-label={`Remove ${row.user.email}`} onClick={() => setPending({ kind: "remove", member: row })}>
            Remove
          </Button>
        ) : null;
      },
    },
  ];

  return (
    <section aria-labelledby="members-heading">
      <div className="loop-section-header">
        <div>
          <h2 id="members-heading">Members</h2>
          <p className="loop-muted">
            {isTeam
              ? "Owners and admins can invite people by the email of their Loop account."
              : "A personal workspace has only you. Create a team workspace to work with others."}
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
      {canManage && <InviteMemberModal spaceId={space.id} callerRole={space.role} visible={inviting} onClose={() => setInviting(false)} />}
      <Modal
        title={dialog?.title}
        visible={pending !== null}
        onCancel={() => setPending(null)}
        closeOnEsc
        footer={
          <>
            <Button onClick={() => setPending(null)}>Cancel</Button>
            <Button type="danger" theme="solid" loading={busy} disabled={busy} onClick={confirm}>
              {dialog?.action}
            </Button>
          </>
        }
      >
        {dialog?.body}
      </Modal>
    </section>
  );
}
