import { Suspense, useEffect } from "react";
import { Outlet, useParams } from "react-router-dom";
import { isApiError } from "../api/errors";
import { useSpace } from "../api/spaces";
import { AppShell } from "../components/Layout/AppShell";
import { ErrorState, Loading } from "../components/common/QueryState";
import { SpaceNotFound } from "../components/Workspace/SpaceNotFound";
import { setLastSpaceId } from "./lastSpace";
import { CurrentSpaceContext } from "./session";

/** Everything under /console/enterprise/:enterpriseID/space/:spaceID: loads the workspace, then the shell. */
export function SpaceLayout() {
  const { spaceID = "" } = useParams();
  const space = useSpace(spaceID);

  useEffect(() => {
    if (space.data) setLastSpaceId(space.data.id);
  }, [space.data]);

  if (space.isPending) {
    return (
      <AppShell>
        <Loading label="Loading workspace…" />
      </AppShell>
    );
  }
  if (space.isError) {
    const missing = isApiError(space.error) && [400, 403, 404].includes(space.error.status);
    return (
      <AppShell>
        {missing ? <SpaceNotFound /> : <ErrorState title="Could not load this workspace" error={space.error} onRetry={() => void space.refetch()} />}
      </AppShell>
    );
  }
  return (
    <CurrentSpaceContext.Provider value={space.data}>
      <AppShell space={space.data}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </AppShell>
    </CurrentSpaceContext.Provider>
  );
}
