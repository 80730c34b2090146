import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type UserInfo } from "./client";
import { ApiError, unwrap } from "./errors";
import { queryKeys } from "./queryKeys";

export interface Credentials {
  email: string;
  password: string;
}

/** The signed-in user, or null when there is no valid session (401). */
export async function fetchSession(): Promise<UserInfo | null> {
  try {
    const data = await unwrap(api.GET("/api/foundation/v1/users/session"));
    return data.user_info;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function useSession() {
  return useQuery({ queryKey: queryKeys.session, queryFn: fetchSession, staleTime: 60_000 });
}

type SignInPath = "/api/foundation/v1/users/login_by_password" | "/api/foundation/v1/users/register";

/** Signing in and registering both start a session: drop the previous user's cached data first. */
function useStartSession(path: SignInPath) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Credentials) => (await unwrap(api.POST(path, { body }))).user_info,
    // The variables hold the plaintext password: drop the mutation from the MutationCache once the form is gone.
    gcTime: 0,
    onSuccess: (user) => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] });
      queryClient.setQueryData(queryKeys.session, user);
    },
  });
}

export function useLogin() {
  return useStartSession("/api/foundation/v1/users/login_by_password");
}

export function useRegister() {
  return useStartSession("/api/foundation/v1/users/register");
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/foundation/v1/users/logout")),
    onSuccess: () => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.session, null);
    },
  });
}

export interface ProfileInput {
  name: string;
  nick_name: string;
  description: string;
}

export function useUpdateProfile(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: ProfileInput) =>
      (await unwrap(api.PUT("/api/foundation/v1/users/{user_id}/update_profile", { params: { path: { user_id: userId } }, body })))
        .user_info,
    onSuccess: (user) => queryClient.setQueryData(queryKeys.session, user),
  });
}
