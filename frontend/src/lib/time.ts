/**
 * Server times are int64 strings in a unit fixed per field: unix milliseconds for spaces (create_at, update_at) and
 * members (joined_at), unix seconds for tokens (created_at, updated_at, last_used_at, expire_at). -1 (or 0) means never.
 */
export type TimeUnit = "s" | "ms";

export function parseServerTime(value: string, unit: TimeUnit): Date | null {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return null;
  return new Date(unit === "s" ? n * 1000 : n);
}

export function formatServerTime(value: string, unit: TimeUnit, never = "Never"): string {
  const date = parseServerTime(value, unit);
  if (!date) return never;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
