import { Button, Empty } from "@douyinfe/semi-ui";
import { useNavigate } from "react-router-dom";

export function SpaceNotFound() {
  const navigate = useNavigate();
  return (
    <div className="loop-centered">
      <Empty
        title={<h1 className="loop-empty-title">Workspace not found or you are not a member</h1>}
        description="Check the link, or ask a workspace owner or admin to invite you."
      >
        <Button theme="solid" onClick={() => void navigate("/console")}>
          Go to my workspace
        </Button>
      </Empty>
    </div>
  );
}
