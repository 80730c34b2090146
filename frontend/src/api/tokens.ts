import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { unwrap } from "./errors";
import { queryKeys } from "./queryKeys";

export type TokenDuration = "1" | "30" | "60" | "90" | "180" | "365" | "permanent";

export const DURATION_OPTIONS: { value: TokenDuration; label: string }[] = [
  { value: "1", label: "1 day" },
  { value: "30", label: "30 days" },
  { value: "60", label: "60 days" },
  { value: "90", label: "90 days" },
  { value: "180", label: "180 days" },
  { value: "365", label: "1 year" },
  { value: "permanent", label: "Never expires" },
];

export function useTokens() {
  return useQuery({
    queryKey: queryKeys.tokens,
    queryFn: async () =>
      (await unwrap(api.POST("/api/auth/v1/personal_access_tokens/list", { body: { page_number: 1, page_size: 100 } })))
        .personal_access_tokens,
  });
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; duration_day: TokenDuration }) => unwrap(api.POST("/api/auth/v1/personal_access_tokens", { body })),
    // The result holds the secret: keep it no longer than the dialog (which also calls reset() when it closes).
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.tokens }),
  });
}

export function useDeleteToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) =>
      unwrap(api.DELETE("/api/auth/v1/personal_access_tokens/{token_id}", { params: { path: { token_id: tokenId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.tokens }),
  });
}
