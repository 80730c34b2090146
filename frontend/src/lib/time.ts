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

const SHORT: Intl.DateTimeFormatOptions = { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" };
const FULL: Intl.DateTimeFormatOptions = { ...SHORT, year: "numeric", fractionalSecondDigits: 3, timeZoneName: "short" };

/**
 * A span or annotation time (epoch ms, a number or the API's int64 string) in the browser's time zone, which the
 * time range picker and the metrics charts use too. "short" for tables (to the second), "full" for details and
 * tooltips (year, milliseconds and the zone's name). "–" when the time is missing (0, -1, not a number).
 */
export function formatTimestamp(ms: number | string, style: "short" | "full" = "short"): string {
  const n = Number(ms);
  if (!Number.isFinite(n) || n <= 0) return "–";
  return new Date(n).toLocaleString(undefined, style === "full" ? FULL : SHORT);
}

