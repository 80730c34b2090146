import { IconDelete } from "@douyinfe/semi-icons";
import { Button, Input, Tag, TextArea, Toast } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { useCreateAnnotation, useDeleteAnnotation, type Annotation, type OutputSpan } from "../../api/traces";
import { formatTimestamp } from "../../lib/time";
import { ConfirmDeleteModal } from "../common/ConfirmDeleteModal";
import { Field } from "../common/Field";
import { FormError } from "../common/QueryState";
import { useConfirmedDelete } from "../common/useConfirmedDelete";
import { useSubmitOnce } from "../common/useSubmitOnce";

const TYPE_LABELS: Record<string, string> = {
  manual_feedback: "Manual",
  openapi_feedback: "API",
  auto_evaluate: "Evaluator",
  manual_evaluation_set: "Evaluation set",
  coze_feedback: "Coze",
};

/** The span's annotations, and an "Add feedback" form (a key and a string value; the same key again replaces it). */
export function FeedbackPanel({ spaceId, span }: { spaceId: string; span: OutputSpan }) {
  const annotations = span.annotations ?? [];
  const deletion = useConfirmedDelete(useDeleteAnnotation(spaceId, span.trace_id), (annotation: Annotation) => ({
    id: annotation.id,
    label: `feedback "${annotation.key}"`,
  }));

  return (
    <div className="loop-feedback">
      {annotations.length === 0 ? (
        <p className="loop-muted">No feedback on this span yet.</p>
      ) : (
        <ul className="loop-annotation-list" aria-label="Feedback">
          {annotations.map((annotation) => (
            <li key={annotation.id} className="loop-annotation">
              <div className="loop-annotation-main">
                <strong>{annotation.key}</strong>
                <span className="loop-annotation-value">{annotation.value || "–"}</span>
                <Tag size="small" color="grey">
                  {TYPE_LABELS[annotation.type ?? ""] ?? annotation.type}
                </Tag>
                {annotation.base_info?.updated_at && Number(annotation.base_info.updated_at) > 0 && (
                  <span className="loop-muted loop-mono-small" title={formatTimestamp(annotation.base_info.updated_at, "full")}>
                    {formatTimestamp(annotation.base_info.updated_at)}
                  </span>
                )}
                {annotation.type === "manual_feedback" && (
                  <Button
                    size="small"
                    theme="borderless"
                    type="danger"
                    icon={<IconDelete aria-hidden />}
                    aria-label={`Delete feedback ${annotation.key}`}
                    onClick={() => deletion.ask(annotation)}
                  />
                )}
              </div>
              {annotation.reasoning && <p className="loop-muted">{annotation.reasoning}</p>}
            </li>
          ))}
        </ul>
      )}
      <AddFeedbackForm spaceId={spaceId} span={span} />
      <ConfirmDeleteModal title="Delete feedback?" deletion={deletion}>
        The feedback <strong>{deletion.pending?.key}</strong> on span {span.span_name} will be deleted.
      </ConfirmDeleteModal>
    </div>
  );
}

function AddFeedbackForm({ spaceId, span }: { spaceId: string; span: OutputSpan }) {
  const create = useCreateAnnotation(spaceId);
  const { submit, busy } = useSubmitOnce(create);
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [reasoning, setReasoning] = useState("");
  const id = `feedback-${span.span_id}`;

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!key.trim()) return;
    submit(
      { span, key: key.trim(), value, reasoning },
      {
        onSuccess: () => {
          Toast.success(`Saved feedback "${key.trim()}"`);
          setKey("");
          setValue("");
          setReasoning("");
        },
      },
    );
  };

  return (
    <form className="loop-form loop-feedback-form" aria-label="Add feedback" onSubmit={save}>
      <h3>Add feedback</h3>
      <div className="loop-feedback-fields">
        <Field id={`${id}-key`} label="Key">
          <Input id={`${id}-key`} value={key} onChange={setKey} maxLength={100} placeholder="e.g. helpful" />
        </Field>
        <Field id={`${id}-value`} label="Value">
          <Input id={`${id}-value`} value={value} onChange={setValue} maxLength={1024} placeholder="e.g. yes" />
        </Field>
      </div>
      <Field id={`${id}-reasoning`} label="Reasoning (optional)">
        <TextArea id={`${id}-reasoning`} value={reasoning} onChange={setReasoning} maxLength={4096} autosize={{ minRows: 2, maxRows: 6 }} />
      </Field>
      <FormError error={create.error} />
      <div className="loop-form-actions loop-form-actions-start">
        <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || !key.trim()}>
          Add feedback
        </Button>
      </div>
    </form>
  );
}
