import { IconKey } from "@douyinfe/semi-icons";
import { Button, Card, TabPane, Tabs } from "@douyinfe/semi-ui";
import { useState } from "react";
import { Link } from "react-router-dom";
import { paths } from "../../app/paths";
import { CodeBlock } from "../common/CodeBlock";
import { CreateTokenFlow } from "../Tokens/CreateTokenFlow";
import { envSnippet, PYTHON_SNIPPET } from "./sdkSnippets";

/** Environment variables and a Python snippet for the official `cozeloop` SDK, pointed at this server. */
export function ConnectSdkPanel({ workspaceId }: { workspaceId: string }) {
  const [token, setToken] = useState<string>();
  const [creating, setCreating] = useState(false);

  return (
    <Card className="loop-card" title={<h2 className="loop-card-title">Connect the SDK</h2>}>
      <p className="loop-muted">
        Report traces and fetch prompts from your code with the official <code>cozeloop</code> SDK. Set these environment variables, then run the
        snippet.
      </p>
      <Tabs type="button" keepDOM={false} size="small">
        <TabPane tab="Environment variables" itemKey="env">
          <CodeBlock label=".env" code={envSnippet(window.location.origin, workspaceId, token)} />
        </TabPane>
        <TabPane tab="Python" itemKey="python">
          <CodeBlock label="quickstart.py" code={PYTHON_SNIPPET} />
        </TabPane>
      </Tabs>
      <div className="loop-row">
        <Button icon={<IconKey aria-hidden />} theme="solid" onClick={() => setCreating(true)}>
          {token ? "Create another token" : "Create a token"}
        </Button>
        <Link to={paths.accountSettings("tokens")}>Manage API tokens</Link>
      </div>
      {token && <p className="loop-muted">The token above is shown only now; keep it somewhere safe.</p>}
      <CreateTokenFlow visible={creating} onClose={() => setCreating(false)} onCreated={setToken} />
    </Card>
  );
}
