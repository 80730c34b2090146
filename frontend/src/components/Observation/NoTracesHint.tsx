import { Link } from "react-router-dom";
import { paths } from "../../app/paths";

/** The empty state of a workspace (or time range) without traces: how a newcomer sends some. */
export function NoTracesHint({ spaceId, what = "traces" }: { spaceId: string; what?: string }) {
  return (
    <div className="loop-empty loop-no-traces">
      <p className="loop-empty-title">No {what} in this time range</p>
      <p className="loop-muted">
        Traces appear here about a second after your app reports them. To send some, open the{" "}
        <Link to={paths.spaceHome(spaceId)}>Connect the SDK</Link> panel on the workspace home: it has the environment variables (with a token) and a
        Python snippet for the <code>cozeloop</code> SDK. Then wrap your code in <code>client.start_span(...)</code> and call <code>client.flush()</code>.
      </p>
      <p className="loop-muted">Already sending? Try a longer time range, or Refresh.</p>
    </div>
  );
}
