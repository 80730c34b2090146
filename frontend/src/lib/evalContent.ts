import type { components } from "../client/schema";

/** A cell of an evaluation set, a variable's value, a target's output: upstream's common Content. */
export type Content = components["schemas"]["Content-Input"] | components["schemas"]["Content-Output"];
export type ContentInput = components["schemas"]["Content-Input"];

/** Upstream's FieldDisplayFormat: 1 PlainText, 2 Markdown, 3 JSON. */
const PLAIN_TEXT = 1;

export function textContent(text: string): ContentInput {
  return { content_type: "Text", format: PLAIN_TEXT, text };
}

export function imageContent(url: string, uri?: string): ContentInput {
  return { content_type: "Image", image: uri ? { url, uri } : { url } };
}

/**
 * What a person reads for a content: its text, an image's name or URL, parts joined by a new line. Omitted
 * content (the server cut a long value) is marked, so no one takes the start for the whole.
 */
export function contentText(content: Content | null | undefined): string {
  if (!content) return "";
  let text: string;
  switch (content.content_type) {
    case "Image":
      text = content.image ? `[image] ${content.image.name || content.image.url || content.image.uri || ""}`.trim() : "[image]";
      break;
    case "Audio":
      text = "[audio]";
      break;
    case "Video":
      text = "[video]";
      break;
    case "MultiPart":
    case "multi_part_variable":
      text = (content.multi_part ?? []).map((part) => contentText(part)).join("\n");
      break;
    default:
      text = content.text ?? "";
  }
  return content.content_omitted ? `${text}…` : text;
}

/** The image link of an image content, only when it is http(s) (never javascript: or data: here). */
export function imageUrl(content: Content | null | undefined): string | null {
  const url = content?.content_type === "Image" ? content.image?.url : undefined;
  return url && /^https?:\/\//i.test(url) ? url : null;
}

/** One line of at most `max` characters, for table cells; the full text goes in a tooltip or a drawer. */
export function previewText(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
