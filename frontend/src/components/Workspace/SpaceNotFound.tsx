import { Button, Empty } from "@douyinfe/semi-ui";
import { useNavigate } from "react-router-dom";

export function SpaceNotFound() {
  const navigate = useNavigate();
  return (
    <div className="loop-centered">
      <div className="loop-empty">
        {/* The page heading sits outside Empty: Empty's title is an <h6>, which cannot hold an <h1>. */}
        <h1 className="loop-empty-title">Workspace not found or you are not a member</h1>
        <Empty description="Check the link, or ask a workspace owner or admin to invite you.">
          <Button theme="solid" onClick={() => void navigate("/console")}>
            Go to my workspace
          </Button>
        </Empty>
      </div>
    </div>
  );
}
