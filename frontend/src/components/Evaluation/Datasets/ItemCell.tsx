import { IconEdit } from "@douyinfe/semi-icons";
import { Button, TextArea } from "@douyinfe/semi-ui";
import { useState } from "react";
import type { EvalFieldSchema, EvalSetItem } from "../../../api/evaluationSets";
import type { ContentInput } from "../../../lib/evalContent";
import { cellContent, cellOf, cellValue } from "../../../lib/evalSetItems";
import { ContentCell, ContentView } from "../common/ContentView";
import { ImageInput, imageValueContent, imageValueOf } from "./ImageInput";
import "../evaluation.css";

function EditorActions({ busy, disabled = false, onCancel }: { busy: boolean; disabled?: boolean; onCancel: () => void }) {
  return (
    <div className="loop-row loop-row-tight">
      <Button size="small" theme="solid" htmlType="submit" loading={busy} disabled={busy || disabled}>
        Save
      </Button>
      <Button size="small" onClick={onCancel} disabled={busy}>
        Cancel
      </Button>
    </div>
  );
}

function TextCellEditor({ initial, label, busy, onSave, onCancel }: { initial: string; label: string; busy: boolean; onSave: (value: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(initial);
  return (
    <form
      className="loop-form"
      style={{ gap: 4 }}
      onSubmit={(event) => {
        event.preventDefault();
        onSave(value);
      }}
    >
      <TextArea
        aria-label={label}
        value={value}
        onChange={setValue}
        autosize={{ minRows: 1, maxRows: 8 }}
        autoFocus
        onKeyDown={(event) => {
          // Enter saves (Shift+Enter for a new line), Esc cancels: as in a spreadsheet.
          if (event.key === "Enter" && !event.shiftKey) {
            event.preventDefault();
            onSave(value);
          } else if (event.key === "Escape") onCancel();
        }}
      />
      <EditorActions busy={busy} onCancel={onCancel} />
    </form>
  );
}

function ImageCellEditor({ spaceId, item, column, turn, label, busy, onSave, onCancel }: CellEditorProps) {
  const [value, setValue] = useState(() => imageValueOf(cellOf(item, column, turn)?.content));
  const [uploading, setUploading] = useState(false);
  const id = `image-${item.item_id ?? item.id}-${turn}-${column.key ?? column.name}`;
  return (
    <form
      className="loop-form"
      style={{ gap: 4 }}
      onSubmit={(event) => {
        event.preventDefault();
        if (!uploading) onSave(imageValueContent(value));
      }}
    >
      <ImageInput spaceId={spaceId} id={id} label={`New value of ${label}`} subject={label} value={value} onChange={setValue} onUploading={setUploading} />
      <EditorActions busy={busy} disabled={uploading} onCancel={onCancel} />
    </form>
  );
}

interface CellEditorProps {
  spaceId: string;
  item: EvalSetItem;
  column: EvalFieldSchema;
  turn: number;
  label: string;
  busy: boolean;
  onSave: (content: ContentInput) => void;
  onCancel: () => void;
}

/**
 * One cell of one turn of an item: its content (a preview in the table, in `full` elsewhere) with an edit button,
 * or while `editing` its editor: a text box, or for an Image column a URL field with an upload.
 */
export function ItemCell({ editing, editable, full = false, onEdit, ...editor }: CellEditorProps & { editing: boolean; editable: boolean; full?: boolean; onEdit: () => void }) {
  const { item, column, turn, label } = editor;
  if (editing) {
    if (column.content_type === "Image") return <ImageCellEditor {...editor} />;
    return <TextCellEditor initial={cellValue(item, column, turn)} label={`New value of ${label}`} busy={editor.busy} onSave={(value) => editor.onSave(cellContent(column, value))} onCancel={editor.onCancel} />;
  }
  const content = cellOf(item, column, turn)?.content;
  return (
    <div className="loop-row loop-row-tight" style={{ alignItems: "flex-start", flexWrap: "nowrap" }}>
      {full ? <ContentView content={content} label={label} /> : <ContentCell content={content} />}
      {editable && <Button size="small" theme="borderless" icon={<IconEdit aria-hidden />} aria-label={`Edit ${label}`} onClick={onEdit} />}
    </div>
  );
}
