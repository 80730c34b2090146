/** Server times are int64 strings: unix seconds (tokens) or milliseconds (spaces). -1 means never. */
export function parseServerTime(value: string): Date | null {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return null;
  return new Date(n > 1e12 ? n : n * 1000);
}

export function formatServerTime(value: string, never = "Never"): string {
  const date = parseServerTime(value);
  if (!date) return never;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
