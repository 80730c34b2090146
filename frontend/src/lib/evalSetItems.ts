/**
 * Evaluation-set items as the console edits them: one turn of cells, one per column. A cell is text, or for an
 * Image column an image URL. Building and changing the items sent to the server lives here, pure and tested.
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

/** How a column's typed value becomes content: an Image column takes an image URL. */
export function cellContent(column: ColumnLike, value: string): ContentInput {
  return column.content_type === "Image" ? imageContent(value.trim()) : textContent(value);
}

/** The cell of a column in an item's first turn (matched by key, else by name). */
export function cellOf(item: ItemLike, column: ColumnLike): CellLike | undefined {
  const cells = item.turns?.[0]?.field_data_list ?? [];
  return cells.find((cell) => (column.key && cell.key === column.key) || (!!column.name && cell.name === column.name));
}

/** What the cell holds as editable text: the text, or an image's URL. */
export function cellValue(item: ItemLike, column: ColumnLike): string {
  const content = cellOf(item, column)?.content;
  if (content?.content_type === "Image") return content.image?.url ?? "";
  return contentText(content);
}

/** A new item from typed values (by column name); empty values are left out, so the server says what is required. */
export function newItem(columns: readonly ColumnLike[], values: Readonly<Record<string, string>>): { turns: { field_data_list: CellInput[] }[] } {
  const cells: CellInput[] = [];
  for (const column of columns) {
    const name = column.name ?? "";
    const value = values[name] ?? "";
    if (value === "") continue;
    cells.push({ ...(column.key ? { key: column.key } : {}), name, content: cellContent(column, value) });
  }
  return { turns: [{ field_data_list: cells }] };
}

/** The required columns still empty, by name. */
export function missingRequired(columns: readonly ColumnLike[], values: Readonly<Record<string, string>>): string[] {
  return columns.filter((column) => column.isRequired && !(values[column.name ?? ""] ?? "").trim()).map((column) => column.name ?? "");
}

/**
 * The item's turns with one cell set to `value`, every other cell kept as it is (the update replaces the turns).
 * A cell the item did not have yet is added.
 */
export function withCell(item: ItemLike, column: ColumnLike, value: string): { id?: string; field_data_list: CellInput[] }[] {
  const turns = item.turns && item.turns.length > 0 ? item.turns : [{ field_data_list: [] }];
  return turns.map((turn, index) => {
    const cells: CellInput[] = (turn.field_data_list ?? []).map((cell) => ({
      ...(cell.key ? { key: cell.key } : {}),
      name: cell.name ?? "",
      content: cell.content ?? textContent(""),
    }));
    if (index === 0) {
      const at = cells.findIndex((cell) => (column.key && cell.key === column.key) || cell.name === column.name);
      const next: CellInput = { ...(column.key ? { key: column.key } : {}), name: column.name ?? "", content: cellContent(column, value) };
      if (at >= 0) cells[at] = next;
      else cells.push(next);
    }
    return { ...(turn.id ? { id: turn.id } : {}), field_data_list: cells };
  });
}
