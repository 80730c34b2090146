import { canManageSpace } from "../../api/spaces";
import { useCurrentSpace } from "../../app/session";
import { PageHeader } from "../../components/common/PageHeader";
import { MemberTable } from "../../components/Members/MemberTable";
import { RenameWorkspaceForm } from "../../components/Workspace/RenameWorkspaceForm";

export default function WorkspaceSettingsPage() {
  const space = useCurrentSpace();
  const canEdit = canManageSpace(space);
  return (
    <div className="loop-page">
      <PageHeader title="Workspace settings" description={space.name} />
      <div className="loop-card">
        <RenameWorkspaceForm key={space.id} space={space} canEdit={canEdit} />
      </div>
      <div className="loop-card">
        <MemberTable space={space} />
      </div>
    </div>
  );
}
