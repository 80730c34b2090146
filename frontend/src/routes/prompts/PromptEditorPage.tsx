import { useState } from "react";
import { useParams } from "react-router-dom";
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
  if (prompt.isError) return <ErrorState title="Could not load this prompt" error={prompt.error} onRetry={() => void prompt.refetch()} />;
  return (
    <PromptEditor
      key={`${prompt.data.id}-${generation}`}
      spaceId={space.id}
      prompt={prompt.data}
      onReverted={() => void prompt.refetch().then(() => setGeneration((n) => n + 1))}
    />
  );
}
