/**
 * The columns of a file chosen for import, read in the browser from its first bytes (never the whole file), and
 * their mapping to an evaluation set's columns (upstream's field_mappings [{source, target}]).
 */

/** Upstream's FileFormat. */
export const FILE_FORMAT = { jsonl: 1, parquet: 2, csv: 3 } as const;
export type FileFormat = (typeof FILE_FORMAT)[keyof typeof FILE_FORMAT];

export function fileFormatOf(name: string): FileFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv")) return FILE_FORMAT.csv;
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return FILE_FORMAT.jsonl;
  if (lower.endsWith(".parquet")) return FILE_FORMAT.parquet;
  return null;
}

/** The delimiter of a CSV header line: comma, semicolon or tab, whichever splits it most (outside quotes). */
export function detectDelimiter(line: string): "," | ";" | "\t" {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char in counts) counts[char as keyof typeof counts] += 1;
  }
  if (counts[";"] > counts[","] && counts[";"] >= counts["\t"]) return ";";
  if (counts["\t"] > counts[","] && counts["\t"] > counts[";"]) return "\t";
  return ",";
}

/**
 * The first record of a CSV text (RFC 4180: quoted fields may hold delimiters, doubled quotes and new lines),
 * trimmed, BOM removed. Throws with a sentence a person can act on when the header is unusable.
 */
export function parseCsvHeader(text: string, delimiter?: string): string[] {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  const sep = delimiter ?? detectDelimiter(firstLine);
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  let index = 0;
  for (; index < body.length; index += 1) {
    const char = body[index]!;
    if (quoted) {
      if (char === '"' && body[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (char === sep) {
      fields.push(field.trim());
      field = "";
    } else if (char === "\n" || char === "\r") {
      break;
    } else field += char;
  }
  if (quoted) throw new Error("The CSV header has a quote that is never closed. Fix the first line of the file.");
  fields.push(field.trim());
  if (fields.every((name) => name === "")) throw new Error("The file's first line is empty: a CSV needs a header line with the column names.");
  const seen = new Set<string>();
  for (const name of fields) {
    if (name === "") throw new Error("A column in the CSV header has no name. Name every column in the first line.");
    if (seen.has(name)) throw new Error(`The CSV header names the column "${name}" twice. Give each column its own name.`);
    seen.add(name);
  }
  return fields;
}

/** The keys of the JSON objects on the first lines of a JSONL text, in order of first appearance. */
export function jsonlKeys(text: string, maxLines = 20): string[] {
  const keys: string[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  // The last line of a cut-off chunk may be incomplete: only parse it when it is the whole text.
  const complete = lines.length > 1 ? lines.slice(0, -1) : lines;
  let parsed = 0;
  for (const [index, raw] of complete.entries()) {
    const line = raw.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`Line ${index + 1} of the file is not JSON. Each line of a JSONL file must be one JSON object.`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new Error(`Line ${index + 1} of the file is not a JSON object. Each line must look like {"column": "value"}.`);
    }
    for (const key of Object.keys(value)) if (!keys.includes(key)) keys.push(key);
    parsed += 1;
    if (parsed >= maxLines) break;
  }
  if (keys.length === 0) throw new Error("The file has no JSON object to read columns from.");
  return keys;
}

/** How much of a file is read to find its columns. */
export const SNIFF_BYTES = 64 * 1024;

/** The columns of a CSV or JSONL file, from its first 64 KB; null for Parquet (its columns are mapped by hand). */
export async function sniffColumns(file: Blob, format: FileFormat): Promise<string[] | null> {
  if (format === FILE_FORMAT.parquet) return null;
  const text = await file.slice(0, SNIFF_BYTES).text();
  return format === FILE_FORMAT.csv ? parseCsvHeader(text) : jsonlKeys(file.size <= SNIFF_BYTES ? `${text}\n` : text);
}

export interface ColumnMapping {
  source: string;
  target: string;
}

/**
 * For each set column, the file column of the same name (ignoring case, spaces, '-' and '_'); "" when none.
 * Each file column is used once.
 */
export function autoMapColumns(fileColumns: readonly string[], setColumns: readonly string[]): Record<string, string> {
  const squash = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, "");
  const free = new Map(fileColumns.map((column) => [squash(column), column]));
  const mapping: Record<string, string> = {};
  for (const target of setColumns) {
    const found = free.get(squash(target));
    mapping[target] = found ?? "";
    if (found !== undefined) free.delete(squash(target));
  }
  return mapping;
}

/** The request's field_mappings (only mapped columns), and the problems that block the import, in words. */
export function importMappings(
  mapping: Readonly<Record<string, string>>,
  required: readonly string[],
): { fieldMappings: ColumnMapping[]; problems: string[] } {
  const fieldMappings = Object.entries(mapping)
    .filter(([, source]) => source !== "")
    .map(([target, source]) => ({ source, target }));
  const problems: string[] = [];
  if (fieldMappings.length === 0) problems.push("Map at least one file column to a column of the set.");
  const missing = required.filter((column) => !mapping[column]);
  if (missing.length > 0) problems.push(`Required column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c}"`).join(", ")} must be mapped.`);
  const sources = fieldMappings.map((entry) => entry.source);
  const twice = sources.filter((source, index) => sources.indexOf(source) !== index);
  if (twice.length > 0) problems.push(`The file column "${twice[0]}" is mapped twice; map each file column once.`);
  return { fieldMappings, problems };
}
