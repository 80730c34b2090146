import { Suspense, useEffect, type ReactNode } from "react";
import { Outlet, useParams } from "react-router-dom";
import { isApiError } from "../api/errors";
import { useSpace } from "../api/spaces";
import { AppShell } from "../components/Layout/AppShell";
import { ErrorState, Loading } from "../components/common/QueryState";
import { SpaceNotFound } from "../components/Workspace/SpaceNotFound";
import { setLastSpaceId } from "./lastSpace";
import { CurrentSpaceContext } from "./session";

/**
 * Everything under /console/enterprise/:enterpriseID/space/:spaceID: loads the workspace, then the pages.
 * The tree is always Provider > AppShell, so the header and nav stay mounted (open menus, focus) while the workspace
 * loads; only the content changes. Pages (which call useCurrentSpace) render only once the workspace is loaded.
 */
export function SpaceLayout() {
  const { spaceID = "" } = useParams();
  const space = useSpace(spaceID);
  const loaded = space.isSuccess ? space.data : undefined;

  useEffect(() => {
    if (loaded) setLastSpaceId(loaded.id);
  }, [loaded]);

  let content: ReactNode;
  if (space.isPending) {
    content = <Loading label="Loading workspace…" />;
  } else if (space.isError) {
    const missing = isApiError(space.error) && [400, 403, 404].includes(space.error.status);
    content = missing ? <SpaceNotFound /> : <ErrorState title="Could not load this workspace" error={space.error} onRetry={() => void space.refetch()} />;
  } else {
    content = (
      <Suspense fallback={<Loading />}>
        <Outlet />
      </Suspense>
    );
  }

  return (
    <CurrentSpaceContext.Provider value={loaded ?? null}>
      <AppShell space={loaded}>{content}</AppShell>
    </CurrentSpaceContext.Provider>
  );
}
