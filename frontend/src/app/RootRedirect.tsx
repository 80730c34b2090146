import { Empty } from "@douyinfe/semi-ui";
import { Navigate } from "react-router-dom";
import type { Space } from "../api/client";
import { SPACE_TYPE, useSpaces } from "../api/spaces";
import { ErrorState, Loading } from "../components/common/QueryState";
import { getLastSpaceId } from "./lastSpace";
import { paths } from "./paths";

/** The workspace to open by default: the last one used, else the personal one, else the first. */
export function pickDefaultSpace(spaces: Space[], lastId: string | null): Space | undefined {
  return spaces.find((s) => s.id === lastId) ?? spaces.find((s) => s.space_type === SPACE_TYPE.personal) ?? spaces[0];
}

export function RootRedirect() {
  const spaces = useSpaces();
  if (spaces.isPending) return <Loading label="Opening your workspace…" />;
  if (spaces.isError) return <ErrorState title="Could not list your workspaces" error={spaces.error} onRetry={() => void spaces.refetch()} />;
  const target = pickDefaultSpace(spaces.data, getLastSpaceId());
  if (!target) return <Empty title="No workspace" description="You are not a member of any workspace yet." style={{ padding: 64 }} />;
  return <Navigate to={paths.space(target.id)} replace />;
}
