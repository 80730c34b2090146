import { IconSave } from "@douyinfe/semi-icons";
import { Button } from "@douyinfe/semi-ui";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";
import { emptyDetail, useModels, type PromptDetail } from "../../api/prompts";
import { paths } from "../../app/paths";
import { useCurrentSpace } from "../../app/session";
import { PageHeader } from "../../components/common/PageHeader";
import { PlaygroundPanel } from "../../components/Prompts/PlaygroundPanel";
import { CreatePromptModal } from "../../components/Prompts/PromptFormModals";
import { TemplateEditor } from "../../components/Prompts/TemplateEditor";
import { readStorage, removeStorage, writeStorage } from "../../lib/storage";

const storageKey = (spaceId: string) => `loop.playground.${spaceId}`;

function loadDraft(spaceId: string): PromptDetail {
  const stored = readStorage(storageKey(spaceId));
  if (!stored) return emptyDetail();
  try {
    return { ...emptyDetail(), ...(JSON.parse(stored) as PromptDetail) };
  } catch {
    return emptyDetail();
  }
}

/** The free playground: a template and a model, no saved prompt (runs as prompt id "0"); kept in this browser. */
export default function PlaygroundPage() {
  const space = useCurrentSpace();
  const navigate = useNavigate();
  const models = useModels(space.id);
  const [detail, setDetail] = useState<PromptDetail>(() => loadDraft(space.id));
  const [saving, setSaving] = useState(false);

  useEffect(() => writeStorage(storageKey(space.id), JSON.stringify(detail)), [space.id, detail]);

  return (
    <div className="loop-page loop-page-wide">
      <PageHeader
        title="Playground"
        description="Try a prompt and a model without saving anything. Your work here stays in this browser."
        actions={
          <>
            <Button onClick={() => setDetail(emptyDetail())}>Reset</Button>
            <Button theme="solid" icon={<IconSave aria-hidden />} onClick={() => setSaving(true)}>
              Save as prompt
            </Button>
          </>
        }
      />
      <div className="loop-editor-split">
        <div className="loop-editor-left">
          <TemplateEditor detail={detail} onChange={setDetail} models={models} />
        </div>
        <div className="loop-editor-right">
          <PlaygroundPanel spaceId={space.id} promptId="0" detail={detail} />
        </div>
      </div>
      {saving && (
        <CreatePromptModal
          spaceId={space.id}
          draft={detail}
          title="Save as prompt"
          onClose={() => setSaving(false)}
          onCreated={(id) => {
            removeStorage(storageKey(space.id));
            void navigate(`${paths.spaceModule(space.id, "pe/prompts")}/${id}`);
          }}
        />
      )}
    </div>
  );
}
