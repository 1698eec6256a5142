import type { CauseCategory } from '../../../diagnosis/cause-category.js';
import type { LogFormat } from './types.js';

/**
 * What a family classifier reports before it becomes a `Finding`: the dispatcher adds the
 * excerpt, location and time. `at` is where in the text the evidence sits, so long lines get an
 * excerpt around it rather than their first 500 characters.
 */
export interface Hit {
  category: CauseCategory;
  signal: string;
  weight: number;
  at?: number;
  upstream?: string | null;
  detail?: Record<string, unknown>;
}

/** A family parser's reading of one line. */
export interface FamilyResult {
  format: LogFormat;
  hits: Hit[];
  /** Epoch ms when the family read the line's own timestamp (otherwise a generic scan runs). */
  observedMs?: number | null;
  /** The upstream the whole line is about, used for hits that do not name their own. */
  upstream?: string | null;
  /** HTTP status, for access-log formats. */
  status?: number | null;
}

export function hit(
  category: CauseCategory,
  signal: string,
  weight: number,
  extra?: { at?: number; upstream?: string | null; detail?: Record<string, unknown> },
): Hit {
  const h: Hit = { category, signal, weight };
  // Field by field rather than a spread: this runs for every failing line of a big log.
  if (extra) {
    if (extra.at !== undefined) h.at = extra.at;
    if (extra.upstream !== undefined) h.upstream = extra.upstream;
    if (extra.detail !== undefined) h.detail = extra.detail;
  }
  return h;
}

/**
 * A 5xx the next hop answered itself and a gateway relayed (its log records both statuses): faint
 * evidence, since the cause sits one hop further in. Null for other statuses.
 */
export function relayedStatus(status: number | null): { category: CauseCategory; weight: number } | null {
  if (status === 502) return { category: 'UPSTREAM_RESET', weight: 2 };
  if (status === 503) return { category: 'CAPACITY', weight: 2 };
  if (status === 504) return { category: 'UPSTREAM_TIMEOUT', weight: 2 };
  return null;
}

/** A family's reading of a line that carries exactly one hit. */
export function singleHit(format: LogFormat, category: CauseCategory, signal: string, weight: number, at: number): FamilyResult {
  return { format, hits: [hit(category, signal, weight, { at })] };
}

/**
 * What an OS error says happened, from the errno number and its text. Text wins because
 * numbers differ between Linux and BSD and texts between glibc and musl
 * ("Connection timed out" vs "Operation timed out", "No route to host" vs "Host is unreachable").
 */
export type ErrnoKind =
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'reset'
  | 'broken_pipe'
  | 'aborted'
  | 'no_such_file'
  | 'permission'
  | 'again'
  | 'fd_limit'
  | 'no_ports'
  | 'addr_in_use'
  | 'no_memory'
  | 'host_not_found';

export function errnoKind(code: number | null, text: string): ErrnoKind | null {
  const t = text.toLowerCase();
  if (t.includes('refused')) return 'refused';
  if (t.includes('timed out') || t.includes('timeout')) return 'timeout';
  if (t.includes('no route') || t.includes('unreachable')) return 'unreachable';
  if (t.includes('reset by peer')) return 'reset';
  if (t.includes('broken pipe')) return 'broken_pipe';
  if (t.includes('connection abort')) return 'aborted';
  if (t.includes('no such file')) return 'no_such_file';
  if (t.includes('permission denied') || t.includes('not permitted')) return 'permission';
  if (t.includes('temporarily unavailable') || t.includes('would block')) return 'again';
  if (t.includes('too many open files')) return 'fd_limit';
  if (t.includes('cannot assign requested address')) return 'no_ports';
  if (t.includes('address already in use')) return 'addr_in_use';
  if (t.includes('cannot allocate memory') || t.includes('no buffer space')) return 'no_memory';
  if (t.includes('host not found') || t.includes('name or service not known')) return 'host_not_found';
  switch (code) {
    case 111:
    case 61:
      return 'refused';
    case 110:
    case 60:
      return 'timeout';
    case 113:
    case 101:
    case 65:
    case 51:
      return 'unreachable';
    case 104:
    case 54:
      return 'reset';
    case 32:
      return 'broken_pipe';
    case 103:
    case 53:
      return 'aborted';
    case 2:
      return 'no_such_file';
    case 13:
    case 1:
      return 'permission';
    case 11:
    case 35:
      return 'again';
    case 24:
    case 23:
      return 'fd_limit';
    case 99:
    case 49:
      return 'no_ports';
    case 98:
    case 48:
      return 'addr_in_use';
    case 12:
    case 105:
      return 'no_memory';
    default:
      return null;
  }
}

/**
 * Reduce an upstream as logs print it to something comparable: `http://10.0.0.5:8080/path`
 * → `10.0.0.5:8080`, `fastcgi://unix:/run/php-fpm.sock:` → `unix:/run/php-fpm.sock`.
 */
export function normalizeUpstream(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const plain = plainUpstream(raw);
  return plain !== undefined ? plain : normalizeAnyUpstream(raw);
}

/**
 * The shapes nearly every failing line carries (`10.0.0.5:8080`, `http://10.0.0.5:8080/path`),
 * read with one pass over the characters instead of the general path's regexes. Undefined when
 * the text holds anything else (spaces, quotes, a unix socket, a bare path); the general path
 * then decides. A unit test holds the two to the same answers.
 */
