import type { LogFormat } from './types.js';
import { utcMs } from './timestamps.js';

/**
 * The stream parser's shortcut for the bulk of a big log: successful access-log lines (combined,
 * ingress-nginx, Traefik, Envoy, HAProxy) read straight from the UTF-8 bytes with fixed-position
 * checks, so they are never decoded into strings nor run through the analysers. Every position is
 * found relative to a delimiter, so multi-byte characters elsewhere in a line change nothing.
 *
 * `readFastLine` answers true only for a line the full analysis would read as a format, a status
 * and a time and nothing else (no cause). Otherwise it still leaves its guess at the format in
 * `FastLine.format`, as a hint for the full analysis.
 */
export class FastLine {
  format: LogFormat | null = null;
  status = 0;
  ms: number | null = null;
  // Delimiters are found with the native byte search, remembered per buffer (see NextByte).
  readonly rightBracket = new NextByte(93);
  readonly leftBracket = new NextByte(91);
  readonly quote = new NextByte(34);
}

/**
 * The next position of one byte value in a buffer, by Buffer#indexOf (memchr), which is faster
 * than a loop in JavaScript but does not stop at the end of a line. The last answer is kept, so
 * lines without the byte reuse it instead of each searching the rest of the buffer: a buffer is
 * searched through at most once per byte value, whatever its lines hold.
 */
export class NextByte {
  private buffer: Buffer | null = null;
  private from = 0;
  private at = -1;

  constructor(private readonly value: number) {}

  find(b: Buffer, from: number): number {
    if (b === this.buffer && from >= this.from && (this.at === -1 || from <= this.at)) return this.at;
    const at = b.indexOf(this.value, from);
    this.buffer = b;
    this.from = from;
    this.at = at;
    return at;
  }
}

const B_SPACE = 32;
const B_QUOTE = 34;
const B_DASH = 45;
const B_DOT = 46;
const B_SLASH = 47;
const B_COLON = 58;
const B_LBRACKET = 91;
const B_RBRACKET = 93;
const B_T = 84;
const B_BACKSLASH = 92;

/** `line` is `b[s, e)`, without its line end. */
export function readFastLine(b: Buffer, s: number, e: number, out: FastLine): boolean {
  out.format = null;
  out.ms = null;
  out.status = 0;
  if (e <= s) return false;
  // Syslog-prefixed lines (`Feb 25 16:19:49 host haproxy[7]: …`) start with a month name.
  const c0 = b[s]!;
  const upper = c0 >= 65 && c0 <= 90;
  if (upper) {
    const done = readHaproxy(b, s, e, out);
    if (out.format !== null) return done;
  }
  const close = envoyStartEnd(b, s, e) ?? closeOfBracketQuote(b, s, e, out.rightBracket);
  if (close > s) {
    let format: LogFormat | null = null;
    let ms: number | null = null;
    if (c0 === B_LBRACKET && e - s > 11 && b[s + 5] === B_DASH && b[s + 11] === B_T) {
      format = 'envoy-access';
      ms = isoMs(b, s + 1);
    } else if (close - s >= 27 && b[close - 27] === B_LBRACKET && b[close - 6] === B_SPACE) {
      format = 'combined-access';
      ms = clfMs(b, close - 26);
    }
    if (format === null || ms === null) return false;
    const reqEnd = quoteThenSpace(b, close + 3, e, out.quote);
    // An escaped quote in the request is left to the access-log family's own reading.
    if (reqEnd < 0 || b[reqEnd - 1] === B_BACKSLASH) return false;
    const status = readStatus(b, reqEnd + 2, e);
    if (status < 0) return false;
    if (format === 'combined-access') {
      // As the access-log family reads them: a numeric zone, a real status, then the byte count.
      const sign = b[close - 5];
      if ((sign !== 43 && sign !== 45) || two(b, close - 4) < 0 || two(b, close - 2) < 0) return false;
      const next = b[reqEnd + 6];
      if (status === 0 || reqEnd + 6 >= e || (next !== B_DASH && (next! < 48 || next! > 57))) return false;
    }
    out.ms = ms;
    out.status = status;
    const afterStatus = reqEnd + 2 + (status === 0 ? 1 : 3);
    if (format === 'envoy-access') {
      out.format = format;
      // `- ` after the status: no response flags; then either Istio's `via_upstream` details or
      // straight away the byte counters and duration. Any other details may name a cause.
      if (status >= 500 || afterStatus + 2 >= e || b[afterStatus + 1] !== B_DASH || b[afterStatus + 2] !== B_SPACE) return false;
      if (!envoyRequest(b, close + 3, reqEnd)) return false;
      const p = afterStatus + 3;
      return startsWith(b, p, e, VIA_UPSTREAM) || threeNumbers(b, p, e);
    }
    const lastQuote = lastIndexOf(b, s, e, B_QUOTE);
    if (lastQuote > afterStatus && indexOf1(b, lastQuote, e, B_LBRACKET) !== -1) {
      out.format = 'ingress-nginx-access';
      return status < 500 && ((status !== 404 && status !== 503) || !contains(b, lastQuote, e, DEFAULT_BACKEND));
    }
    if (lastQuote > afterStatus && e - s >= 2 && b[e - 2] === 109 /* m */ && b[e - 1] === 115 /* s */) {
      out.format = 'traefik-access';
      return status < 500;
    }
    out.format = 'combined-access';
    return status < 500;
  }
  return upper ? false : readHaproxy(b, s, e, out);
}

