/**
 * Formatting of instants, durations and sizes for the document. Everything is computed by hand in
 * UTC so the output does not depend on the host's locale, ICU data or time zone.
 */

/** Milliseconds since the epoch, or null for a missing or unparseable instant. */
export function parseInstant(iso: string | null | undefined): number | null {
  if (iso == null || iso === '') return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD` of an instant in UTC. */
export function utcDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `HH:MM:SS` of an instant in UTC. */
export function utcTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `YYYY-MM-DD HH:MM:SS UTC`, or null when the instant is missing or unparseable. */
export function formatUtc(iso: string | null | undefined): string | null {
  const ms = parseInstant(iso);
  return ms === null ? null : `${utcDate(ms)} ${utcTime(ms)} UTC`;
}

/** Whole seconds from `from` to `to`; null when either is missing. May be negative. */
export function secondsBetween(from: string | null | undefined, to: string | null | undefined): number | null {
  const a = parseInstant(from);
  const b = parseInstant(to);
  return a === null || b === null ? null : Math.round((b - a) / 1000);
}

/**
 * A duration for people: `45 s`, `5 min 29 s`, `54 min`, `2 h 14 min`, `3 d 4 h`. Seconds are shown
 * only under ten minutes, where they still matter.
 */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 600) {
    const rest = s % 60;
    return rest === 0 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 60)} min ${rest} s`;
  }
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) {
    const minutes = m % 60;
    return minutes === 0 ? `${Math.floor(m / 60)} h` : `${Math.floor(m / 60)} h ${minutes} min`;
  }
  const h = Math.round(s / 3600);
  const hours = h % 24;
  return hours === 0 ? `${Math.floor(h / 24)} d` : `${Math.floor(h / 24)} d ${hours} h`;
}

/** `2026-03-14 08:58:31 to 09:52:30 UTC` (the date once when both fall on the same UTC day). */
export function formatUtcRange(fromIso: string | null | undefined, toIso: string | null | undefined): string | null {
  const from = parseInstant(fromIso);
  const to = parseInstant(toIso);
  if (from === null || to === null) return null;
  if (utcDate(from) === utcDate(to)) return `${utcDate(from)} ${utcTime(from)} to ${utcTime(to)} UTC`;
  return `${utcDate(from)} ${utcTime(from)} UTC to ${utcDate(to)} ${utcTime(to)} UTC`;
}

/** An integer with thousands separators: `1,234,567`. */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A number with at most `decimals` decimals and no trailing zeros: `12.5`, `3`. */
export function formatDecimal(n: number, decimals = 2): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toFixed(decimals)));
}

/** A byte count for people: `512 B`, `12.4 KiB`, `3.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Adds whole days to a `YYYY-MM-DD` date (UTC calendar). */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return utcDate(ms + days * 86_400_000);
}

/** The date `n` business days (Monday–Friday, UTC) after the instant's date. */
export function addBusinessDays(ms: number, n: number): string {
  let day = Date.parse(`${utcDate(ms)}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    day += 86_400_000;
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return utcDate(day);
}
