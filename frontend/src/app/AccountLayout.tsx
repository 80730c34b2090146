import { Suspense } from "react";
import { Outlet } from "react-router-dom";
import { AppShell } from "../components/Layout/AppShell";
import { Loading } from "../components/common/QueryState";

/** Pages about the signed-in user rather than a workspace. */
export function AccountLayout() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <Outlet />
      </Suspense>
    </AppShell>
  );
}