const DEFAULT_BACKEND = Buffer.from('default-backend', 'latin1');
const VIA_UPSTREAM = Buffer.from('via_upstream ', 'latin1');
const HTTP_SLASH = Buffer.from(' HTTP/', 'latin1');
const NO_REQUEST = Buffer.from('- - -', 'latin1');

/**
 * The request of an Envoy line as the Envoy family accepts it: `METHOD path HTTP/x.y`, a request
 * ending in ` -` (no protocol) or `- - -` (no request at all). `b[s, e)` is between the quotes.
 */
function envoyRequest(b: Uint8Array, s: number, e: number): boolean {
  if (e - s === NO_REQUEST.length && startsWith(b, s, e, NO_REQUEST)) return true;
  let i = s;
  while (i < e && b[i]! >= 65 && b[i]! <= 90) i++;
  if (i === s || b[i] !== B_SPACE) return false;
  if (b[e - 1] === B_DASH && b[e - 2] === B_SPACE && e - 2 > i) return true;
  let v = e;
  while (v > i && ((b[v - 1]! >= 48 && b[v - 1]! <= 57) || b[v - 1] === B_DOT)) v--;
  return v < e && v - HTTP_SLASH.length > i && startsWith(b, v - HTTP_SLASH.length, v, HTTP_SLASH);
}

/** `\d+ \d+ \d+ ` at `p`: Envoy's bytes received, bytes sent and duration. */
function threeNumbers(b: Uint8Array, p: number, e: number): boolean {
  let i = p;
  for (let k = 0; k < 3; k++) {
    const start = i;
    while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
    if (i === start || i >= e || b[i] !== B_SPACE) return false;
    i++;
  }
  return true;
}

function startsWith(b: Uint8Array, p: number, e: number, prefix: Uint8Array): boolean {
  if (p + prefix.length > e) return false;
  for (let k = 0; k < prefix.length; k++) if (b[p + k] !== prefix[k]) return false;
  return true;
}

/**
 * Envoy's default `[2024-05-06T07:08:09.123Z] "` prefix, found without a scan. The `] "` at its end
 * is the first of the line, or the one before it lies inside the date and time, where the
 * timestamp reader rejects it whichever of the two is taken as the end. Null when the line does not
 * start so.
 */
function envoyStartEnd(b: Uint8Array, s: number, e: number): number | null {
  const close = s + 25;
  if (close + 2 >= e || b[s] !== B_LBRACKET || b[close] !== B_RBRACKET || b[close + 1] !== B_SPACE || b[close + 2] !== B_QUOTE) return null;
  if (b[s + 20] !== B_DOT || b[s + 24] !== 90 /* Z */ || digit(b, s + 21) < 0 || two(b, s + 22) < 0) return null;
  return close;
}

