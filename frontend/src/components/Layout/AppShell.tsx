import type { ReactNode } from "react";
import type { Space } from "../../api/client";
import { useSpaces } from "../../api/spaces";
import { getLastSpaceId } from "../../app/lastSpace";
import { Header } from "./Header";
import { SideNav } from "./SideNav";

/** Header + left navigation + content. `space` is the workspace of the URL, when there is one. */
export function AppShell({ space, children }: { space?: Space; children: ReactNode }) {
  const spaces = useSpaces();
  const lastId = getLastSpaceId();
  // Outside a workspace URL (account pages, unknown space) fall back to the last-used or first workspace.
  const navSpace = space ?? spaces.data?.find((s) => s.id === lastId) ?? spaces.data?.[0];
  const navSpaceId = navSpace?.id;

  return (
    <div className="loop-shell">
      <a className="loop-skip-link" href="#loop-main">
        Skip to content
      </a>
      <Header space={navSpace} />
      <div className="loop-body">
        {navSpaceId && <SideNav spaceId={navSpaceId} />}
        <main id="loop-main" className="loop-main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
