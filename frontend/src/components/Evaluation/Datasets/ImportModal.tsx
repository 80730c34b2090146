import { Banner, Button, Checkbox, Modal, Progress, Select, Spin } from "@douyinfe/semi-ui";
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { errorMessage } from "../../../api/errors";
import { JOB_STATUS, jobFinished, parseSourceFile, uploadFile, useIoJob, useStartImport, type EvalFieldSchema } from "../../../api/evaluationSets";
import { autoMapColumns, FILE_FORMAT, fileFormatOf, importMappings, sniffColumns, type FileFormat } from "../../../lib/csvColumns";
import { Field } from "../../common/Field";
import { FormError } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";
import { ErrorGroups } from "./AddItemModal";

interface PickedFile {
  name: string;
  format: FileFormat;
  /** The uploaded object's key, once uploaded. */
  uri: string | null;
  columns: string[] | null;
}

const NOT_IMPORTED = "";

function JobReport({ spaceId, jobId, onDone }: { spaceId: string; jobId: string; onDone: () => void }) {
  const job = useIoJob(spaceId, jobId);
  const finished = jobFinished(job.data);
  // Tell the page once, when the job ends, so it shows the new items.
  const told = useRef(false);
  useEffect(() => {
    if (finished && !told.current) {
      told.current = true;
      onDone();
    }
  }, [finished, onDone]);
  if (job.isError) return <FormError error={job.error} />;
  if (!job.data) return <Spin tip="Starting the import…" />;
  const progress = job.data.progress;
  const total = Number(progress.total ?? 0);
  const processed = Number(progress.processed ?? 0);
  const added = Number(progress.added ?? 0);
  const percent = total > 0 ? Math.min(100, Math.floor((processed / total) * 100)) : finished ? 100 : 0;
  const failed = job.data.status === JOB_STATUS.failed || job.data.status === JOB_STATUS.cancelled;
  return (
    <div className="loop-form" data-testid="import-report">
      <Progress motion={false} percent={percent} showInfo aria-label="Import progress" stroke={failed ? "var(--semi-color-danger)" : undefined} />
      <p role="status">
        {!finished
          ? `Importing… ${processed.toLocaleString()}${total ? ` of ${total.toLocaleString()}` : ""} rows read, ${added.toLocaleString()} added.`
          : failed
            ? `The import failed after ${processed.toLocaleString()} rows; ${added.toLocaleString()} were added.`
            : `Import finished: ${added.toLocaleString()} row${added === 1 ? "" : "s"} added of ${processed.toLocaleString()} read.`}
      </p>
      <ErrorGroups groups={job.data.errors} />
    </div>
  );
}

/**
 * Import a CSV, JSONL or Parquet file: it is uploaded straight to the object store, its columns are mapped to the
 * set's (same names are matched for you), then the server's import job runs and reports its progress and errors.
 */
export function ImportModal({ spaceId, setId, columns, onClose, onImported }: { spaceId: string; setId: string; columns: EvalFieldSchema[]; onClose: () => void; onImported: () => void }) {
  const [file, setFile] = useState<PickedFile | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [overwrite, setOverwrite] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useStartImport(spaceId, setId);
  const { submit, busy } = useSubmitOnce(start);
  const setNames = columns.map((column) => column.name ?? "");
  const required = columns.filter((column) => column.isRequired).map((column) => column.name ?? "");
  const { fieldMappings, problems } = importMappings(mapping, required);

  const onPick = async (event: ChangeEvent<HTMLInputElement>) => {
    const picked = event.target.files?.[0];
    setFileError(null);
    setFile(null);
    if (!picked) return;
    const format = fileFormatOf(picked.name);
    if (format === null) {
      setFileError(`"${picked.name}" is not a CSV, JSONL or Parquet file. Pick a .csv, .jsonl or .parquet file.`);
      return;
    }
    try {
      const sniffed = await sniffColumns(picked, format);
      setUploading(true);
      const uri = await uploadFile(spaceId, picked);
      const found = sniffed ?? (await parseSourceFile(spaceId, uri, format));
      setFile({ name: picked.name, format, uri, columns: found });
      setMapping(autoMapColumns(found, setNames));
    } catch (error) {
      setFileError(errorMessage(error));
    } finally {
      setUploading(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!file?.uri || problems.length > 0) return;
    submit({ uri: file.uri, format: file.format, fileName: file.name, mappings: fieldMappings, overwrite }, { onSuccess: setJobId });
  };

  return (
    <Modal title="Import items" visible onCancel={onClose} closeOnEsc footer={null} width={720} maskClosable={!jobId}>
      {jobId ? (
        <div className="loop-form">
          <JobReport spaceId={spaceId} jobId={jobId} onDone={onImported} />
          <div className="loop-form-actions">
            <Button theme="solid" onClick={onClose}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form className="loop-form" onSubmit={onSubmit}>
          <Field id="import-file" label="File" hint="CSV with a header line, JSONL (one JSON object a line) or Parquet. Each row becomes an item.">
            <input id="import-file" type="file" accept=".csv,.jsonl,.ndjson,.parquet" onChange={(event) => void onPick(event)} disabled={uploading} />
          </Field>
          {uploading && <Spin tip="Uploading…" />}
          {fileError && (
            <div className="loop-form-error" role="alert">
              {fileError}
            </div>
          )}
          {file?.columns && (
            <fieldset className="loop-fieldset">
              <legend>Map the file's columns to the set's</legend>
              <div className="loop-eval-mapping">
                {columns.map((column) => {
                  const name = column.name ?? "";
                  const id = `import-map-${name.replace(/\W+/g, "-")}`;
                  return (
                    <div key={column.key ?? name} style={{ display: "contents" }}>
                      <span id={`${id}-label`} className="loop-eval-mapping-name">
                        {name}
                        {column.isRequired ? " *" : ""}
                      </span>
                      <Select
                        aria-labelledby={`${id}-label`}
                        value={mapping[name] ?? NOT_IMPORTED}
                        onChange={(value) => setMapping({ ...mapping, [name]: (value as string) })}
                        optionList={[{ value: NOT_IMPORTED, label: "Not imported" }, ...(file.columns ?? []).map((source) => ({ value: source, label: source }))]}
                        style={{ width: "100%" }}
                      />
                    </div>
                  );
                })}
              </div>
            </fieldset>
          )}
          {file?.columns && (
            <Checkbox checked={overwrite} onChange={(event) => setOverwrite(!!event.target.checked)}>
              Replace the set's current items (otherwise the rows are added)
            </Checkbox>
          )}
          {file?.format === FILE_FORMAT.parquet && <Banner type="info" fullMode={false} closeIcon={null} description="Parquet columns were read by the server." />}
          {file?.columns && problems.length > 0 && <p className="loop-muted">{problems.join(" ")}</p>}
          <FormError error={start.error} />
          <div className="loop-form-actions">
            <Button onClick={onClose}>Cancel</Button>
            <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || uploading || !file?.uri || problems.length > 0}>
              Import
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
