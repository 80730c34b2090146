import { Button, Modal, TextArea } from "@douyinfe/semi-ui";
import { useState, type FormEvent } from "react";
import { ITEM_ERROR_TYPES, useAddItems, type EvalFieldSchema, type ItemErrorGroup } from "../../../api/evaluationSets";
import { missingRequired, newItem, type UploadedFile } from "../../../lib/evalSetItems";
import { Field } from "../../common/Field";
import { FormError } from "../../common/QueryState";
import { useSubmitOnce } from "../../common/useSubmitOnce";
import { ImageInput, type ImageValue } from "./ImageInput";

/** Errors grouped by type, as the server reports them (each detail names its row or item). */
export function ErrorGroups({ groups }: { groups: ItemErrorGroup[] }) {
  if (groups.length === 0) return null;
  return (
    <ul className="loop-form-error" aria-label="Errors" style={{ margin: 0, paddingLeft: 24 }}>
      {groups.map((group, index) => (
        <li key={index}>
          <strong>{ITEM_ERROR_TYPES[group.type] ?? `Error ${group.type}`}</strong>
          {group.error_count > 1 ? ` (${group.error_count})` : ""}: {group.summary}
          {(group.details ?? []).length > 0 && (
            <ul>
              {(group.details ?? []).map((detail, i) => (
                <li key={i}>
                  {detail.message}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

/** One new item: a value per column (for an Image column an image URL or an uploaded image). Mounted only while open. */
export function AddItemModal({ spaceId, setId, columns, onClose }: { spaceId: string; setId: string; columns: EvalFieldSchema[]; onClose: () => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [uploads, setUploads] = useState<Record<string, UploadedFile & { preview: string | null }>>({});
  const [uploading, setUploading] = useState(0);
  const add = useAddItems(spaceId, setId);
  const { submit, busy } = useSubmitOnce(add);
  const [rejected, setRejected] = useState<ItemErrorGroup[]>([]);
  const missing = missingRequired(columns, values, uploads);
  const empty = columns.every((column) => !uploads[column.name ?? ""] && !(values[column.name ?? ""] ?? "").trim());

  const imageOf = (name: string): ImageValue => {
    const upload = uploads[name];
    return upload ? { kind: "upload", ...upload } : { kind: "url", url: values[name] ?? "" };
  };
  const setImage = (name: string, image: ImageValue) => {
    const others = Object.fromEntries(Object.entries(uploads).filter(([column]) => column !== name));
    if (image.kind === "upload") setUploads({ ...others, [name]: { name: image.name, uri: image.uri, preview: image.preview } });
    else setUploads(others);
    setValues({ ...values, [name]: image.kind === "url" ? image.url : "" });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (missing.length > 0 || empty || uploading > 0) return;
    submit([newItem(columns, values, uploads)], {
      onSuccess: (result) => {
        if (Object.keys(result.added_items).length > 0) onClose();
        else setRejected(result.errors);
      },
    });
  };

  return (
    <Modal title="Add item" visible onCancel={onClose} closeOnEsc footer={null} width={640}>
      <form className="loop-form" onSubmit={onSubmit}>
        {columns.map((column) => {
          const name = column.name ?? "";
          const id = `add-item-${name.replace(/\W+/g, "-")}`;
          const label = `${name}${column.isRequired ? " (required)" : ""}`;
          return (
            <Field key={column.key ?? name} id={id} label={label} hint={column.content_type === "Image" ? "An image URL (http or https), or upload an image." : column.description || undefined}>
              {column.content_type === "Image" ? (
                <ImageInput spaceId={spaceId} id={id} label={label} subject={name} value={imageOf(name)} onChange={(image) => setImage(name, image)} onUploading={(on) => setUploading((count) => count + (on ? 1 : -1))} />
              ) : (
                <TextArea id={id} value={values[name] ?? ""} onChange={(value) => setValues({ ...values, [name]: value })} autosize={{ minRows: 1, maxRows: 8 }} />
              )}
            </Field>
          );
        })}
        {missing.length > 0 && !empty && <p className="loop-muted">{`Fill ${missing.map((name) => `"${name}"`).join(", ")}: required.`}</p>}
        <ErrorGroups groups={rejected} />
        <FormError error={add.error} />
        <div className="loop-form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button htmlType="submit" theme="solid" loading={busy} disabled={busy || uploading > 0 || missing.length > 0 || empty}>
            Add
          </Button>
        </div>
      </form>
    </Modal>
  );
}
