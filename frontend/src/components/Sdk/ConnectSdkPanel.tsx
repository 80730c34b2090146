import { IconKey } from "@douyinfe/semi-icons";
import { Button, Card, TabPane, Tabs } from "@douyinfe/semi-ui";
import { useState } from "react";
import { Link } from "react-router-dom";
import { paths } from "../../app/paths";
import { CodeBlock } from "../common/CodeBlock";
import { CreateTokenFlow } from "../Tokens/CreateTokenFlow";
import { envSnippet, PYTHON_SNIPPET } from "./sdkSnippets";

/**
 * Environment variables and a Python snippet for the official `cozeloop` SDK, pointed at this server.
 * A token created here lives only in this component's state (shown in the .env block while the page is open): it is
 * never written to storage or the query cache, and is gone when the page unmounts.
 */
export function ConnectSdkPanel({ workspaceId }: { workspaceId: string }) {
  const [token, setToken] = useState<string>();
  const [creating, setCreating] = useState(false);

  return (
    <Card className="loop-card" title={<h2 className="loop-card-title">Connect the SDK</h2>}>
      <p className="loop-muted">
        Point the official <code>cozeloop</code> SDK at this server: set these environment variables, then create a client as in the snippet.
      </p>
      <p className="loop-muted">
        Prompts you commit under Prompts are served to the SDK (<code>get_prompt</code>, <code>prompt_format</code>,{" "}
        <code>execute_prompt</code>). Spans your app reports (<code>client.start_span(...)</code>, then <code>client.flush()</code>) show up in the{" "}
        <Link to={paths.spaceModule(workspaceId, "observation/traces")}>trace list</Link> about a second later, and feed the{" "}
        <Link to={paths.spaceModule(workspaceId, "observation/metrics")}>metrics dashboard</Link>.
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
