import { IconArrowLeft } from "@douyinfe/semi-icons";
import { Button, Input, Modal, Tag, TextArea, Toast } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import {
  EVALUATOR_TYPE,
  evaluatorTypeLabel,
  SEMVER,
  useEvaluator,
  useEvaluatorVersions,
  useSaveEvaluatorDraft,
  useSubmitEvaluatorVersion,
  type Evaluator,
  type EvaluatorKind,
  type EvaluatorVersion,
} from "../../../api/evaluators";
import { nextPatchVersion } from "../../../api/prompts";
import { paths } from "../../../app/paths";
import { useCurrentSpace } from "../../../app/session";
import { codeDraftOf, judgeDraftOf } from "../../../lib/evaluatorDraft";
import { formatServerTime } from "../../../lib/time";
import { Field } from "../../common/Field";
import { ErrorState, FormError, Loading } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";
import { CodeEditor } from "./CodeEditor";
import { DebugPanel } from "./DebugPanel";
import { useEvaluatorDraft } from "./EvaluatorCreate";
import { JudgeEditor } from "./JudgeEditor";
import { TemplatePicker } from "./TemplatePicker";
import "../evaluation.css";

/** evaluation/evaluators/:evaluatorID: edit the draft, try it, submit versions, see the version history. */
export function EvaluatorDetail() {
  const space = useCurrentSpace();
  const evaluatorId = useParams().evaluatorID ?? "";
  const evaluator = useEvaluator(space.id, evaluatorId);
  if (evaluator.isPending) return <Loading label="Loading the evaluator…" />;
  if (evaluator.isError) return <ErrorState title="Could not load the evaluator" error={evaluator.error} onRetry={() => void evaluator.refetch()} />;
  return <EvaluatorEditor key={evaluator.data.evaluator_id} evaluator={evaluator.data} />;
}

function VersionContent({ version, type }: { version: EvaluatorVersion; type: EvaluatorKind }) {
  const content = version.evaluator_content;
  if (type === EVALUATOR_TYPE.code) {
    const code = codeDraftOf(content);
    return (
      <div className="loop-form">
        <span className="loop-muted">{code.language}</span>
        <pre className="loop-eval-pre loop-mono-small">{code.code}</pre>
      </div>
    );
  }
  const judge = judgeDraftOf(content);
  return (
    <div className="loop-form">
      <span className="loop-muted">Model {judge.modelId ?? "–"}</span>
      {judge.messages.map((message, index) => (
        <div key={index}>
          <strong>{message.role === 1 ? "System" : message.role === 3 ? "Assistant" : "User"}</strong>
          <pre className="loop-eval-pre">{message.text}</pre>
        </div>
      ))}
    </div>
  );
}

function VersionHistory({ spaceId, evaluator }: { spaceId: string; evaluator: Evaluator }) {
  const versions = useEvaluatorVersions(spaceId, evaluator.evaluator_id ?? null);
  const [open, setOpen] = useState<EvaluatorVersion | null>(null);
  const type = (evaluator.evaluator_type ?? EVALUATOR_TYPE.prompt) as EvaluatorKind;
  return (
    <section className="loop-card" aria-labelledby="versions-heading">
      <h2 id="versions-heading" className="loop-card-title">
        Versions
      </h2>
      {versions.isPending && <Loading label="Loading versions…" />}
      {versions.isError && <ErrorState title="Could not load the versions" error={versions.error} onRetry={() => void versions.refetch()} />}
      {versions.data &&
        (versions.data.length === 0 ? (
          <p className="loop-muted">No version yet. Experiments run submitted versions: submit the draft to use it.</p>
        ) : (
          <ul className="loop-version-list" aria-label="Evaluator versions">
            {versions.data.map((version) => (
              <li key={version.id} className="loop-version">
                <div className="loop-row">
                  <Tag color="blue">{version.version}</Tag>
                  <span className="loop-muted">{formatServerTime(version.base_info?.created_at ?? "", "ms", "")}</span>
                  <Button size="small" theme="borderless" onClick={() => setOpen(version)} aria-label={`View version ${version.version}`}>
                    View
                  </Button>
                </div>
                {version.description && <p>{version.description}</p>}
              </li>
            ))}
          </ul>
        ))}
      <Modal title={`Version ${open?.version ?? ""}`} visible={open !== null} onCancel={() => setOpen(null)} footer={null} width={720} closeOnEsc>
        {open && <VersionContent version={open} type={type} />}
      </Modal>
    </section>
  );
}

