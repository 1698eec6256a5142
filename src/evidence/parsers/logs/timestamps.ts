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
  const ms = Date.UTC(year, month0, day, hour, minute, second, millis);
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms - offsetMinutes * 60_000;
}

/** `+0700`, `-05:00`, `Z`, `UTC` → minutes east of UTC. */
export function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone.toUpperCase() === 'UTC' || zone.toUpperCase() === 'GMT') return 0;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(zone);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
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

// ---- Fast fixed-position readers for the hot path of the stream parser -------------------

const dayCache = new Map<string, number>();
// The day of the previous line: logs are ordered, so most lines hit this without a lookup.
let lastClfDay = '';
let lastClfDayMs = 0;
let lastIsoDay = '';
let lastIsoDayMs = 0;
// And its time of day, for the many lines logged within the same second. Keys stay shorter
// than 13 characters so V8 copies them instead of keeping the whole chunk alive.
let lastClfSecond = '';
let lastClfSecondMs = 0;
let lastIsoSecond = '';
let lastIsoSecondMs = 0;

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1000;
}

function two(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

/**
 * `dd/Mon/yyyy:HH:MM:SS` starting at `i`, optionally followed by `.mmm` and/or ` +zzzz`.
 * The day part is cached, so a sorted log costs a few character reads per line.
 */
export function fastClfMs(s: string, i: number): number | null {
  if (s.charCodeAt(i + 2) !== 47 || s.charCodeAt(i + 6) !== 47 || s.charCodeAt(i + 11) !== 58) return null;
  let ms: number;
  if (lastClfSecond !== '' && s.startsWith(lastClfSecond, i + 12) && s.startsWith(lastClfDay, i)) {
    ms = lastClfSecondMs;
  } else {
    const second = clfSecondMs(s, i);
    if (second === null) {
      lastClfSecond = '';
      return null;
    }
    lastClfSecond = s.slice(i + 12, i + 20);
    lastClfSecondMs = second;
    ms = second;
  }
  let j = i + 20;
  if (s.charCodeAt(j) === 46) {
    const frac = two(s, j + 1) * 10 + digit(s, j + 3);
    if (frac >= 0) ms += frac;
    j += 4;
  }
  if (s.charCodeAt(j) === 32) {
    const sign = s.charCodeAt(j + 1);
    if (sign === 43 || sign === 45) {
      const hh = two(s, j + 2);
      const mm = two(s, j + 4);
      if (hh >= 0 && mm >= 0) {
        const off = (hh * 60 + mm) * 60_000;
        ms += sign === 43 ? -off : off;
      }
    }
  }
  return ms;
}

/** Epoch ms of `dd/Mon/yyyy:HH:MM:SS` at `i`, zone not applied. */
function clfSecondMs(s: string, i: number): number | null {
  let dayMs: number;
  if (lastClfDay !== '' && s.startsWith(lastClfDay, i)) {
    dayMs = lastClfDayMs;
  } else {
    const dayKey = s.slice(i, i + 11);
    let cached = dayCache.get(dayKey);
    if (cached === undefined) {
      const month = monthIndex(s.slice(i + 3, i + 6));
      const year = two(s, i + 7) * 100 + two(s, i + 9);
      const ms = month === null ? null : utcMs(year, month, two(s, i), 0, 0, 0);
      if (ms === null) return null;
      if (dayCache.size > 4096) dayCache.clear();
      dayCache.set(dayKey, ms);
      cached = ms;
    }
    lastClfDay = dayKey;
    lastClfDayMs = cached;
    dayMs = cached;
  }
  const h = two(s, i + 12);
  const m = two(s, i + 15);
  const sec = two(s, i + 18);
  if (h < 0 || m < 0 || sec < 0 || h > 23 || m > 59 || sec > 60) return null;
  return dayMs + ((h * 60 + m) * 60 + sec) * 1000;
}

/** `yyyy-mm-ddTHH:MM:SS[.fff]Z` starting at `i` (Envoy's %START_TIME%, ALB). */
export function fastIsoMs(s: string, i: number): number | null {
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45 || s.charCodeAt(i + 13) !== 58) return null;
  let ms: number;
  if (lastIsoSecond !== '' && s.startsWith(lastIsoSecond, i + 11) && s.startsWith(lastIsoDay, i)) {
    ms = lastIsoSecondMs;
  } else {
    const second = isoSecondMs(s, i);
    if (second === null) {
      lastIsoSecond = '';
      return null;
    }
    lastIsoSecond = s.slice(i + 11, i + 19);
    lastIsoSecondMs = second;
    ms = second;
  }
  let j = i + 19;
  if (s.charCodeAt(j) === 46) {
    const frac = two(s, j + 1) * 10 + digit(s, j + 3);
    if (frac >= 0) ms += frac;
    j += 1;
    while (digit(s, j) >= 0) j++;
  }
  const z = s.charCodeAt(j);
  if (z === 43 || z === 45) {
    const hh = two(s, j + 1);
    const mm = s.charCodeAt(j + 3) === 58 ? two(s, j + 4) : two(s, j + 3);
    if (hh >= 0 && mm >= 0) {
      const off = (hh * 60 + mm) * 60_000;
      ms += z === 43 ? -off : off;
    }
  }
  return ms;
}

/** Epoch ms of `yyyy-mm-ddTHH:MM:SS` at `i`, zone not applied. */
function isoSecondMs(s: string, i: number): number | null {
  let dayMs: number;
  if (lastIsoDay !== '' && s.startsWith(lastIsoDay, i)) {
    dayMs = lastIsoDayMs;
  } else {
    const dayKey = s.slice(i, i + 10);
    let cached = dayCache.get(dayKey);
    if (cached === undefined) {
      const ms = utcMs(two(s, i) * 100 + two(s, i + 2), two(s, i + 5) - 1, two(s, i + 8), 0, 0, 0);
      if (ms === null) return null;
      if (dayCache.size > 4096) dayCache.clear();
      dayCache.set(dayKey, ms);
      cached = ms;
    }
    lastIsoDay = dayKey;
    lastIsoDayMs = cached;
    dayMs = cached;
  }
  const h = two(s, i + 11);
  const m = two(s, i + 14);
  const sec = two(s, i + 17);
  if (h < 0 || m < 0 || sec < 0 || h > 23 || m > 59 || sec > 60) return null;
  return dayMs + ((h * 60 + m) * 60 + sec) * 1000;
}
