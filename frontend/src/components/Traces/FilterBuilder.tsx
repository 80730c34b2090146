import { IconDelete, IconFilter, IconPlus, IconPriceTag } from "@douyinfe/semi-icons";
import { Button, Input, Select } from "@douyinfe/semi-ui";
import type { FormEvent } from "react";
import {
  customRow,
  FIELD_TYPES,
  fieldLabel,
  fieldRow,
  fitRow,
  multiValue,
  needsValue,
  OPERATOR_LABELS,
  operatorsFor,
  type FieldMeta,
  type FieldType,
  type FilterRow,
  type QueryType,
} from "../../lib/traceFilters";

interface Props {
  rows: FilterRow[];
  metas: Record<string, FieldMeta>;
  onChange: (rows: FilterRow[]) => void;
  onApply: () => void;
  /** True when `rows` differ from the filters in use. */
  dirty: boolean;
}

/** Field → operator → value(s) rows, AND-ed; the list follows only when Apply is pressed (or Enter). */
export function FilterBuilder({ rows, metas, onChange, onApply, dirty }: Props) {
  const fields = Object.keys(metas);
  const update = (id: string, patch: Partial<FilterRow>) => onChange(rows.map((row) => (row.id === id ? fitRow({ ...row, ...patch }, metas) : row)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply();
  };

  return (
    <form className="loop-filter-builder" aria-label="Filters" onSubmit={submit}>
      {rows.length > 0 && (
        <ol className="loop-filter-rows">
          {rows.map((row, index) => (
            <FilterRowEditor
              key={row.id}
              row={row}
              index={index}
              fields={fields}
              metas={metas}
              onField={(field) => update(row.id, { field, custom: false, fieldType: metas[field]?.value_type ?? "string", values: [] })}
              onChange={(patch) => update(row.id, patch)}
              onRemove={() => onChange(rows.filter((other) => other.id !== row.id))}
            />
          ))}
        </ol>
      )}
      <div className="loop-row loop-row-tight">
        <Button icon={<IconPlus aria-hidden />} disabled={fields.length === 0} onClick={() => onChange([...rows, fieldRow(fields.includes("status") ? "status" : fields[0]!, metas)])}>
          Add filter
        </Button>
        <Button icon={<IconPriceTag aria-hidden />} onClick={() => onChange([...rows, customRow()])}>
          Add custom tag filter
        </Button>
        <Button htmlType="submit" theme={dirty ? "solid" : "light"} icon={<IconFilter aria-hidden />}>
          Apply filters
        </Button>
        {rows.length > 0 && (
          <Button
            theme="borderless"
            onClick={() => {
              onChange([]);
            }}
          >
            Clear all
          </Button>
        )}
        {dirty && <span className="loop-muted">Not applied yet</span>}
      </div>
    </form>
  );
}

interface RowProps {
  row: FilterRow;
  index: number;
  fields: string[];
  metas: Record<string, FieldMeta>;
  onField: (field: string) => void;
  onChange: (patch: Partial<FilterRow>) => void;
  onRemove: () => void;
}

function FilterRowEditor({ row, index, fields, metas, onField, onChange, onRemove }: RowProps) {
  const id = `filter-${index + 1}`;
  const n = index + 1;
  const ops = operatorsFor(row, metas);
  const options = row.custom ? undefined : metas[row.field]?.field_options?.string_list;
  return (
    <li className="loop-filter-row">
      {row.custom ? (
        <>
          <label htmlFor={`${id}-key`} className="loop-visually-hidden">
            Tag key of filter {n}
          </label>
          <Input id={`${id}-key`} placeholder="Tag key, e.g. tenant" value={row.field} onChange={(field) => onChange({ field })} style={{ width: 180 }} />
          <span id={`${id}-type-label`} className="loop-visually-hidden">
            Tag type of filter {n}
          </span>
          <Select
            aria-labelledby={`${id}-type-label`}
            value={row.fieldType}
            optionList={FIELD_TYPES.map((type) => ({ value: type.key, label: type.label }))}
            onChange={(fieldType) => onChange({ fieldType: fieldType as FieldType, values: [] })}
            style={{ width: 100 }}
          />
        </>
      ) : (
        <>
          <span id={`${id}-field-label`} className="loop-visually-hidden">
            Field of filter {n}
          </span>
          <Select
            aria-labelledby={`${id}-field-label`}
            value={row.field}
            filter
            optionList={fields.map((field) => ({ value: field, label: fieldLabel(field) }))}
            onChange={(field) => onField(field as string)}
            style={{ width: 180 }}
          />
        </>
      )}
      <span id={`${id}-op-label`} className="loop-visually-hidden">
        Operator of filter {n}
      </span>
      <Select
        aria-labelledby={`${id}-op-label`}
        value={row.op}
        optionList={ops.map((op) => ({ value: op, label: OPERATOR_LABELS[op] }))}
        onChange={(op) => onChange({ op: op as QueryType })}
        style={{ width: 150 }}
      />
      {needsValue(row.op) && <ValueEditor id={id} n={n} row={row} options={options} onChange={(values) => onChange({ values })} />}
      <Button theme="borderless" type="danger" icon={<IconDelete aria-hidden />} aria-label={`Remove filter ${n}`} onClick={onRemove} />
    </li>
  );
}

/** A Semi Select's value (one option or several) as strings. */
function selected(value: unknown): string[] {
  const values = Array.isArray(value) ? (value as unknown[]) : value === undefined || value === null ? [] : [value];
  return values.filter((v): v is string | number => typeof v === "string" || typeof v === "number").map(String);
}

function ValueEditor({ id, n, row, options, onChange }: { id: string; n: number; row: FilterRow; options?: string[] | null; onChange: (values: string[]) => void }) {
  const many = multiValue(row.op);
  const labelId = `${id}-value-label`;
  const label = (
    <span id={labelId} className="loop-visually-hidden">
      {many ? "Values" : "Value"} of filter {n}
    </span>
  );
  if (options && options.length > 0) {
    return (
      <>
        {label}
        <Select
          aria-labelledby={labelId}
          multiple={many}
          value={many ? row.values : row.values[0]}
          optionList={options.map((option) => ({ value: option, label: option }))}
          onChange={(value) => onChange(selected(value))}
          placeholder="Choose"
          style={{ minWidth: 180 }}
        />
      </>
    );
  }
  if (row.fieldType === "bool") {
    return (
      <>
        {label}
        <Select
          aria-labelledby={labelId}
          value={row.values[0]}
          optionList={[
            { value: "true", label: "true" },
            { value: "false", label: "false" },
          ]}
          onChange={(value) => onChange(selected(value))}
          placeholder="Choose"
          style={{ width: 120 }}
        />
      </>
    );
  }
  const numeric = row.fieldType === "long" || row.fieldType === "double";
  return (
    <>
      <label htmlFor={`${id}-value`} className="loop-visually-hidden">
        {many ? "Values" : "Value"} of filter {n}
      </label>
      <Input
        id={`${id}-value`}
        value={many ? row.values.join(", ") : (row.values[0] ?? "")}
        placeholder={many ? "Values, comma-separated" : numeric ? "Number" : "Value"}
        inputMode={numeric ? "decimal" : undefined}
        onChange={(text) => onChange(many ? text.split(",").map((value) => value.trimStart()) : [text])}
        style={{ width: 220 }}
      />
    </>
  );
}