/** `… [25/Feb/2019:16:19:48.143] fe be/srv Tq/Tw/Tc/Tr/Ta status bytes - - ---- …` */
function readHaproxy(b: Buffer, s: number, e: number, out: FastLine): boolean {
  let j = spaceThenBracket(b, s, e, out.leftBracket);
  for (let tries = 0; j !== -1 && tries < 3; tries++) {
    if (
      j + 26 < e &&
      b[j + 4] === B_SLASH &&
      b[j + 8] === B_SLASH &&
      b[j + 13] === B_COLON &&
      b[j + 22] === B_DOT &&
      b[j + 26] === B_RBRACKET
    ) {
      break;
    }
    j = spaceThenBracket(b, j + 2, e, out.leftBracket);
  }
  if (j === -1 || j + 27 >= e || b[j + 26] !== B_RBRACKET || b[j + 27] !== B_SPACE) return false;
  const ms = clfMs(b, j + 2);
  if (ms === null) return false;
  // Skip frontend and backend/server.
  let p = indexOf1(b, j + 28, e, B_SPACE);
  if (p < 0) return false;
  p = indexOf1(b, p + 1, e, B_SPACE);
  if (p < 0) return false;
  const timersEnd = indexOf1(b, p + 1, e, B_SPACE);
  if (timersEnd < 0) return false;
  const timers = countTimers(b, p + 1, timersEnd);
  out.format = 'haproxy';
  out.ms = ms;
  if (timers === 5) {
    const status = readStatus(b, timersEnd + 1, e);
    if (status <= 0) return false;
    out.status = status;
    // status, bytes, two captured cookies, then the termination state.
    let q = timersEnd + 1;
    for (let k = 0; k < 4; k++) {
      const space = indexOf1(b, q, e, B_SPACE);
      if (space <= q) return false;
      q = space + 1;
    }
    return status < 500 && q + 3 < e && b[q] === B_DASH && b[q + 1] === B_DASH && isStateChar(b[q + 2]!) && isStateChar(b[q + 3]!) && (q + 4 === e || b[q + 4] === B_SPACE);
  }
  if (timers === 3) {
    // TCP mode: bytes, then a two-character termination state.
    const bytesEnd = indexOf1(b, timersEnd + 1, e, B_SPACE);
    if (bytesEnd <= timersEnd + 1) return false;
    return bytesEnd + 3 < e && b[bytesEnd + 1] === B_DASH && b[bytesEnd + 2] === B_DASH && b[bytesEnd + 3] === B_SPACE;
  }
  return false;
}

function isStateChar(c: number): boolean {
  return c === B_DASH || isLetter(c);
}

/**
 * How many `/`-separated timers `b[s, e)` holds, each an optional `+` (the last one), an optional
 * `-` and digits; 0 when it is not such a list.
 */
function countTimers(b: Uint8Array, s: number, e: number): number {
  let count = 0;
  let i = s;
  while (i < e) {
    if (b[i] === 43) i++;
    if (b[i] === B_DASH) i++;
    const digits = i;
    while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
    if (i === digits) return 0;
    count++;
    if (i === e) return count;
    if (b[i] !== B_SLASH) return 0;
    i++;
  }
  return 0;
}

/** A 3-digit status (or Envoy's "0") followed by a space or the end; -1 when there is none. */
function readStatus(b: Uint8Array, i: number, e: number): number {
  if (i >= e) return -1;
  const a = b[i]! - 48;
  if (a === 0 && (i + 1 === e || b[i + 1] === B_SPACE)) return 0;
  if (i + 3 > e) return -1;
  const t = b[i + 1]! - 48;
  const u = b[i + 2]! - 48;
  if (a < 1 || a > 5 || t < 0 || t > 9 || u < 0 || u > 9) return -1;
  if (i + 3 !== e && b[i + 3] !== B_SPACE) return -1;
  return a * 100 + t * 10 + u;
}

function indexOf1(b: Uint8Array, from: number, e: number, c: number): number {
  for (let i = from; i < e; i++) if (b[i] === c) return i;
  return -1;
}

/** First `] "` in `b[from, e)`. */
function closeOfBracketQuote(b: Buffer, from: number, e: number, brackets: NextByte): number {
  for (let i = brackets.find(b, from); i !== -1 && i + 2 < e; i = brackets.find(b, i + 1)) {
    if (b[i + 1] === B_SPACE && b[i + 2] === B_QUOTE) return i;
  }
  return -1;
}

/** First `" ` in `b[from, e)`. */
function quoteThenSpace(b: Buffer, from: number, e: number, quotes: NextByte): number {
  for (let i = quotes.find(b, from); i !== -1 && i + 1 < e; i = quotes.find(b, i + 1)) {
    if (b[i + 1] === B_SPACE) return i;
  }
  return -1;
}

/** First ` [` in `b[from, e)`, as the position of its space. */
function spaceThenBracket(b: Buffer, from: number, e: number, brackets: NextByte): number {
  for (let i = brackets.find(b, from + 1); i !== -1 && i < e; i = brackets.find(b, i + 1)) {
    if (b[i - 1] === B_SPACE) return i - 1;
  }
  return -1;
}

function lastIndexOf(b: Uint8Array, s: number, e: number, c: number): number {
  for (let i = e - 1; i >= s; i--) if (b[i] === c) return i;
  return -1;
}

