import { Select, TextArea } from "@douyinfe/semi-ui";
import { useRef } from "react";
import type { CodeDraft, CodeLanguage } from "../../../lib/evaluatorDraft";
import { Field } from "../../common/Field";

const LANGUAGES: { value: CodeLanguage; label: string }[] = [
  { value: "Python", label: "Python" },
  { value: "JS", label: "JavaScript" },
];

/**
 * The code evaluator: `exec_evaluation(turn)` returning a score and a reason. A monospace text area (Tab inserts
 * four spaces instead of leaving the field, as in a code editor; Esc then Tab leaves it).
 */
export function CodeEditor({ draft, onChange, onLanguage }: { draft: CodeDraft; onChange: (draft: CodeDraft) => void; onLanguage: (language: CodeLanguage) => void }) {
  // After Esc, the next Tab moves focus on as usual (no keyboard trap).
  const escaped = useRef(false);
  return (
    <section className="loop-card loop-form" aria-labelledby="code-heading">
      <h2 id="code-heading" className="loop-card-title">
        Code
      </h2>
      <Field id="code-language" label="Language">
        <Select id="code-language" aria-labelledby="code-language-label" value={draft.language} optionList={LANGUAGES} onChange={(value) => onLanguage(value as CodeLanguage)} style={{ width: 200 }} />
      </Field>
      <Field
        id="code-content"
        label="Evaluator code"
        hint={
          <>
            Tab indents; press Esc, then Tab, to leave the editor.{" "}
            <code>turn["evaluate_dataset_fields"][column]["text"]</code> holds the set's columns and <code>turn["evaluate_target_output_fields"]["actual_output"]["text"]</code> the
            target's answer. Return <code>EvalOutput(score=…, reason=…)</code> ({"{score, reason}"} in JavaScript). Runs sandboxed, without network.
          </>
        }
      >
        <TextArea
          id="code-content"
          className="loop-eval-code"
          value={draft.code}
          spellCheck={false}
          autosize={{ minRows: 14, maxRows: 40 }}
          onChange={(code) => onChange({ ...draft, code })}
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              escaped.current = true;
              return;
            }
            const leave = escaped.current;
            escaped.current = false;
            if (event.key !== "Tab" || event.shiftKey || leave) return;
            const area = event.currentTarget;
            event.preventDefault();
            const { selectionStart, selectionEnd, value } = area;
            const next = `${value.slice(0, selectionStart)}    ${value.slice(selectionEnd)}`;
            onChange({ ...draft, code: next });
            requestAnimationFrame(() => area.setSelectionRange(selectionStart + 4, selectionStart + 4));
          }}
        />
      </Field>
    </section>
  );
}
