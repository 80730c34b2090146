import { IconDelete, IconPlus } from "@douyinfe/semi-icons";
import { Button, Input, Modal, Radio, RadioGroup, Select, Table } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useExportSpans, usePreviewSpanExport, type PreviewItem } from "../../api/datasetExport";
import { setColumns, useAllEvaluationSets, useEvaluationSet } from "../../api/evaluationSets";
import { paths } from "../../app/paths";
import { contentText, previewText } from "../../lib/evalContent";
import { defaultRows, exportProblems, SPAN_FIELDS, type ExportRow, type ExportTarget, type SpanRef } from "../../lib/spanExport";
import { Field } from "../common/Field";
import { LabelledTable } from "../common/LabelledTable";
import { FormError } from "../common/QueryState";
import { useSubmitOnce } from "../common/useSubmitOnce";
import { ErrorGroups } from "../Evaluation/Datasets/AddItemModal";

function MappingRows({ rows, onChange, columns }: { rows: ExportRow[]; onChange: (rows: ExportRow[]) => void; columns: string[] | null }) {
  const set = (index: number, patch: Partial<ExportRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="loop-fieldset">
      <legend>Span fields → columns</legend>
      <ol className="loop-message-list" aria-label="Field mappings" style={{ paddingLeft: 0 }}>
        {rows.map((row, index) => (
          <li key={index} className="loop-row" style={{ flexWrap: "nowrap" }}>
            <span id={`export-field-${index}`} className="loop-visually-hidden">{`Span field of mapping ${index + 1}`}</span>
            <Select aria-labelledby={`export-field-${index}`} value={row.spanField} onChange={(value) => set(index, { spanField: (value as string) })} optionList={[...SPAN_FIELDS]} style={{ width: 150 }} />
            {row.spanField === "tags" && <Input aria-label={`Tag key of mapping ${index + 1}`} placeholder="tag key" value={row.tagKey} onChange={(tagKey) => set(index, { tagKey })} style={{ width: 120 }} />}
            <Input aria-label={`JSONPath of mapping ${index + 1}`} placeholder="JSONPath (optional), e.g. $.messages[0].content" value={row.jsonPath} onChange={(jsonPath) => set(index, { jsonPath })} style={{ flex: 1 }} />
            <span aria-hidden>→</span>
            {columns ? (
              <>
                <span id={`export-column-${index}`} className="loop-visually-hidden">{`Column of mapping ${index + 1}`}</span>
                <Select aria-labelledby={`export-column-${index}`} value={row.column || undefined} placeholder="Column" onChange={(value) => set(index, { column: (value as string) })} optionList={columns.map((c) => ({ value: c, label: c }))} style={{ width: 170 }} />
              </>
            ) : (
              <Input aria-label={`Column of mapping ${index + 1}`} placeholder="column name" value={row.column} onChange={(column) => set(index, { column })} style={{ width: 170 }} />
            )}
            <Button type="danger" theme="borderless" icon={<IconDelete aria-hidden />} aria-label={`Remove mapping ${index + 1}`} onClick={() => onChange(rows.filter((_, i) => i !== index))} />
          </li>
        ))}
      </ol>
      <Button icon={<IconPlus aria-hidden />} onClick={() => onChange([...rows, { spanField: "span_name", tagKey: "", jsonPath: "", column: "", contentType: "Text" }])}>
        Add mapping
      </Button>
    </fieldset>
  );
}

function Preview({ items }: { items: PreviewItem[] }) {
  const names = [...new Set(items.flatMap((item) => item.field_list.map((field) => field.name ?? "")))];
  const columns = [
    { title: "Span", key: "span", width: 110, render: (_: unknown, item: PreviewItem) => <span className="loop-mono-small">{item.span_info.span_id.slice(0, 8)}…</span> },
    ...names.map((name) => ({
      title: name,
      key: name,
      render: (_: unknown, item: PreviewItem) => {
        const text = contentText(item.field_list.find((field) => field.name === name)?.content);
        return text ? <span title={previewText(text, 600)}>{previewText(text, 120)}</span> : <span className="loop-muted">–</span>;
      },
    })),
    { title: "Status", key: "status", width: 90, render: (_: unknown, item: PreviewItem) => (item.status === "success" ? "OK" : <span className="loop-form-error">{`Error in ${(item.errors ?? []).flatMap((e) => e.field_names ?? []).join(", ") || "a field"}`}</span>) },
  ];
  return (
    <LabelledTable label="Export preview">
      <Table<PreviewItem> rowKey={(item?: PreviewItem) => item?.span_info.span_id ?? ""} columns={columns} dataSource={items} pagination={false} size="small" />
    </LabelledTable>
  );
}