function contains(b: Uint8Array, from: number, e: number, needle: Uint8Array): boolean {
  const last = e - needle.length;
  outer: for (let i = from; i <= last; i++) {
    for (let k = 0; k < needle.length; k++) if (b[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

// ---- timestamps ------------------------------------------------------------------------

/** Digit value at `i`, or a large negative number so any sum that includes it is negative. */
function digit(b: Uint8Array, i: number): number {
  const c = b[i]! - 48;
  return c >= 0 && c <= 9 ? c : -1000;
}

/** Two digits at `i` as a number, or a large negative one. Self-contained: small enough to inline. */
function two(b: Uint8Array, i: number): number {
  const hi = b[i]! - 48;
  const lo = b[i + 1]! - 48;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : -1000;
}

// The day and month name of the previous line: logs are ordered, so most lines skip the calendar
// arithmetic and the month lookup. Objects rather than module-level lets: cheaper to read.
const lastDay = { year: -1, month0: -1, day: -1, ms: 0 };
const lastMonth = { code: -1, month0: 0 };

function dayMs(year: number, month0: number, day: number): number | null {
  const last = lastDay;
  if (year === last.year && month0 === last.month0 && day === last.day) return last.ms;
  const ms = utcMs(year, month0, day, 0, 0, 0);
  if (ms === null) return null;
  last.year = year;
  last.month0 = month0;
  last.day = day;
  last.ms = ms;
  return ms;
}

/** Month names keyed by their three lower-cased bytes. */
const MONTH_CODES = new Map<number, number>(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [
    (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2),
    i,
  ]),
);

/** `Jan` … `Dec`, capitalised as the access-log and HAProxy families require. */
function monthAt(b: Uint8Array, i: number): number | null {
  const c1 = b[i]!;
  const c2 = b[i + 1]!;
  const c3 = b[i + 2]!;
  const code = (c1 << 16) | (c2 << 8) | c3;
  if (code === lastMonth.code) return lastMonth.month0;
  if (c1 < 65 || c1 > 90 || c2 < 97 || c2 > 122 || c3 < 97 || c3 > 122) return null;
  const month0 = MONTH_CODES.get(code | (32 << 16));
  if (month0 === undefined) return null;
  lastMonth.code = code;
  lastMonth.month0 = month0;
  return month0;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function timeOfDayMs(b: Uint8Array, i: number): number | null {
  const h = two(b, i);
  const m = two(b, i + 3);
  const sec = two(b, i + 6);
  if (h < 0 || m < 0 || sec < 0 || h > 23 || m > 59 || sec > 60) return null;
  return ((h * 60 + m) * 60 + sec) * 1000;
}

/** `dd/Mon/yyyy:HH:MM:SS` at `i`, optionally followed by `.mmm` and/or ` +zzzz`. */
export function clfMs(b: Uint8Array, i: number): number | null {
  if (b[i + 2] !== B_SLASH || b[i + 6] !== B_SLASH || b[i + 11] !== B_COLON) return null;
  const month = monthAt(b, i + 3);
  if (month === null) return null;
  const year = two(b, i + 7) * 100 + two(b, i + 9);
  const day = dayMs(year, month, two(b, i));
  if (day === null) return null;
  const time = timeOfDayMs(b, i + 12);
  if (time === null) return null;
  let j = i + 20;
  const millis = b[j] === B_DOT ? millisAt(b, j + 1) : 0;
  if (b[j] === B_DOT) j += 4;
  const zone = b[j] === B_SPACE ? zoneAt(b, j + 1, two(b, j + 4)) : 0;
  return day + time + millis + zone;
}

/** `yyyy-mm-ddTHH:MM:SS[.fff][Z|±hh:mm]` at `i` (Envoy's %START_TIME%). */
export function isoMs(b: Uint8Array, i: number): number | null {
  if (b[i + 4] !== B_DASH || b[i + 7] !== B_DASH || b[i + 13] !== B_COLON) return null;
  const year = two(b, i) * 100 + two(b, i + 2);
  const day = dayMs(year, two(b, i + 5) - 1, two(b, i + 8));
  if (day === null) return null;
  const time = timeOfDayMs(b, i + 11);
  if (time === null) return null;
  let j = i + 19;
  let millis = 0;
  if (b[j] === B_DOT) {
    millis = millisAt(b, j + 1);
    j += 1;
    while (digit(b, j) >= 0) j++;
  }
  const zone = zoneAt(b, j, b[j + 3] === B_COLON ? two(b, j + 4) : two(b, j + 3));
  return day + time + millis + zone;
}

/** The first three digits of a fraction of a second at `i`, as milliseconds (0 when not digits). */
function millisAt(b: Uint8Array, i: number): number {
  const frac = two(b, i) * 10 + digit(b, i + 2);
  return frac >= 0 ? frac : 0;
}

/** What to add to a local time for a `±hh` zone sign at `i` with its minutes already read: 0 without one. */
function zoneAt(b: Uint8Array, i: number, minutes: number): number {
  const sign = b[i];
  if (sign !== 43 && sign !== 45) return 0;
  const hours = two(b, i + 1);
  if (hours < 0 || minutes < 0) return 0;
  const offset = (hours * 60 + minutes) * 60_000;
  return sign === 43 ? -offset : offset;
}