function plainUpstream(raw: string): string | null | undefined {
  if (raw === '-') return null;
  let scheme = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const plainChar =
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 95 || c === 47 || c === 58;
    if (!plainChar) return undefined;
    if (scheme === -1 && c === 58 && raw.charCodeAt(i + 1) === 47 && raw.charCodeAt(i + 2) === 47) scheme = i;
  }
  let start = 0;
  if (scheme !== -1) {
    // `scheme://` as the general path strips it: a letter, then letters, digits, `+`, `.` or `-`.
    if (raw.charCodeAt(scheme + 3) === 47 || !/^[a-z][a-z0-9.-]*$/i.test(raw.slice(0, scheme))) return undefined;
    start = scheme + 3;
  }
  const first = raw.charCodeAt(start);
  if (first === 47 || (first | 32) === 117 /* u: unix */) return undefined;
  let end = raw.indexOf('/', start);
  if (end === start) return undefined;
  if (end === -1) end = raw.length;
  if (end > start && raw.charCodeAt(end - 1) === 58) end--;
  return end === start ? null : raw.slice(start, Math.min(end, start + 200));
}

/** Any upstream text: quoted, spaced, a unix socket or a path. */
export function normalizeAnyUpstream(raw: string): string | null {
  // Spaces never belong in an address; pasted or machine-translated lines sometimes add them.
  let s = raw.replace(/\s+/g, '').replace(/^["'(]+|["'),]+$/g, '');
  if (s === '' || s === '-' || s === '*') return null;
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\/(?!\/)/i, '');
  const unix = /^unix:\s*(\/*[^\s:]*)/i.exec(s);
  if (unix) return `unix:${unix[1]}`;
  if (s.startsWith('/')) return `unix:${s.replace(/:$/, '')}`;
  const slash = s.indexOf('/');
  if (slash > 0) s = s.slice(0, slash);
  s = s.replace(/:$/, '');
  return s === '' ? null : s.slice(0, 200);
}

const EXCERPT_MAX = 500;

/** Hide credentials a log line may carry before any of it is stored as an excerpt. */
export function redactSecrets(text: string): string {
  return text
    .replace(
      /\b((?:proxy-)?authorization|x-api-key|api-key|apikey)(["']?\s*[:=]\s*\[?\s*["']?)((?:Bearer|Basic|Digest|Token|Negotiate)\s+)?[^"'\],\s]+/gi,
      '$1$2$3[REDACTED]',
    )
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [REDACTED]')
    .replace(/\b((?:set-)?cookie)(["']?\s*[:=]\s*\[?\s*["']?)([^"'\]]*)/gi, (_m, name: string, sep: string, value: string) =>
      `${name}${sep}${redactCookieValues(value)}`,
    )
    .replace(
      /([?&;](?:access_token|id_token|refresh_token|token|api_key|apikey|key|password|passwd|secret|signature|sig|code)=)[^&\s"']+/gi,
      '$1[REDACTED]',
    );
}

/** Cookie values are secrets, except Cloudflare's diagnostic cookies that are themselves evidence. */
function redactCookieValues(value: string): string {
  return value.replace(/(^|[;,]\s*)([^=;,\s]+)=([^;,]*)/g, (m, lead: string, name: string) =>
    /^(cf_ob_info|cf_use_ob|path|domain|expires|max-age|samesite)$/i.test(name) ? m : `${lead}${name}=[REDACTED]`,
  );
}

/** At most 500 characters of the line, centred on the evidence when the line is longer. */
export function excerptOf(text: string, at?: number): string {
  let s = text;
  if (s.length > EXCERPT_MAX) {
    const centre = at !== undefined && at > 0 ? at : 0;
    const start = Math.max(0, Math.min(centre - 150, s.length - EXCERPT_MAX + 2));
    const head = start > 0 ? '…' : '';
    const body = s.slice(start, start + EXCERPT_MAX - 2);
    const tail = start + EXCERPT_MAX - 2 < s.length ? '…' : '';
    s = head + body + tail;
  }
  s = redactSecrets(s);
  return s.length > EXCERPT_MAX ? s.slice(0, EXCERPT_MAX) : s;
}

/**
 * One line is one observation: keep one hit per category (the strongest) so a line that shows
 * the same failure twice (Envoy flag and details, say) does not count double.
 */
export function mergeHits(hits: Hit[]): Hit[] {
  if (hits.length <= 1) return hits;
  // Parallel arrays rather than maps: a line carries a handful of hits at most.
  const categories: string[] = [];
  const best: Hit[] = [];
  const others: Array<string[] | null> = [];
  for (const h of hits) {
    const k = categories.indexOf(h.category);
    if (k === -1) {
      categories.push(h.category);
      best.push(h);
      others.push(null);
      continue;
    }
    const current = best[k]!;
    if (h.weight > current.weight) {
      best[k] = h;
      (others[k] ??= []).push(current.signal);
    } else if (h.signal !== current.signal) {
      (others[k] ??= []).push(h.signal);
    }
  }
  const merged: Hit[] = [];
  for (let k = 0; k < best.length; k++) {
    const h = best[k]!;
    const also = others[k];
    const signals = also ? [...new Set(also.filter((s) => s !== h.signal))] : [];
    merged.push(signals.length > 0 ? { ...h, detail: { ...h.detail, corroboratedBy: signals } } : h);
  }
  merged.sort((a, b) => b.weight - a.weight);
  return merged;
}

/** Read a JSON field as a string (numbers are stringified). */
export function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
