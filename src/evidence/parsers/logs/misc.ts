import { statusHits } from './access.js';
import { hit, normalizeUpstream, num, str, type FamilyResult, type Hit } from './hit.js';
import { tokenize } from './envoy.js';
import { epochToMs, parseClf, parseIso } from './timestamps.js';

/** Kong's client-facing JSON bodies (`{"message":"name resolution failed"}` …). */
export function parseKongBody(obj: Record<string, unknown>): FamilyResult | null {
  const keys = Object.keys(obj);
  const message = str(obj.message);
  if (message === null || keys.some((k) => k !== 'message' && k !== 'request_id')) return null;
  const at = 0;
  const hits: Hit[] = [];
  if (/name resolution failed/i.test(message)) hits.push(hit('DNS', 'kong.name_resolution_failed', 9, { at }));
  else if (/failure to get a peer from the ring-balancer/i.test(message)) hits.push(hit('UPSTREAM_DOWN', 'kong.no_healthy_targets', 9, { at }));
  else if (/upstream server is timing out/i.test(message)) hits.push(hit('UPSTREAM_TIMEOUT', 'kong.upstream_timing_out', 9, { at }));
  else if (/invalid response was received from the upstream/i.test(message)) hits.push(hit('UPSTREAM_RESET', 'kong.upstream_invalid_response', 8, { at }));
  else if (/upstream server is currently unavailable/i.test(message)) hits.push(hit('UPSTREAM_DOWN', 'kong.upstream_unavailable', 7, { at }));
  else if (/An unexpected error occurred/i.test(message)) {
    // Kong's generic 500: the gateway itself failed (plugin error, internal resolver error …).
    hits.push(hit('GATEWAY_CONFIG', 'kong.unexpected_error', 1.5, { at }));
  } else return null;
  return { format: 'kong', hits };
}

/** A gateway's default HTML error page (nginx, ALB's awselb/2.0, HAProxy, Apache "Proxy Error"). */
export function parseHtmlErrorPage(text: string): FamilyResult | null {
  const m = /<(?:title|h1)>\s*(50[234])\s+(?:Bad Gateway|Service (?:Temporarily )?Unavailable|Gateway Time-?out)/i.exec(text);
  if (m) {
    const server = /<center>([a-z][\w./-]*)<\/center>/i.exec(text)?.[1];
    return { format: 'html-error-page', hits: statusHits(Number(m[1]), m.index, null, server ? { server } : {}), status: Number(m[1]) };
  }
  const apache = /<title>(502 )?Proxy Error<\/title>|The proxy server received an invalid\s+response from an upstream server/i.exec(text);
  if (apache) return { format: 'html-error-page', hits: statusHits(502, apache.index, null, { server: 'apache' }), status: 502 };
  // IIS Application Request Routing (Azure App Service): "502 - Web server received an invalid
  // response while acting as a gateway or proxy server."
  const arr = /502(?:\.3)? - Web server received an invalid response while acting as a gateway or proxy server/i.exec(text);
  if (arr) return { format: 'html-error-page', hits: [hit('UPSTREAM_RESET', 'iis.arr_invalid_response', 4, { at: arr.index, detail: { server: 'iis-arr', status: 502 } })], status: 502 };
  return null;
}

/** W3C extended log (IIS): the `#Fields:` directive names the columns of the lines that follow. */
export class W3cReader {
  private fields: string[] | null = null;

  parse(text: string): FamilyResult | null {
    if (text.startsWith('#')) {
      const directive = /^#(Software|Version|Date|Start-Date|End-Date|Fields|Remark):\s*(.*)$/.exec(text);
      if (!directive) return null;
      if (directive[1] === 'Fields') this.fields = directive[2]!.trim().split(/\s+/);
      return { format: 'w3c', hits: [] };
    }
    const fields = this.fields;
    if (!fields) return null;
    const tokens = tokenize(text);
    if (Math.abs(tokens.length - fields.length) > 2) return null;
    const value = (name: string): string | null => {
      const i = fields.indexOf(name);
      return i >= 0 && i < tokens.length ? tokens[i]!.replace(/^"|"$/g, '') : null;
    };
    const statusText = value('sc-status');
    const status = statusText && /^\d{3}$/.test(statusText) ? Number(statusText) : null;
    const date = value('date') ?? value('date-local');
    const time = value('time') ?? value('time-local');
    const observedMs = date && time ? parseIso(`${date}T${time}${value('date') ? 'Z' : ''}`) : null;
    const sub = num(value('sc-substatus'));
    const win32 = num(value('sc-win32-status'));
    return { format: 'w3c', hits: iisHits(status, sub, win32), observedMs, status };
  }
}

