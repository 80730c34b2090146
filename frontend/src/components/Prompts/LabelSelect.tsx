import { Select } from "@douyinfe/semi-ui";
import { LABEL_KEY_PATTERN } from "../../api/prompts";

/**
 * Multi-select of the workspace's labels; typing a new lowercase key offers to create it. With allowCreate, Semi's
 * Select ignores later optionList updates, so it is remounted when the label list changes.
 */
export function LabelSelect({ id, labels, value, onChange }: { id: string; labels: string[]; value: string[]; onChange: (value: string[]) => void }) {
  return (
    <Select
      key={labels.join(",")}
      id={id}
      aria-labelledby={`${id}-label`}
      multiple
      filter
      allowCreate
      placeholder="Choose labels or type a new one"
      value={value}
      onChange={(next) => onChange((next as string[]).map((key) => String(key).trim().toLowerCase()).filter(Boolean))}
      optionList={labels.map((key) => ({ value: key, label: key }))}
      style={{ width: "100%" }}
    />
  );
}

export function labelProblem(keys: string[]): string | null {
  const bad = keys.find((key) => !LABEL_KEY_PATTERN.test(key));
  return bad ? `"${bad}" is not a valid label: use lowercase letters, digits, _ and -, starting with a letter.` : null;
}
