import { Tooltip } from "@douyinfe/semi-ui";
import { contentText, imageUrl, previewText, type Content } from "../../../lib/evalContent";
import "../evaluation.css";

/** A content in full: its text kept as written (new lines and all), or an image. */
export function ContentView({ content, label }: { content: Content | null | undefined; label?: string }) {
  const url = imageUrl(content);
  if (url) return <img className="loop-eval-image" src={url} alt={label ?? content?.image?.name ?? "image"} />;
  const text = contentText(content);
  if (!text) return <span className="loop-muted">–</span>;
  return (
    <pre className="loop-eval-pre" aria-label={label}>
      {text}
    </pre>
  );
}

/** A content in a table cell: up to three lines, the rest in a tooltip. */
export function ContentCell({ content }: { content: Content | null | undefined }) {
  const url = imageUrl(content);
  if (url) return <img className="loop-eval-image" src={url} alt={content?.image?.name ?? "image"} style={{ maxHeight: 48 }} />;
  const text = contentText(content);
  if (!text) return <span className="loop-muted">–</span>;
  const cell = <span className="loop-eval-cell">{text}</span>;
  return text.length > 120 ? <Tooltip content={<span style={{ whiteSpace: "pre-wrap" }}>{previewText(text, 1000)}</span>}>{cell}</Tooltip> : cell;
}
