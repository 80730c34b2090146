import { Select } from "@douyinfe/semi-ui";
import { useEvaluatorTemplates, type EvaluatorKind, type EvaluatorTemplate } from "../../../api/evaluators";
import { Field } from "../../common/Field";
import { ErrorState } from "../../common/QueryState";

/** Picks one of the built-in templates of a type; `onPick` gets the whole template (its content fills the editor). */
export function TemplatePicker({ type, value, onPick }: { type: EvaluatorKind; value: string | null; onPick: (template: EvaluatorTemplate) => void }) {
  const templates = useEvaluatorTemplates(type);
  const picked = templates.data?.find((template) => template.key === value);
  return (
    <Field id="evaluator-template" label="Template" hint={picked?.description ?? "Start from a built-in template, or write your own."}>
      {templates.isError ? (
        <ErrorState title="Could not load the templates" error={templates.error} onRetry={() => void templates.refetch()} />
      ) : (
        <Select
          id="evaluator-template"
          aria-labelledby="evaluator-template-label"
          placeholder={templates.isPending ? "Loading templates…" : "Choose a template"}
          value={value ?? undefined}
          style={{ width: "100%" }}
          // onSelect, not onChange: picking the same template again starts over from it.
          onSelect={(key) => {
            const template = templates.data?.find((t) => t.key === key);
            if (template) onPick(template);
          }}
          optionList={(templates.data ?? []).map((template) => ({ value: template.key, label: template.name }))}
        />
      )}
    </Field>
  );
}
