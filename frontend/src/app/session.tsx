import { createContext, useContext } from "react";
import type { Space, UserInfo } from "../api/client";

export const CurrentUserContext = createContext<UserInfo | null>(null);
export const CurrentSpaceContext = createContext<Space | null>(null);

/** The signed-in user; only valid under RequireAuth. */
export function useCurrentUser(): UserInfo {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error("useCurrentUser must be used under RequireAuth");
  return user;
}

/** The workspace of the current URL; only valid under SpaceLayout. */
export function useCurrentSpace(): Space {
  const space = useContext(CurrentSpaceContext);
  if (!space) throw new Error("useCurrentSpace must be used under SpaceLayout");
  return space;
}
