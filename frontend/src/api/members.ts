import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type UserInfo } from "./client";
import { unwrap } from "./errors";
import { queryKeys } from "./queryKeys";

export type Role = 1 | 2 | 3;

export const ROLE = { owner: 1, admin: 2, member: 3 } as const;

export const ROLE_OPTIONS: { value: Role; label: string }[] = [
  { value: ROLE.owner, label: "Owner" },
  { value: ROLE.admin, label: "Admin" },
  { value: ROLE.member, label: "Member" },
];

export function roleLabel(role: number): string {
  return ROLE_OPTIONS.find((option) => option.value === role)?.label ?? `Role ${role}`;
}

/** The roles a caller may give (invite or change to): only owners add owners. */
export function assignableRoles(callerRole: number): { value: Role; label: string }[] {
  return callerRole === ROLE.owner ? ROLE_OPTIONS : ROLE_OPTIONS.filter((option) => option.value !== ROLE.owner);
}

/** Whether a manager with `callerRole` may change or remove a member with `memberRole`: only owners touch owners. */
export function canChangeMember(callerRole: number, memberRole: number): boolean {
  return callerRole === ROLE.owner || memberRole !== ROLE.owner;
}

export function useMembers(spaceId: string) {
  return useQuery({
    queryKey: queryKeys.members(spaceId),
    queryFn: async () =>
      (
        await unwrap(
          api.POST("/api/foundation/v1/spaces/{space_id}/members/list", {
            params: { path: { space_id: spaceId } },
          }),
        )
      ).members,
  });
}

function useInvalidateMembers(spaceId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.members(spaceId) });
}

export function useInviteMember(spaceId: string) {
  const invalidate = useInvalidateMembers(spaceId);
  return useMutation({
    mutationFn: async (body: { email: string; role: Role }) =>
      (await unwrap(api.POST("/api/foundation/v1/spaces/{space_id}/members", { params: { path: { space_id: spaceId } }, body }))).member,
    onSuccess: invalidate,
  });
}

export function useUpdateMemberRole(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, role }: { userId: string; role: Role }) =>
      (
        await unwrap(
          api.PUT("/api/foundation/v1/spaces/{space_id}/members/{user_id}", {
            params: { path: { space_id: spaceId, user_id: userId } },
            body: { role },
          }),
        )
      ).member,
    onSettled: (_member, _error, { userId }) => {
      const me = queryClient.getQueryData<UserInfo | null>(queryKeys.session);
      // The caller's own role lives in the space (and space list) queries: refresh them too, so manager controls follow.
      const mine =
        me?.user_id === userId
          ? [queryClient.invalidateQueries({ queryKey: queryKeys.space(spaceId) }), queryClient.invalidateQueries({ queryKey: queryKeys.spaces, exact: true })]
          : [];
      return Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.members(spaceId) }), ...mine]);
    },
  });
}

export function useRemoveMember(spaceId: string) {
  const invalidate = useInvalidateMembers(spaceId);
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(
        api.DELETE("/api/foundation/v1/spaces/{space_id}/members/{user_id}", {
          params: { path: { space_id: spaceId, user_id: userId } },
        }),
      ),
    onSuccess: invalidate,
  });
}

/**
 * Leave a workspace (remove yourself). On success `onLeft` runs first and must take the user off the workspace's
 * pages (navigate away); then the workspace's cached queries are dropped (while mounted, they would just refetch
 * into a 403) and the workspace list is refreshed.
 */
export function useLeaveSpace(spaceId: string, onLeft: () => void | Promise<void>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (myUserId: string) =>
      unwrap(
        api.DELETE("/api/foundation/v1/spaces/{space_id}/members/{user_id}", {
          params: { path: { space_id: spaceId, user_id: myUserId } },
        }),
      ),
    onSuccess: async () => {
      await onLeft();
      await queryClient.cancelQueries({ queryKey: queryKeys.space(spaceId) });
      queryClient.removeQueries({ queryKey: queryKeys.space(spaceId) });
      await queryClient.invalidateQueries({ queryKey: queryKeys.spaces, exact: true });
    },
  });
}
