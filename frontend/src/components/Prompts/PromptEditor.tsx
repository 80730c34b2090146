import { IconArrowLeft, IconHistory, IconSave } from "@douyinfe/semi-icons";
import { Button, Input, Modal, Tag, Toast } from "@douyinfe/semi-ui";
import { useEffect, useState } from "react";
import { Link, useBlocker } from "react-router-dom";
import { errorMessage } from "../../api/errors";
import { startingDetail, useModels, useSaveDraft, useUpdatePrompt, type Prompt, type PromptDetail } from "../../api/prompts";
import { paths } from "../../app/paths";
import { FormError } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";
import { CommitModal } from "./CommitModal";
import { PlaygroundPanel } from "./PlaygroundPanel";
import { TemplateEditor } from "./TemplateEditor";
import { VersionsDrawer } from "./VersionsDrawer";

/** Ctrl/Cmd+S anywhere on the page runs `save`. */
export function useSaveShortcut(save: () => void) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [save]);
}

/** Warn before leaving the page with unsaved changes. */
export function useUnsavedWarning(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty]);
}

/** Ask before an in-app navigation (back arrow, sidebar, another prompt) drops unsaved changes. */
export function LeaveGuard({ dirty }: { dirty: boolean }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    // Saved (or reverted) while the question was open: nothing is lost any more, so go on.
    if (!dirty && blocker.state === "blocked") blocker.proceed();
  }, [dirty, blocker]);
  return (
    <Modal
      title="Leave without saving?"
      visible={blocker.state === "blocked"}
      onCancel={() => blocker.reset?.()}
      closeOnEsc
      footer={
        <>
          <Button onClick={() => blocker.reset?.()}>Stay</Button>
          <Button type="danger" theme="solid" onClick={() => blocker.proceed?.()}>
            Leave
          </Button>
        </>
      }
    >
      Your draft has unsaved changes. If you leave now, they are lost.
    </Modal>
  );
}

function NameEditor({ spaceId, prompt }: { spaceId: string; prompt: Prompt }) {
  const [name, setName] = useState(prompt.prompt_basic.display_name);
  const update = useUpdatePrompt(spaceId, prompt.id);
  const { submit } = useSubmitOnce(update);
  const commit = () => {
    const next = name.trim();
    if (!next) {
      setName(prompt.prompt_basic.display_name);
      return;
    }
    if (next !== prompt.prompt_basic.display_name) submit({ prompt_name: next }, { onError: (error) => Toast.error(`Could not rename: ${errorMessage(error)}`) });
  };
  return (
    <Input
      aria-label="Prompt name"
      className="loop-title-input"
      value={name}
      onChange={setName}
      onBlur={commit}
      onEnterPress={commit}
      maxLength={100}
    />
  );
}

export function PromptEditor({ spaceId, prompt, onReverted }: { spaceId: string; prompt: Prompt; onReverted: () => void }) {
  const [detail, setDetail] = useState<PromptDetail>(() => startingDetail(prompt));
  // The baseline is what the editor started from (the draft, else the latest commit, else an empty one), so an
  // untouched prompt is not dirty; `draftStarted` tells "saved" from "not started".
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(startingDetail(prompt)));
  const [draftStarted, setDraftStarted] = useState(() => Boolean(prompt.prompt_draft));
  const [committing, setCommitting] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const models = useModels(spaceId);
  const saveDraft = useSaveDraft(prompt.id);
  const { submit, busy } = useSubmitOnce(saveDraft);
  const json = JSON.stringify(detail);
  const dirty = json !== savedJson;
  useUnsavedWarning(dirty);

  const save = () => {
    if (!dirty) return;
    const sent = json;
    submit(detail, {
      onSuccess: () => {
        setSavedJson(sent);
        setDraftStarted(true);
      },
    });
  };
  useSaveShortcut(save);

  const latest = prompt.prompt_basic.latest_version;
  return (
    <div className="loop-page loop-page-wide">
      <div className="loop-editor-header">
        <Link to={paths.spaceModule(spaceId, "pe/prompts")} aria-label="Back to prompts" className="loop-icon-link">
          <IconArrowLeft aria-hidden />
        </Link>
        <div className="loop-editor-title">
          <h1 className="loop-visually-hidden">{prompt.prompt_basic.display_name}</h1>
          <NameEditor key={prompt.prompt_basic.display_name} spaceId={spaceId} prompt={prompt} />
          <div className="loop-row loop-muted">
            <code>{prompt.prompt_key}</code>
            {latest ? <Tag color="blue">Latest {latest}</Tag> : <Tag color="grey">No versions yet</Tag>}
            <span role="status" data-testid="draft-state">
              {busy ? "Draft: saving…" : dirty ? "Draft: unsaved changes" : !draftStarted ? "Draft: not started" : "Draft: saved"}
            </span>
          </div>
        </div>
        <span className="loop-header-spacer" />
        <Button icon={<IconSave aria-hidden />} onClick={save} loading={busy} disabled={busy || !dirty} title="Save the draft (Ctrl/⌘+S)">
          Save
        </Button>
        <Button icon={<IconHistory aria-hidden />} onClick={() => setVersionsOpen(true)}>
          Versions
        </Button>
        <Button theme="solid" onClick={() => setCommitting(true)}>
          Commit
        </Button>
      </div>
      <LeaveGuard dirty={dirty} />
      <FormError error={saveDraft.error} />
      <div className="loop-editor-split">
        <div className="loop-editor-left">
          <TemplateEditor detail={detail} onChange={setDetail} models={models} />
        </div>
        <div className="loop-editor-right">
          <PlaygroundPanel spaceId={spaceId} promptId={prompt.id} promptKey={prompt.prompt_key} detail={detail} />
        </div>
      </div>
      {committing && (
        <CommitModal
          spaceId={spaceId}
          promptId={prompt.id}
          latestVersion={latest}
          unsaved={dirty ? detail : undefined}
          onDraftSaved={() => {
            setSavedJson(json);
            setDraftStarted(true);
          }}
          onClose={() => setCommitting(false)}
          onCommitted={(version) => {
            setSavedJson(json);
            setDraftStarted(true);
            setCommitting(false);
            Toast.success(`Committed version ${version}`);
          }}
        />
      )}
      <VersionsDrawer
        spaceId={spaceId}
        promptId={prompt.id}
        visible={versionsOpen}
        onClose={() => setVersionsOpen(false)}
        onReverted={() => {
          setVersionsOpen(false);
          onReverted();
        }}
      />
    </div>
  );
}
