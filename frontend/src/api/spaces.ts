import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Space } from "./client";
import { unwrap } from "./errors";
import { ROLE } from "./members";
import { queryKeys } from "./queryKeys";

export const SPACE_TYPE = { personal: 1, team: 2 } as const;

/** Whether the caller manages this workspace (rename it, invite, change roles, remove): owners and admins of a team workspace. */
export function canManageSpace(space: Space): boolean {
  return space.space_type === SPACE_TYPE.team && (space.role === ROLE.owner || space.role === ROLE.admin);
}

export function useSpaces() {
  return useQuery({
    queryKey: queryKeys.spaces,
    queryFn: async () => (await unwrap(api.POST("/api/foundation/v1/spaces/list", { body: { page_number: 1, page_size: 100 } }))).spaces,
  });
}

export function useSpace(spaceId: string) {
  return useQuery({
    queryKey: queryKeys.space(spaceId),
    queryFn: async () => (await unwrap(api.GET("/api/foundation/v1/spaces/{space_id}", { params: { path: { space_id: spaceId } } }))).space,
    retry: false,
  });
}

export interface SpaceInput {
  name: string;
  description: string;
}

export function useCreateSpace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SpaceInput) => (await unwrap(api.POST("/api/foundation/v1/spaces", { body }))).space,
    onSuccess: (space) => {
      queryClient.setQueryData(queryKeys.space(space.id), space);
      return queryClient.invalidateQueries({ queryKey: queryKeys.spaces, exact: true });
    },
  });
}

export function useUpdateSpace(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SpaceInput) =>
      (await unwrap(api.PUT("/api/foundation/v1/spaces/{space_id}", { params: { path: { space_id: spaceId } }, body }))).space,
    onSuccess: (space) => {
      queryClient.setQueryData(queryKeys.space(space.id), space);
      return queryClient.invalidateQueries({ queryKey: queryKeys.spaces, exact: true });
    },
  });
}
