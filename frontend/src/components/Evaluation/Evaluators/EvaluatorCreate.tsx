import { Button, Input, TextArea } from "@douyinfe/semi-ui";
import { useMemo, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { EVALUATOR_TYPE, SEMVER, useCreateEvaluator, type EvaluatorContent, type EvaluatorKind, type EvaluatorTemplate } from "../../../api/evaluators";
import { paths } from "../../../app/paths";
import { useCurrentSpace } from "../../../app/session";
import { codeContent, codeDraftOf, codeProblems, emptyCode, emptyJudge, judgeContent, judgeDraftOf, judgeProblems, templateCode, type CodeDraft, type CodeLanguage, type JudgeDraft } from "../../../lib/evaluatorDraft";
import { judgeVariables } from "../../../lib/evaluatorVariables";
import { Field } from "../../common/Field";
import { PageHeader } from "../../common/PageHeader";
import { FormError } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";
import { CodeEditor } from "./CodeEditor";
import { DebugPanel } from "./DebugPanel";
import { JudgeEditor } from "./JudgeEditor";
import { TemplatePicker } from "./TemplatePicker";
import "../evaluation.css";

/** The editor state of either kind, with the template it came from (its code per language for code templates). */
export function useEvaluatorDraft(type: EvaluatorKind, initial?: EvaluatorContent | null) {
  const [judge, setJudge] = useState<JudgeDraft>(() => (initial ? judgeDraftOf(initial) : emptyJudge()));
  const [code, setCode] = useState<CodeDraft>(() => (initial ? codeDraftOf(initial) : emptyCode()));
  const [template, setTemplate] = useState<EvaluatorTemplate | null>(null);
  const variables = useMemo(() => judgeVariables(judge.messages.map((m) => ({ content: { text: m.text } }))), [judge.messages]);
  const content = (): EvaluatorContent => (type === EVALUATOR_TYPE.prompt ? judgeContent(judge) : codeContent(code)) as EvaluatorContent;
  const problems = type === EVALUATOR_TYPE.prompt ? judgeProblems(judge) : codeProblems(code);
  const applyTemplate = (picked: EvaluatorTemplate) => {
    setTemplate(picked);
    if (type === EVALUATOR_TYPE.prompt) {
      // Keep a model already chosen: the template's default (the offline test model) is only a placeholder.
      const next = judgeDraftOf(picked.evaluator_content);
      setJudge({ ...next, modelId: judge.modelId ?? next.modelId, templateKey: picked.key, templateName: picked.name });
    } else {
      const language = code.language;
      setCode({ language, code: templateCode(picked.evaluator_content, language) ?? codeDraftOf(picked.evaluator_content).code, templateKey: picked.key, templateName: picked.name });
    }
  };
  // Switching language loads the template's code in that language, else the starter code, unless the code was edited.
  const setLanguage = (language: CodeLanguage) => {
    const fromTemplate = template ? templateCode(template.evaluator_content, language) : null;
    const untouched = code.code === (template ? templateCode(template.evaluator_content, code.language) : emptyCode(code.language).code);
    setCode({ ...code, language, code: untouched ? (fromTemplate ?? emptyCode(language).code) : code.code });
  };
  return { judge, setJudge, code, setCode, template, applyTemplate, setLanguage, variables, content, problems };
}

/** evaluation/evaluators/create/llm and create/code: name it, start from a template, try it, create with a first version. */
export function EvaluatorCreate({ type }: { type: EvaluatorKind }) {
  const space = useCurrentSpace();
  const navigate = useNavigate();
  const draft = useEvaluatorDraft(type);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [version, setVersion] = useState("0.0.1");
  const create = useCreateEvaluator(space.id);
  const { submit, busy } = useSubmitOnce(create);
  const kind = type === EVALUATOR_TYPE.prompt ? "LLM judge" : "code evaluator";
  const problems = [...(name.trim() ? [] : ["Name the evaluator."]), ...draft.problems, ...(SEMVER.test(version.trim()) ? [] : ["The version is three numbers, like 0.0.1."])];

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (problems.length > 0) return;
    submit(
      { name: name.trim(), description: description.trim(), type, content: draft.content(), version: { version: version.trim(), description: "First version" } },
      { onSuccess: (id) => void navigate(`${paths.spaceModule(space.id, "evaluation/evaluators")}/${id}`) },
    );
  };

  return (
    <div className="loop-page loop-page-wide loop-eval">
      <PageHeader title={type === EVALUATOR_TYPE.prompt ? "Create LLM judge" : "Create code evaluator"} description={`A ${kind} scores each item of an experiment with a number and a reason.`} />
      <div className="loop-form">
        <section className="loop-card loop-form" aria-label="About the evaluator">
          <div className="loop-eval-grid">
            <Field id="evaluator-name" label="Name">
              <Input id="evaluator-name" value={name} onChange={setName} maxLength={50} required />
            </Field>
            <TemplatePicker type={type} value={draft.template?.key ?? null} onPick={draft.applyTemplate} />
          </div>
          <Field id="evaluator-description" label="Description">
            <TextArea id="evaluator-description" value={description} onChange={setDescription} maxCount={1000} autosize={{ minRows: 1, maxRows: 4 }} />
          </Field>
        </section>
        <div className="loop-editor-split">
          <div className="loop-editor-left">
            {type === EVALUATOR_TYPE.prompt ? (
              <JudgeEditor spaceId={space.id} draft={draft.judge} onChange={draft.setJudge} />
            ) : (
              <CodeEditor draft={draft.code} onChange={draft.setCode} onLanguage={draft.setLanguage} />
            )}
          </div>
          <div className="loop-editor-right">
            <DebugPanel spaceId={space.id} type={type} content={draft.content} variables={draft.variables} problems={draft.problems} />
          </div>
        </div>
        <form onSubmit={onSubmit} className="loop-card loop-form" aria-label="Create">
          <Field id="evaluator-version" label="First version" hint="Experiments run a submitted version; the draft keeps changing without touching it.">
            <Input id="evaluator-version" value={version} onChange={setVersion} style={{ width: 160 }} />
          </Field>
          {problems.length > 0 && <p className="loop-muted">{problems.join(" ")}</p>}
          <FormError error={create.error} />
          <div className="loop-form-actions loop-form-actions-start">
            <Button onClick={() => void navigate(paths.spaceModule(space.id, "evaluation/evaluators"))}>Cancel</Button>
            <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || problems.length > 0}>
              Create
            </Button>
          </div>
        </form>
      </div>
    </div>
  );
}
