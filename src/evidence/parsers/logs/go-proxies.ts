import { hit, isRecord, normalizeUpstream, num, str, type FamilyResult, type Hit } from './hit.js';
import { classifyGoNetError } from './network-errors.js';
import { epochToMs, parseClf, parseIso } from './timestamps.js';

/**
 * Traefik and Caddy, both Go: their errors are Go net/http errors (see network-errors.ts).
 * Traefik v1/v2 log with logrus (`time="…" level=debug msg="'502 Bad Gateway' caused by: …"`),
 * v3 with zerolog; Caddy v1 wrote `[ERROR 502 /path] message`, Caddy v2 writes JSON.
 */

const LOGFMT_RE = /\blevel=(\w+)\s+msg="((?:[^"\\]|\\.)*)"/;
const ZEROLOG_RE = /\b(?:DBG|INF|WRN|ERR|FTL)\b.*?>\s*(.*)$/;

export function parseTraefikText(text: string): FamilyResult | null {
  const lf = LOGFMT_RE.exec(text);
  const zl = lf ? null : /traefik/i.test(text) ? ZEROLOG_RE.exec(text) : null;
  if (!lf && !zl && !/vulcand\/oxy/.test(text)) return null;
  const msg = lf ? lf[2]!.replace(/\\"/g, '"') : zl ? zl[1]! : text;
  const msgAt = lf ? lf.index + lf[0].indexOf('msg=') + 5 : zl ? zl.index : 0;
  const time = /\btime="([^"]+)"/.exec(text);
  const observedMs = time ? parseIso(time[1]!) : null;
  const hits = shift(traefikMessageHits(msg), msgAt);
  const errField = /\berror="((?:[^"\\]|\\.)*)"/.exec(text);
  if (hits.length === 0 && errField) hits.push(...shift(classifyGoNetError(errField[1]!), errField.index));
  const upstream = hits.find((h) => h.upstream)?.upstream ?? roundTripUpstream(msg);
  return { format: 'traefik', hits, observedMs, upstream };
}

function shift(hits: Hit[], by: number): Hit[] {
  for (const h of hits) h.at = (h.at ?? 0) + by;
  return hits;
}

function roundTripUpstream(msg: string): string | null {
  const m = /Round trip: (\S+?),/.exec(msg);
  return m ? normalizeUpstream(m[1]) : null;
}

function traefikMessageHits(msg: string): Hit[] {
  const causedBy = /'(\d{3})[^']*' caused by: (.*)$/.exec(msg);
  if (causedBy) {
    const hits = classifyGoNetError(causedBy[2]!);
    if (hits.length > 0) return hits;
    return statusOnlyHits(Number(causedBy[1]), 'traefik', causedBy.index);
  }
  const roundTrip = /Round trip: (\S+?), code: (\d{3})/.exec(msg);
  if (roundTrip) {
    // Traefik 1.x's forwarder logging the status it returned; for 5xx it generated the error.
    return statusOnlyHits(Number(roundTrip[2]), 'traefik.round_trip', roundTrip.index, normalizeUpstream(roundTrip[1]));
  }
  const noIp = /unable to find the IP address for the container/.exec(msg);
  if (noIp) {
    // Docker provider: the container is stopped or not on a network Traefik can reach.
    return [hit('UPSTREAM_DOWN', 'traefik.container_without_ip', 6, { at: noIp.index }), hit('GATEWAY_CONFIG', 'traefik.container_network', 3, { at: noIp.index })];
  }
  return classifyGoNetError(msg);
}

/** A gateway's own 5xx with nothing said about why: a faint hint by status. */
export function statusOnlyHits(status: number, prefix: string, at: number, upstream: string | null = null): Hit[] {
  if (status === 502) return [hit('UPSTREAM_RESET', `${prefix}.status_502`, 2, { at, upstream })];
  if (status === 503) return [hit('UPSTREAM_DOWN', `${prefix}.status_503`, 1.5, { at, upstream })];
  if (status === 504) return [hit('UPSTREAM_TIMEOUT', `${prefix}.status_504`, 2, { at, upstream })];
  return [];
}

