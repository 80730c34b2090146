import { lazy, Suspense } from "react";
import { Navigate, Outlet, type RouteObject } from "react-router-dom";
import { Loading } from "../components/common/QueryState";
import { AccountLayout } from "./AccountLayout";
import { MODULE_ITEMS, type ModuleItem } from "./modules";
import { paths, SPACE_ROUTE } from "./paths";
import { RequireAuth } from "./RequireAuth";
import { RootRedirect } from "./RootRedirect";
import { SpaceLayout } from "./SpaceLayout";

const LoginPage = lazy(() => import("../routes/auth/LoginPage"));
const HomePage = lazy(() => import("../routes/space/HomePage"));
const ComingSoonPage = lazy(() => import("../routes/space/ComingSoonPage"));
const WorkspaceSettingsPage = lazy(() => import("../routes/space/WorkspaceSettingsPage"));
const AccountSettingsPage = lazy(() => import("../routes/account/AccountSettingsPage"));
const NotFoundPage = lazy(() => import("../routes/NotFoundPage"));

function moduleRoute(item: ModuleItem): RouteObject {
  const Page = item.status === "ready" ? item.page : undefined;
  return { path: `${item.path}/*`, element: Page ? <Page /> : <ComingSoonPage item={item} /> };
}

function TopSuspense() {
  return (
    <Suspense fallback={<Loading />}>
      <Outlet />
    </Suspense>
  );
}

/** The whole route table; module routes come from the registry in modules.tsx. */
export const appRoutes: RouteObject[] = [
  {
    element: <TopSuspense />,
    children: [
      { path: paths.login, element: <LoginPage /> },
      { path: paths.register, element: <LoginPage /> },
      { path: "/console/auth", element: <Navigate to={paths.login} replace /> },
      {
        element: <RequireAuth />,
        children: [
          { path: "/", element: <RootRedirect /> },
          { path: "/console", element: <RootRedirect /> },
          {
            path: SPACE_ROUTE,
            element: <SpaceLayout />,
            children: [
              { index: true, element: <HomePage /> },
              { path: "home", element: <HomePage /> },
              { path: "workspace/settings", element: <WorkspaceSettingsPage /> },
              ...MODULE_ITEMS.map(moduleRoute),
              { path: "*", element: <NotFoundPage /> },
            ],
          },
          {
            element: <AccountLayout />,
            children: [
              { path: "/console/account/settings", element: <Navigate to={paths.accountSettings("profile")} replace /> },
              { path: "/console/account/settings/:tab", element: <AccountSettingsPage /> },
            ],
          },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
