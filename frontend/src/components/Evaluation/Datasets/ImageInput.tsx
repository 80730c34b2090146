import { IconUpload } from "@douyinfe/semi-icons";
import { Button, Input } from "@douyinfe/semi-ui";
import { useEffect, useRef, useState, type ChangeEvent } from "react";
import { errorMessage } from "../../../api/errors";
import { uploadFile } from "../../../api/evaluationSets";
import { imageContent, imageUrl, type Content, type ContentInput } from "../../../lib/evalContent";
import { uploadedImageContent } from "../../../lib/evalSetItems";
import "../evaluation.css";

/** An Image cell being edited: a link typed in, or a file uploaded to the workspace (shown from `preview`). */
export type ImageValue = { kind: "url"; url: string } | { kind: "upload"; name: string; uri: string; preview: string | null };

export const NO_IMAGE: ImageValue = { kind: "url", url: "" };

/** The editable value of a cell's content; an uploaded image stays its object key (its url is only signed). */
export function imageValueOf(content: Content | null | undefined): ImageValue {
  const image = content?.content_type === "Image" ? content.image : undefined;
  if (image?.uri) return { kind: "upload", name: image.name || image.uri.split("/").pop() || "image", uri: image.uri, preview: imageUrl(content) };
  return { kind: "url", url: image?.url ?? "" };
}

export function imageValueContent(value: ImageValue): ContentInput {
  return value.kind === "upload" ? uploadedImageContent(value) : imageContent(value.url.trim());
}

export function imageValueEmpty(value: ImageValue): boolean {
  return value.kind === "url" && value.url.trim() === "";
}

/** A local preview of a picked file (jsdom has no object URLs). */
function localPreview(file: File): string | null {
  return typeof URL.createObjectURL === "function" ? URL.createObjectURL(file) : null;
}

/**
 * An image URL field with "Upload image" beside it. An upload goes straight to the object store (as an import's
 * file does) and the cell keeps its key; typing a URL replaces the upload.
 */
export function ImageInput({
  spaceId,
  id,
  label,
  subject,
  value,
  onChange,
  onUploading,
}: {
  spaceId: string;
  id: string;
  /** The URL field's name. */
  label: string;
  /** What the image is for, in the upload's name ("Upload an image for …"). */
  subject: string;
  value: ImageValue;
  onChange: (value: ImageValue) => void;
  onUploading?: (uploading: boolean) => void;
}) {
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const previews = useRef<string[]>([]);
  useEffect(() => () => previews.current.forEach((url) => URL.revokeObjectURL(url)), []);

  const onPick = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = ""; // so that the same file can be picked again after an error
    if (!file) return;
    setError(null);
    if (!file.type.startsWith("image/")) {
      setError(`"${file.name}" is not an image. Pick a PNG, JPEG, GIF or WebP file.`);
      return;
    }
    setUploading(true);
    onUploading?.(true);
    try {
      const uri = await uploadFile(spaceId, file, "Pick a smaller image.");
      const preview = localPreview(file);
      if (preview) previews.current.push(preview);
      onChange({ kind: "upload", name: file.name, uri, preview });
    } catch (failure) {
      setError(`Could not upload "${file.name}": ${errorMessage(failure)}`);
    } finally {
      setUploading(false);
      onUploading?.(false);
    }
  };

  return (
    <div className="loop-eval-image-input">
      <div className="loop-row loop-row-tight">
        <Input
          id={id}
          aria-label={label}
          value={value.kind === "url" ? value.url : ""}
          placeholder={value.kind === "upload" ? "Or a URL instead of the upload" : "https://…"}
          onChange={(url) => onChange({ kind: "url", url })}
          style={{ flex: 1, minWidth: 200 }}
        />
        <input ref={picker} type="file" accept="image/*" className="loop-visually-hidden" aria-label={`Upload an image for ${subject}`} tabIndex={-1} onChange={(event) => void onPick(event)} disabled={uploading} />
        <Button icon={<IconUpload aria-hidden />} onClick={() => picker.current?.click()} loading={uploading} disabled={uploading}>
          Upload image
        </Button>
      </div>
      {uploading && <span className="loop-muted">Uploading…</span>}
      {value.kind === "upload" && (
        <div className="loop-row loop-row-tight" data-testid="uploaded-image">
          {value.preview && <img className="loop-eval-image" src={value.preview} alt={`Preview of ${value.name}`} />}
          <span>{`Uploaded ${value.name}`}</span>
          <Button size="small" theme="borderless" onClick={() => onChange(NO_IMAGE)} aria-label={`Remove the uploaded ${value.name}`}>
            Remove
          </Button>
        </div>
      )}
      {error && (
        <div className="loop-form-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
