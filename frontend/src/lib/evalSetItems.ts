/**
 * Evaluation-set items as the console edits them: turns of cells, one cell per column. A cell is text, or for an
 * Image column an image URL or an uploaded file (its object key). Building and changing the items sent to the
 * server lives here, pure and tested.
 */
import { contentText, imageContent, textContent, type Content, type ContentInput } from "./evalContent";

export interface ColumnLike {
  key?: string | null;
  name?: string | null;
  content_type?: string | null;
  isRequired?: boolean | null;
}

export interface CellLike {
  key?: string | null;
  name?: string | null;
  content?: Content | null;
}

export interface ItemLike {
  item_id?: string | null;
  turns?: { id?: string | null; field_data_list?: CellLike[] | null }[] | null;
}

export interface CellInput {
  key?: string;
  name: string;
  content: ContentInput;
}

/** A file uploaded to the workspace's object store (its key starts with the workspace id). */
export interface UploadedFile {
  name: string;
  uri: string;
}

/** How a column's typed value becomes content: an Image column takes an image URL. */
export function cellContent(column: ColumnLike, value: string): ContentInput {
  return column.content_type === "Image" ? imageContent(value.trim()) : textContent(value);
}

/** An uploaded image: only its key is stored; the server signs a fresh url on every read. */
export function uploadedImageContent(file: UploadedFile): ContentInput {
  return { content_type: "Image", image: { name: file.name, uri: file.uri } };
}

/** How many turns an item has (at least one: a new item has one empty turn). */
export function turnCount(item: ItemLike): number {
  return Math.max(1, item.turns?.length ?? 0);
}

/** The cell of a column in one turn of an item, the first by default (matched by key, else by name). */
export function cellOf(item: ItemLike, column: ColumnLike, turn = 0): CellLike | undefined {
  const cells = item.turns?.[turn]?.field_data_list ?? [];
  return cells.find((cell) => (column.key && cell.key === column.key) || (!!column.name && cell.name === column.name));
}

/** What the cell holds as editable text: the text, or an image's URL. */
export function cellValue(item: ItemLike, column: ColumnLike, turn = 0): string {
  const content = cellOf(item, column, turn)?.content;
  if (content?.content_type === "Image") return content.image?.url ?? "";
  return contentText(content);
}

/**
 * A new item from typed values (by column name), or for an Image column an uploaded file; empty values are left
 * out, so the server says what is required.
 */
export function newItem(
  columns: readonly ColumnLike[],
  values: Readonly<Record<string, string>>,
  uploads: Readonly<Record<string, UploadedFile>> = {},
): { turns: { field_data_list: CellInput[] }[] } {
  const cells: CellInput[] = [];
  for (const column of columns) {
    const name = column.name ?? "";
    const upload = column.content_type === "Image" ? uploads[name] : undefined;
    const value = values[name] ?? "";
    if (!upload && value === "") continue;
    cells.push({ ...(column.key ? { key: column.key } : {}), name, content: upload ? uploadedImageContent(upload) : cellContent(column, value) });
  }
  return { turns: [{ field_data_list: cells }] };
}

/** The required columns still empty, by name. */
export function missingRequired(columns: readonly ColumnLike[], values: Readonly<Record<string, string>>, uploads: Readonly<Record<string, UploadedFile>> = {}): string[] {
  return columns.filter((column) => column.isRequired && !uploads[column.name ?? ""] && !(values[column.name ?? ""] ?? "").trim()).map((column) => column.name ?? "");
}

/**
 * The item's turns with one cell of one turn set to `value`, every other cell kept as it is (the update replaces
 * the turns). A cell the item did not have yet is added.
 */
export function withCell(item: ItemLike, column: ColumnLike, value: string, turn = 0): { id?: string; field_data_list: CellInput[] }[] {
  return withContent(item, column, cellContent(column, value), turn);
}

/** As withCell, with the cell's content given whole (an uploaded image, say). */
export function withContent(item: ItemLike, column: ColumnLike, content: ContentInput, turn = 0): { id?: string; field_data_list: CellInput[] }[] {
  const turns = item.turns && item.turns.length > 0 ? item.turns : [{ field_data_list: [] }];
  return turns.map((current, index) => {
    const cells: CellInput[] = (current.field_data_list ?? []).map((cell) => ({
      ...(cell.key ? { key: cell.key } : {}),
      name: cell.name ?? "",
      content: cell.content ?? textContent(""),
    }));
    if (index === turn) {
      const at = cells.findIndex((cell) => (column.key && cell.key === column.key) || cell.name === column.name);
      const next: CellInput = { ...(column.key ? { key: column.key } : {}), name: column.name ?? "", content };
      if (at >= 0) cells[at] = next;
      else cells.push(next);
    }
    return { ...(current.id ? { id: current.id } : {}), field_data_list: cells };
  });
}
