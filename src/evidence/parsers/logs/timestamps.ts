/**
 * Timestamps as the gateways print them, to epoch milliseconds (UTC). Formats without a zone
 * (nginx error log, Apache, HAProxy's accept date) are local time on the host; they are read as
 * UTC because nothing in the line says otherwise.
 */

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

export function monthIndex(name: string): number | null {
  const m = MONTHS[name.slice(0, 3).toLowerCase()];
  return m === undefined ? null : m;
}

/** Epoch ms from calendar parts, or null when the parts are not a real date. */
export function utcMs(
  year: number,
  month0: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis = 0,
  offsetMinutes = 0,
): number | null {
  if (year < 1970 || year > 2200 || month0 < 0 || month0 > 11 || day < 1 || day > 31) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  if (isPlainTime(year, month0, day, hour, minute, second, millis)) {
    // The common case in plain arithmetic: Date objects cost a microsecond a line on slow machines.
    if (day > daysInMonth(year, month0)) return null;
    // A leap second at 23:59:60 would roll into the next day, as Date.UTC does.
    if (second === 60 && minute === 59 && hour === 23) return null;
    return daysSinceEpoch(year, month0, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offsetMinutes * 60_000;
  }
  const ms = Date.UTC(year, month0, day, hour, minute, second, millis);
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms - offsetMinutes * 60_000;
}

function isPlainTime(year: number, month0: number, day: number, hour: number, minute: number, second: number, millis: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month0) &&
    Number.isInteger(day) &&
    Number.isInteger(hour) &&
    hour >= 0 &&
    Number.isInteger(minute) &&
    minute >= 0 &&
    Number.isInteger(second) &&
    second >= 0 &&
    Number.isInteger(millis) &&
    millis >= 0 &&
    millis <= 999
  );
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month0: number): number {
  if (month0 !== 1) return DAYS_IN_MONTH[month0]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (the civil-from-days inverse, by eras of 400 years). */
function daysSinceEpoch(year: number, month0: number, day: number): number {
  const y = month0 < 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month0 + 10) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** `+0700`, `-05:00`, `Z`, `UTC` → minutes east of UTC. */
export function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  // `±hhmm` or `±hh:mm`; anything else (Z, UTC, GMT, garbage) is UTC.
  const sign = zone.charCodeAt(0);
  if (sign !== 43 && sign !== 45) return 0;
  const colon = zone.length === 6 && zone.charCodeAt(3) === 58;
  if (zone.length !== 5 && !colon) return 0;
  const hours = twoDigits(zone, 1);
  const minutes = twoDigits(zone, colon ? 4 : 3);
  if (hours < 0 || minutes < 0) return 0;
  const offset = hours * 60 + minutes;
  return sign === 45 && offset !== 0 ? -offset : offset;
}

function twoDigits(s: string, i: number): number {
  const hi = s.charCodeAt(i) - 48;
  const lo = s.charCodeAt(i + 1) - 48;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : -1;
}

function fractionMs(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Number((fraction + '00').slice(0, 3));
}

export function toIso(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  return new Date(ms).toISOString();
}

const ISO_RE = /(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(?:\s?(Z|[+-]\d\d:?\d\d|UTC|GMT)\b)?/;
const NGINX_RE = /(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)/;
const CLF_RE = /(\d\d?)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?: ?([+-]\d{4}))?/;
const CTIME_RE = /(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) +(\d\d?) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})/;

/** Parse an ISO-8601 / RFC 3339 string (fractions beyond milliseconds are cut). */
export function parseIso(text: string): number | null {
  const m = ISO_RE.exec(text);
  if (!m) return null;
  return utcMs(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    fractionMs(m[7]),
    zoneOffsetMinutes(m[8]),
  );
}

/** Parse `dd/Mon/yyyy:HH:MM:SS[.mmm] [+zzzz]` (access logs, HAProxy, Caddy v1, nghttpx). */
export function parseClf(text: string): number | null {
  const m = CLF_RE.exec(text);
  if (!m) return null;
  return clfMatchToMs(m);
}

function clfMatchToMs(m: RegExpExecArray): number | null {
  const month = monthIndex(m[2]!);
  if (month === null) return null;
  return utcMs(
    Number(m[3]),
    month,
    Number(m[1]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    fractionMs(m[7]),
    zoneOffsetMinutes(m[8]),
  );
}

/** Seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by size. */
export function epochToMs(value: number): number | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  let ms: number;
  if (value >= 1e17) ms = value / 1e6;
  else if (value >= 1e14) ms = value / 1e3;
  else if (value >= 1e11) ms = value;
  else ms = value * 1000;
  return ms >= Date.UTC(1990, 0, 1) && ms <= Date.UTC(2200, 0, 1) ? Math.round(ms) : null;
}

/**
 * The first timestamp in a line, whichever known layout it uses. The leftmost match wins, so a
 * container runtime's prefix takes precedence over the timestamp of the message it wraps.
 */
export function findTimestampMs(text: string): number | null {
  let best: { index: number; ms: number | null } | null = null;
  const consider = (index: number, ms: number | null): void => {
    if (ms === null) return;
    if (best === null || index < best.index) best = { index, ms };
  };
  const iso = ISO_RE.exec(text);
  if (iso) {
    consider(
      iso.index,
      utcMs(
        Number(iso[1]),
        Number(iso[2]) - 1,
        Number(iso[3]),
        Number(iso[4]),
        Number(iso[5]),
        Number(iso[6]),
        fractionMs(iso[7]),
        zoneOffsetMinutes(iso[8]),
      ),
    );
  }
  const ng = NGINX_RE.exec(text);
  if (ng) {
    consider(ng.index, utcMs(Number(ng[1]), Number(ng[2]) - 1, Number(ng[3]), Number(ng[4]), Number(ng[5]), Number(ng[6])));
  }
  const clf = CLF_RE.exec(text);
  if (clf) consider(clf.index, clfMatchToMs(clf));
  const ct = CTIME_RE.exec(text);
  if (ct) {
    const month = monthIndex(ct[1]!);
    if (month !== null) {
      consider(
        ct.index,
        utcMs(Number(ct[7]), month, Number(ct[2]), Number(ct[3]), Number(ct[4]), Number(ct[5]), fractionMs(ct[6])),
      );
    }
  }
  const found = best as { index: number; ms: number | null } | null;
  return found === null ? null : found.ms;
}
