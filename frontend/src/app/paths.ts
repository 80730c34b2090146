/** URL scheme (as upstream Cozeloop): one place to build every app link. */
export const ENTERPRISE = "personal";
export const SPACE_ROUTE = `/console/enterprise/${ENTERPRISE}/space/:spaceID`;

export const paths = {
  login: "/console/auth/login",
  register: "/console/auth/register",
  space: (spaceId: string) => `/console/enterprise/${ENTERPRISE}/space/${spaceId}`,
  spaceHome: (spaceId: string) => `/console/enterprise/${ENTERPRISE}/space/${spaceId}/home`,
  spaceModule: (spaceId: string, modulePath: string) => `/console/enterprise/${ENTERPRISE}/space/${spaceId}/${modulePath}`,
  workspaceSettings: (spaceId: string) => `/console/enterprise/${ENTERPRISE}/space/${spaceId}/workspace/settings`,
  accountSettings: (tab: AccountTab = "profile") => `/console/account/settings/${tab}`,
};

export type AccountTab = "profile" | "tokens";

/** Sign-in URL that returns to `target` afterwards. */
export function loginWithRedirect(target: string): string {
  return `${paths.login}?redirect=${encodeURIComponent(target)}`;
}

/** Only follow same-app redirects (never an absolute URL to another origin). */
export function safeRedirect(value: string | null): string | null {
  if (!value || !value.startsWith("/") || value.startsWith("//")) return null;
  return value;
}