/** Traefik JSON access log (`DownstreamStatus`, `OriginStatus`, `ServiceURL` …). */
export function parseTraefikJson(obj: Record<string, unknown>, text: string): FamilyResult | null {
  if (!('DownstreamStatus' in obj) && !('RouterName' in obj && 'OriginStatus' in obj)) return null;
  const status = num(obj.DownstreamStatus);
  const origin = num(obj.OriginStatus);
  const service = str(obj.ServiceURL) ?? (isRecord(obj.ServiceURL) ? str(obj.ServiceURL.Host) : null);
  const upstream = normalizeUpstream(service ?? str(obj.ServiceAddr));
  const start = str(obj.StartUTC) ?? str(obj.time);
  const at = Math.max(0, text.indexOf('DownstreamStatus'));
  const hits: Hit[] = [];
  if (status !== null && status >= 502 && status <= 504 && (origin === null || origin === 0)) {
    // OriginStatus 0: no response came from the service; Traefik generated the status.
    hits.push(...statusOnlyHits(status, 'traefik', at, upstream));
  }
  return { format: 'traefik-json', hits, observedMs: start ? parseIso(start) : null, upstream, status };
}

const CADDY1_RE = /\[ERROR (\d{3}) ([^\]]*)\]\s*(.*)$/;

export function parseCaddyV1(text: string): FamilyResult | null {
  const m = CADDY1_RE.exec(text);
  if (!m) return null;
  const status = Number(m[1]);
  const message = m[3]!;
  const at = m.index + m[0].length - message.length;
  let hits: Hit[];
  if (/unreachable backend|no hosts available upstream/i.test(message)) {
    hits = [hit('UPSTREAM_DOWN', 'caddy.unreachable_backend', 8, { at })];
  } else {
    hits = shift(classifyGoNetError(message), at);
  }
  // "request canceled" / "context canceled" without a timeout: the client went away.
  return { format: 'caddy', hits, observedMs: parseClf(text), status };
}

/** Caddy v2 JSON log record (access log or error/reverse_proxy log). */
export function parseCaddyJson(obj: Record<string, unknown>, text: string): FamilyResult | null {
  const logger = str(obj.logger);
  // Caddy (zap) writes `ts` as epoch seconds and names its loggers after its modules.
  const isCaddy =
    typeof obj.ts === 'number' && typeof obj.msg === 'string' && (logger === null || /^(?:http|tls|admin|pki|events|caddy)\b/.test(logger));
  if (!isCaddy) return null;
  const ts = num(obj.ts);
  const observedMs = ts !== null ? epochToMs(ts) : null;
  const msg = str(obj.msg) ?? '';
  const error = str(obj.error) ?? '';
  const status = num(obj.status);
  const upstreamField = str(obj.upstream);
  const hits: Hit[] = [];
  const msgAt = Math.max(0, text.indexOf('"msg"'));
  if (/aborting with incomplete response/i.test(msg)) {
    // The upstream's body broke off after the response had started.
    hits.push(hit('UPSTREAM_RESET', 'caddy.incomplete_response', 6, { at: msgAt, upstream: normalizeUpstream(upstreamField) }));
  } else {
    hits.push(...shift(classifyGoNetError(error ? `${msg}: ${error}` : msg), msgAt));
  }
  if (hits.length === 0 && logger !== null && logger.startsWith('http.log.error') && status !== null) {
    hits.push(...statusOnlyHits(status, 'caddy', msgAt));
  }
  const upstream = normalizeUpstream(upstreamField) ?? hits.find((h) => h.upstream)?.upstream ?? null;
  return { format: 'caddy-json', hits, observedMs, upstream, status: logger?.startsWith('http.log.access') ? status : null };
}
