import { Button, Empty } from "@douyinfe/semi-ui";
import { useNavigate } from "react-router-dom";

export default function NotFoundPage() {
  const navigate = useNavigate();
  return (
    <div className="loop-centered">
      <div className="loop-empty">
        {/* The page heading sits outside Empty: Empty's title is an <h6>, which cannot hold an <h1>. */}
        <h1 className="loop-empty-title">Page not found</h1>
        <Empty description="There is nothing at this address.">
          <Button theme="solid" onClick={() => void navigate("/console")}>
            Back to my workspace
          </Button>
        </Empty>
      </div>
    </div>
  );
}
