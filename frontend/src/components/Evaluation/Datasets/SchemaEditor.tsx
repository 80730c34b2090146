import { IconDelete, IconPlus } from "@douyinfe/semi-icons";
import { Button, Checkbox, Input, Select } from "@douyinfe/semi-ui";
import type { NewColumn } from "../../../api/evaluationSets";
import "../evaluation.css";

export const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_ -]{0,63}$/;

export function emptyColumn(name = ""): NewColumn {
  return { name, description: "", contentType: "Text", required: false };
}

/** What is wrong with the columns, in words; [] when they can be saved. */
export function columnProblems(columns: readonly NewColumn[]): string[] {
  const problems: string[] = [];
  if (columns.length === 0) problems.push("Add at least one column.");
  const names = columns.map((column) => column.name.trim());
  if (names.some((name) => name === "")) problems.push("Name every column.");
  const bad = names.find((name) => name !== "" && !COLUMN_NAME.test(name));
  if (bad) problems.push(`Column "${bad}": start with a letter or _, then letters, digits, spaces, '_' or '-' (64 at most).`);
  const twice = names.find((name, index) => name !== "" && names.indexOf(name) !== index);
  if (twice) problems.push(`Two columns are named "${twice}"; give each its own name.`);
  return problems;
}

/**
 * The columns of a set: name, content type (Text or Image), required, description. `locked` rows (saved columns) keep
 * their name and type, and are removed only through `onRemove`, which then handles every row's remove button.
 */
export function SchemaEditor({
  columns,
  onChange,
  lockedCount = 0,
  onRemove,
}: {
  columns: NewColumn[];
  onChange: (columns: NewColumn[]) => void;
  lockedCount?: number;
  onRemove?: (index: number) => void;
}) {
  const set = (index: number, patch: Partial<NewColumn>) => onChange(columns.map((column, i) => (i === index ? { ...column, ...patch } : column)));
  return (
    <fieldset className="loop-fieldset">
      <legend>Columns</legend>
      <div className="loop-eval-schema-row loop-muted" aria-hidden>
        <span>Name</span>
        <span>Content</span>
        <span>Required</span>
        <span>Description</span>
        <span />
      </div>
      <ol className="loop-message-list" aria-label="Columns">
        {columns.map((column, index) => {
          const locked = index < lockedCount;
          return (
            <li key={index} className="loop-eval-schema-row">
              <Input aria-label={`Name of column ${index + 1}`} value={column.name} onChange={(name) => set(index, { name })} disabled={locked} maxLength={64} />
              <span>
                <span id={`column-type-${index}`} className="loop-visually-hidden">{`Content type of column ${index + 1}`}</span>
                <Select
                  aria-labelledby={`column-type-${index}`}
                  value={column.contentType}
                  disabled={locked}
                  onChange={(value) => set(index, { contentType: value as NewColumn["contentType"] })}
                  optionList={[
                    { value: "Text", label: "Text" },
                    { value: "Image", label: "Image" },
                  ]}
                  style={{ width: "100%" }}
                />
              </span>
              <Checkbox checked={column.required} onChange={(event) => set(index, { required: !!event.target.checked })} aria-label={`Column ${index + 1} is required`}>
                <span className="loop-visually-hidden">Required</span>
              </Checkbox>
              <Input aria-label={`Description of column ${index + 1}`} value={column.description} onChange={(description) => set(index, { description })} maxLength={500} />
              <Button
                type="danger"
                theme="borderless"
                icon={<IconDelete aria-hidden />}
                aria-label={`Remove column ${column.name || index + 1}`}
                disabled={locked && !onRemove}
                onClick={() => (onRemove ? onRemove(index) : onChange(columns.filter((_, i) => i !== index)))}
              />
            </li>
          );
        })}
      </ol>
      <Button icon={<IconPlus aria-hidden />} onClick={() => onChange([...columns, emptyColumn()])}>
        Add column
      </Button>
    </fieldset>
  );
}
