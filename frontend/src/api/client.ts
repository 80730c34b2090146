import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "../client/schema";

export type UserInfo = components["schemas"]["UserInfoDetail"];
export type Space = components["schemas"]["Space"];
export type Member = components["schemas"]["Member"];
export type PersonalAccessToken = components["schemas"]["PersonalAccessToken"];

/** Calls whose 401 means "wrong credentials" or "no session yet", not "session expired". */
const AUTH_PATHS = ["/api/foundation/v1/users/login_by_password", "/api/foundation/v1/users/register", "/api/foundation/v1/users/session"];

type Listener = () => void;
let onUnauthorized: Listener = () => undefined;

/** Register what to do when any call (except sign-in and session) answers 401. */
export function setUnauthorizedHandler(listener: Listener): void {
  onUnauthorized = listener;
}

const unauthorizedMiddleware: Middleware = {
  onResponse({ request, response }) {
    if (response.status === 401 && !AUTH_PATHS.includes(new URL(request.url).pathname)) onUnauthorized();
    return undefined;
  },
};

export const api = createClient<paths>({
  // Same origin; an absolute base keeps URLs valid outside browsers (tests).
  baseUrl: typeof window === "undefined" ? "" : window.location.origin,
  credentials: "same-origin",
  // Resolve fetch per call so tests can stub it.
  fetch: (request: Request) => globalThis.fetch(request),
});
api.use(unauthorizedMiddleware);
