import { normalizeTimings } from './har-timings.js';
import type { EntryTimings } from './har-types.js';

/** The parts of one HAR entry the diagnosis reads, taken defensively from whatever the tool wrote. */
export interface HarEntryView {
  startedDateTime: string | null;
  method: string;
  url: string;
  host: string | null;
  status: number;
  statusText: string;
  /** Response headers as [lower-case name, value], in order. */
  headers: [string, string][];
  mimeType: string | null;
  /**
   * The response body as text (base64 decoded), at most `BODY_SAMPLE_CHARS` characters; null when absent.
   * Filled only by `readEntry(raw, true)`: decoding every 200's body would cost time for nothing.
   */
  body: string | null;
  /** `response._error` or `entry._error`, as text. */
  error: string | null;
  timings: EntryTimings;
  /** Total time (`entry.time`), ms. */
  time: number | null;
  serverIp: string | null;
}

/** Error pages are short; the wording that names the hop is near the start. */
export const BODY_SAMPLE_CHARS = 64 * 1024;

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function asString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function asNumber(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : null;
}

/** ISO-8601 UTC, or null when the date cannot be read. */
export function toUtcIso(value: unknown): string | null {
  if (typeof value !== 'string' || value.length < 10) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function readHeaders(value: unknown): [string, string][] {
  // IE 11's exporter writes a one-element list as a bare object.
  const list = Array.isArray(value) ? value : asRecord(value) ? [value] : [];
  const headers: [string, string][] = [];
  for (const item of list) {
    const header = asRecord(item);
    if (!header) continue;
    const name = asString(header['name']);
    if (name === null) continue;
    headers.push([name.trim().toLowerCase(), asString(header['value']) ?? '']);
  }
  return headers;
}

function readBody(content: Record<string, unknown> | null): string | null {
  const text = content ? content['text'] : undefined;
  if (typeof text !== 'string' || text.length === 0) return null;
  if (typeof content?.['encoding'] === 'string' && content['encoding'].toLowerCase() === 'base64') {
    // 4 base64 characters make 3 bytes: cut on a multiple of 4 so the sample decodes cleanly.
    const sample = text.slice(0, Math.ceil((BODY_SAMPLE_CHARS * 4) / 3 / 4) * 4);
    return Buffer.from(sample, 'base64').toString('utf8');
  }
  return text.length > BODY_SAMPLE_CHARS ? text.slice(0, BODY_SAMPLE_CHARS) : text;
}

function readError(response: Record<string, unknown>, entry: Record<string, unknown>): string | null {
  const raw = response['_error'] ?? entry['_error'];
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw === 'string') return raw;
  const record = asRecord(raw);
  if (record) {
    // capture-har writes {"message": "...", "code": "..."}.
    const code = asString(record['code']);
    const message = asString(record['message']);
    if (code || message) return [code, message].filter((part) => part).join(': ');
  }
  return JSON.stringify(raw).slice(0, 300);
}

function hostOf(url: string): string | null {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^/:?#]+)/i.exec(url);
  return match ? match[1]!.toLowerCase() : null;
}

/** Read an entry; null when it is not an object with a response. */
export function readEntry(raw: unknown, withBody = false): HarEntryView | null {
  const entry = asRecord(raw);
  if (!entry) return null;
  const request = asRecord(entry['request']) ?? {};
  const response = asRecord(entry['response']);
  if (!response) return null;
  const content = asRecord(response['content']);
  const url = asString(request['url']) ?? '';
  const mimeType = asString(content?.['mimeType']);
  return {
    startedDateTime: toUtcIso(entry['startedDateTime']),
    method: asString(request['method']) ?? '',
    url,
    host: hostOf(url),
    status: asNumber(response['status']) ?? 0,
    statusText: asString(response['statusText']) ?? '',
    headers: readHeaders(response['headers']),
    mimeType,
    body: withBody ? readBody(content) : null,
    error: readError(response, entry),
    timings: normalizeTimings(entry['timings']),
    time: asNumber(entry['time']),
    serverIp: asString(entry['serverIPAddress'])?.replace(/^\[|\]$/g, '') || null,
  };
}

export function headerValue(view: Pick<HarEntryView, 'headers'>, name: string): string | null {
  for (const [headerName, value] of view.headers) if (headerName === name) return value;
  return null;
}

/** The response body sample of a raw entry (see `HarEntryView.body`). */
export function readEntryBody(raw: unknown): string | null {
  const response = asRecord(asRecord(raw)?.['response']);
  return readBody(asRecord(response?.['content']));
}
