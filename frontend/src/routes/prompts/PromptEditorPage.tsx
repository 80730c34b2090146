import { Toast } from "@douyinfe/semi-ui";
import { useState } from "react";
import { useParams } from "react-router-dom";
import { errorMessage } from "../../api/errors";
import { usePrompt } from "../../api/prompts";
import { useCurrentSpace } from "../../app/session";
import { ErrorState, Loading } from "../../components/common/QueryState";
import { PromptEditor } from "../../components/Prompts/PromptEditor";

export default function PromptEditorPage() {
  const space = useCurrentSpace();
  const { promptID = "" } = useParams();
  const prompt = usePrompt(promptID);
  // Bumped after "revert draft": the editor restarts from the reverted draft.
  const [generation, setGeneration] = useState(0);

  if (prompt.isPending) return <Loading label="Loading the prompt…" />;
  // A failed background refetch (after a rename, commit or revert) keeps the loaded prompt and the editor's state.
  if (prompt.data === undefined) return <ErrorState title="Could not load this prompt" error={prompt.error} onRetry={() => void prompt.refetch()} />;
  return (
    <PromptEditor
      key={`${prompt.data.id}-${generation}`}
      spaceId={space.id}
      prompt={prompt.data}
      onReverted={() =>
        void prompt.refetch().then((result) => {
          // Restart the editor only from the reverted draft; on a failed reload it keeps what is on screen.
          if (result.isSuccess) setGeneration((n) => n + 1);
          else Toast.error(`The draft was reverted, but reloading it failed: ${errorMessage(result.error)}. Reload the page to see it.`);
        })
      }
    />
  );
}