/**
 * The selected spans into an evaluation set (a new one, or one that exists): map span fields (with an optional
 * JSONPath) to columns, preview what the items would be, then export. Mounted only while open.
 */
export function ExportToDatasetModal({ spaceId, spans, window, onClose, onExported }: { spaceId: string; spans: SpanRef[]; window: { start: number; end: number }; onClose: () => void; onExported: () => void }) {
  const [kind, setKind] = useState<"new" | "existing">("new");
  const [name, setName] = useState("");
  const [setId, setSetId] = useState<string | null>(null);
  const [rows, setRows] = useState<ExportRow[]>(defaultRows);
  const sets = useAllEvaluationSets(spaceId);
  const chosen = useEvaluationSet(spaceId, kind === "existing" ? setId : null);
  const existingColumns = kind === "existing" ? setColumns(chosen.data) : [];
  const target: ExportTarget = kind === "new" ? { kind: "new", name } : { kind: "existing", setId: setId ?? "", columns: existingColumns };
  const problems = exportProblems(rows, target);
  const preview = usePreviewSpanExport(spaceId);
  const exporter = useExportSpans(spaceId);
  const { submit, busy } = useSubmitOnce(exporter);
  const input = { spans, window, rows, target };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (problems.length === 0) submit(input, { onSuccess: onExported });
  };
  const result = exporter.data;

  return (
    <Modal title={`Export ${spans.length} span${spans.length === 1 ? "" : "s"} to an evaluation set`} visible onCancel={onClose} closeOnEsc footer={null} width={900}>
      {result ? (
        <div className="loop-form" role="status" data-testid="export-result">
          <p>
            {`${result.success_count} item${result.success_count === 1 ? "" : "s"} added to `}
            <Link to={`${paths.spaceModule(spaceId, "evaluation/datasets")}/${result.dataset_id}`}>{result.dataset_name}</Link>.
          </p>
          <ErrorGroups groups={result.errors} />
          <div className="loop-form-actions">
            <Button theme="solid" onClick={onClose}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form className="loop-form" onSubmit={onSubmit}>
          <RadioGroup
            aria-label="Evaluation set"
            value={kind}
            onChange={(event) => {
              const next = event.target.value as "new" | "existing";
              setKind(next);
              setRows(next === "new" ? defaultRows() : rows.map((row) => ({ ...row, column: "" })));
              preview.reset();
            }}
          >
            <Radio value="new">A new evaluation set</Radio>
            <Radio value="existing">An existing evaluation set</Radio>
          </RadioGroup>
          {kind === "new" ? (
            <Field id="export-set-name" label="Name of the new set">
              <Input id="export-set-name" value={name} onChange={setName} maxLength={255} />
            </Field>
          ) : (
            <Field id="export-set" label="Add to">
              <Select
                id="export-set"
                aria-labelledby="export-set-label"
                placeholder={sets.isPending ? "Loading…" : "Choose an evaluation set"}
                value={setId ?? undefined}
                filter
                style={{ width: "100%" }}
                onChange={(value) => {
                  setSetId((value as string));
                  preview.reset();
                }}
                optionList={(sets.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
              />
            </Field>
          )}
          <MappingRows rows={rows} onChange={setRows} columns={kind === "existing" ? existingColumns.map((c) => c.name ?? "") : null} />
          {problems.length > 0 && <p className="loop-muted">{problems.join(" ")}</p>}
          <FormError error={preview.error ?? exporter.error} />
          {preview.data && (
            <>
              <Preview items={preview.data.items} />
              <ErrorGroups groups={preview.data.errors} />
            </>
          )}
          <div className="loop-form-actions">
            <Button onClick={onClose}>Cancel</Button>
            <Button onClick={() => preview.mutate(input)} loading={preview.isPending} disabled={preview.isPending || problems.length > 0}>
              Preview
            </Button>
            <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || problems.length > 0}>
              Export
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