function SubmitVersionModal({ latest, onSubmit, onClose, busy, error }: { latest: string; onSubmit: (version: string, description: string) => void; onClose: () => void; busy: boolean; error: unknown }) {
  const [version, setVersion] = useState(nextPatchVersion(latest));
  const [description, setDescription] = useState("");
  const valid = SEMVER.test(version.trim());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid) onSubmit(version.trim(), description.trim());
  };
  return (
    <Modal title="Submit version" visible onCancel={onClose} closeOnEsc footer={null}>
      <form className="loop-form" onSubmit={submit}>
        <Field id="submit-version" label="Version" hint={latest ? `Higher than the latest, ${latest}.` : "Three numbers, like 0.0.1."}>
          <Input id="submit-version" value={version} onChange={setVersion} autoFocus required aria-invalid={valid ? undefined : true} />
        </Field>
        <Field id="submit-description" label="Description">
          <TextArea id="submit-description" value={description} onChange={setDescription} maxCount={1000} autosize={{ minRows: 2, maxRows: 5 }} />
        </Field>
        <FormError error={error} />
        <div className="loop-form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || !valid}>
            Submit
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function EvaluatorEditor({ evaluator }: { evaluator: Evaluator }) {
  const space = useCurrentSpace();
  const evaluatorId = evaluator.evaluator_id ?? "";
  const type: EvaluatorKind = evaluator.evaluator_type === EVALUATOR_TYPE.code ? EVALUATOR_TYPE.code : EVALUATOR_TYPE.prompt;
  const draft = useEvaluatorDraft(type, evaluator.current_version?.evaluator_content);
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(draft.content()));
  const dirty = JSON.stringify(draft.content()) !== savedJson;
  const save = useSaveEvaluatorDraft(space.id, evaluatorId);
  const saving = useSubmitOnce(save);
  const submitVersion = useSubmitEvaluatorVersion(space.id, evaluatorId);
  const submitting = useSubmitOnce(submitVersion);
  const [submitOpen, setSubmitOpen] = useState(false);
  const latest = evaluator.latest_version ?? "";

  const onSave = () => {
    const content = draft.content();
    saving.submit(
      { type, content },
      {
        onSuccess: () => {
          setSavedJson(JSON.stringify(content));
          Toast.success("Draft saved");
        },
      },
    );
  };
  const onSubmitVersion = (version: string, description: string) => {
    const content = draft.content();
    submitting.submit(
      { version, description, ...(dirty ? { unsaved: { type, content } } : {}) },
      {
        onSuccess: () => {
          setSavedJson(JSON.stringify(content));
          setSubmitOpen(false);
          Toast.success(`Version ${version} submitted`);
        },
      },
    );
  };

  return (
    <div className="loop-page loop-page-wide loop-eval">
      <div className="loop-editor-header">
        <div className="loop-editor-title">
          <Link to={paths.spaceModule(space.id, "evaluation/evaluators")} className="loop-icon-link" aria-label="Back to evaluators">
            <IconArrowLeft aria-hidden />
          </Link>
          <div>
            <h1>{evaluator.name}</h1>
            <div className="loop-row">
              <Tag>{evaluatorTypeLabel(evaluator.evaluator_type)}</Tag>
              {latest ? <Tag color="blue">{`Latest ${latest}`}</Tag> : <Tag color="grey">No version yet</Tag>}
              <span className="loop-muted" data-testid="evaluator-draft-state">
                {dirty ? "Draft: unsaved changes" : "Draft: saved"}
              </span>
            </div>
            {evaluator.description && <p className="loop-muted">{evaluator.description}</p>}
          </div>
        </div>
        <div className="loop-page-actions">
          <Button onClick={onSave} loading={saving.busy} disabled={saving.busy || !dirty || draft.problems.length > 0}>
            Save draft
          </Button>
          <Button theme="solid" onClick={() => setSubmitOpen(true)} disabled={draft.problems.length > 0}>
            Submit version
          </Button>
        </div>
      </div>
      <FormError error={save.error} />
      <div className="loop-editor-split">
        <div className="loop-editor-left">
          <section className="loop-card" aria-label="Template">
            <TemplatePicker type={type} value={draft.template?.key ?? (type === EVALUATOR_TYPE.prompt ? draft.judge.templateKey : draft.code.templateKey)} onPick={draft.applyTemplate} />
          </section>
          {type === EVALUATOR_TYPE.prompt ? (
            <JudgeEditor spaceId={space.id} draft={draft.judge} onChange={draft.setJudge} />
          ) : (
            <CodeEditor draft={draft.code} onChange={draft.setCode} onLanguage={draft.setLanguage} />
          )}
        </div>
        <div className="loop-editor-right loop-form">
          <DebugPanel spaceId={space.id} type={type} content={draft.content} variables={draft.variables} problems={draft.problems} />
          <VersionHistory spaceId={space.id} evaluator={evaluator} />
        </div>
      </div>
      {submitOpen && (
        <SubmitVersionModal
          latest={latest}
          busy={submitting.busy}
          error={submitVersion.error}
          onSubmit={onSubmitVersion}
          onClose={() => {
            setSubmitOpen(false);
            submitVersion.reset();
          }}
        />
      )}
    </div>
  );
}
