import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { unwrap } from "./errors";
import { queryKeys } from "./queryKeys";

export type Role = 1 | 2 | 3;

export const ROLE_OPTIONS: { value: Role; label: string }[] = [
  { value: 1, label: "Owner" },
  { value: 2, label: "Admin" },
  { value: 3, label: "Member" },
];

export function roleLabel(role: number): string {
  return ROLE_OPTIONS.find((option) => option.value === role)?.label ?? `Role ${role}`;
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
  const invalidate = useInvalidateMembers(spaceId);
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
    onSettled: invalidate,
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
