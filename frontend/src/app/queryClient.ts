import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "../api/errors";

/** Retry network and 5xx failures once; never retry 4xx (the server's answer will not change). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failureCount, error) => failureCount < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
}
