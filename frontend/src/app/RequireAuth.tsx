import { Navigate, Outlet, useLocation } from "react-router-dom";
import { useSession } from "../api/auth";
import { ErrorState, Loading } from "../components/common/QueryState";
import { loginWithRedirect } from "./paths";
import { CurrentUserContext } from "./session";

/** Renders its child routes for a signed-in user; otherwise sends them to sign-in with ?redirect= back here. */
export function RequireAuth() {
  const session = useSession();
  const location = useLocation();

  if (session.isPending) return <Loading label="Checking your session…" />;
  if (session.isError) return <ErrorState title="Could not check your session" error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) return <Navigate to={loginWithRedirect(location.pathname + location.search + location.hash)} replace />;

  return (
    <CurrentUserContext.Provider value={session.data}>
      <Outlet />
    </CurrentUserContext.Provider>
  );
}