/** IIS Application Request Routing: 502.3 carries the WinHTTP error of the forwarded request. */
function iisHits(status: number | null, sub: number | null, win32: number | null): Hit[] {
  if (status === null || status < 500) return [];
  const detail = { status, substatus: sub, win32Status: win32 };
  if (status === 502 && sub === 3) {
    if (win32 === 12002) return [hit('UPSTREAM_TIMEOUT', 'iis.arr_timeout', 8, { detail })];
    if (win32 === 12029) return [hit('UPSTREAM_DOWN', 'iis.arr_cannot_connect', 8, { detail })];
    if (win32 === 12007) return [hit('DNS', 'iis.arr_name_not_resolved', 8, { detail })];
    if (win32 === 12030 || win32 === 12031 || win32 === 12152) return [hit('UPSTREAM_RESET', 'iis.arr_connection_reset', 7, { detail })];
    if (win32 === 12175 || win32 === 12045 || win32 === 12057) return [hit('TLS', 'iis.arr_tls_error', 7, { detail })];
    return [hit('UPSTREAM_DOWN', 'iis.arr_forwarder_error', 4, { detail })];
  }
  if (status === 502 && sub === 4) return [hit('UPSTREAM_DOWN', 'iis.arr_no_server', 8, { detail })];
  if (status === 503 && sub === 2) return [hit('CAPACITY', 'iis.concurrent_request_limit', 7, { detail })];
  return statusHits(status, 0, null, detail);
}

/**
 * JSON keys carrying a record's time, in order of preference. `__REALTIME_TIMESTAMP` is journald's
 * (`journalctl -o json`, microseconds since the epoch).
 */
const TIME_KEYS = ['@timestamp', 'timestamp', 'time', 'ts', 'time_iso8601', 'time_local', 'date', 'start_time', '__REALTIME_TIMESTAMP'];
/**
 * JSON keys carrying a record's text. Besides the usual ones, the exports people paste from log
 * stores: Google Cloud Logging (`textPayload`, or `jsonPayload.message`), CloudWatch Logs Insights
 * (`@message`) and journald (`MESSAGE`).
 */
const MESSAGE_KEYS = ['msg', 'message', 'error', 'err', 'error_message', 'errorMessage', 'exception', 'reason', 'textPayload', 'jsonPayload', '@message', 'MESSAGE'];

/** Epoch ms of a JSON record's time field, whichever of the usual keys and layouts it uses. */
export function jsonTimestamp(obj: Record<string, unknown>): number | null {
  for (const key of TIME_KEYS) {
    const v = obj[key];
    if (typeof v === 'number') return epochToMs(v);
    if (typeof v === 'string') {
      const ms = /^\d+(?:\.\d+)?$/.test(v) ? epochToMs(Number(v)) : (parseIso(v) ?? parseClf(v));
      if (ms !== null) return ms;
    }
  }
  return null;
}

/** The human-readable text of a generic JSON log record, for the message classifiers. */
export function jsonMessageText(obj: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of MESSAGE_KEYS) {
    const v = obj[key];
    if (typeof v === 'string' && v) parts.push(v);
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = (v as Record<string, unknown>).message ?? (v as Record<string, unknown>).msg;
      if (typeof inner === 'string') parts.push(inner);
    }
  }
  return parts.join(' | ');
}

/** A JSON access record (nginx `escape=json` formats, ingress-nginx JSON …). */
export function jsonAccessStatus(obj: Record<string, unknown>): { status: number; upstream: string | null; upstreamStatus: string | null } | null {
  const status = num(obj.status ?? obj.status_code ?? obj.statusCode);
  if (status === null || status < 100 || status > 599) return null;
  const looksLikeRequest = ['request', 'uri', 'method', 'request_uri', 'path', 'upstream_addr', 'upstream_status', 'request_time'].some((k) => k in obj);
  if (!looksLikeRequest) return null;
  return {
    status,
    upstream: normalizeUpstream(str(obj.upstream_addr) ?? str(obj.upstream)),
    upstreamStatus: str(obj.upstream_status),
  };
}
