import { hit, normalizeUpstream, type FamilyResult, type Hit } from './hit.js';
import { parseClf } from './timestamps.js';

/**
 * NCSA common/combined access logs (nginx, Apache, Kong, nginx-proxy's vhost-prefixed variant)
 * and two extensions: ingress-nginx's `upstreaminfo` fields and Traefik's router/backend/duration.
 * An access line only says which status the client got; alone it is faint evidence. The
 * upstream fields of ingress-nginx say more: one status per try, per-try timings.
 */

const CLF_RE = /\[(\d\d?\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?(?: ?[+-]\d{4})?)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)/;
// Fragments that start at the request, as pasted in issues: `"GET /x HTTP/1.1" 502 157 "-" "ua" …`.
const REQUEST_FIRST_RE = /^"([A-Z]+ [^"]* HTTP\/[\d.]+|-)" (\d{3}) (\d+|-)(?= |$)/;

export function parseAccess(text: string): FamilyResult | null {
  const m = CLF_RE.exec(text);
  let status: number | null;
  let tail: string;
  let at: number;
  let observedMs: number | null = null;
  if (m) {
    status = m[3] === '-' ? null : Number(m[3]);
    tail = text.slice(m.index + m[0].length);
    at = m.index + m[0].length - m[3]!.length - m[4]!.length - 1;
    observedMs = parseClf(m[1]!);
  } else {
    const r = REQUEST_FIRST_RE.exec(text.trimStart());
    if (!r) return null;
    status = Number(r[2]);
    const offset = text.length - text.trimStart().length;
    tail = text.slice(offset + r[0].length);
    at = offset + r[1]!.length + 3;
  }
  const ingress = parseIngressTail(tail);
  if (ingress) return { format: 'ingress-nginx-access', hits: ingressHits(status, ingress, at), observedMs, upstream: ingress.upstream, status };
  const traefik = /^ "[^"]*" "[^"]*" \d+ "([^"]*)" "([^"]*)" (\d+)ms\s*$/.exec(tail);
  if (traefik) {
    const upstream = normalizeUpstream(traefik[2]);
    return { format: 'traefik-access', hits: statusHits(status, at, upstream, { router: traefik[1], durationMs: Number(traefik[3]) }), observedMs, upstream, status };
  }
  return { format: 'combined-access', hits: statusHits(status, at, null, {}), observedMs, status };
}

/** The faint hint a bare gateway status gives (nginx maps upstream timeouts to 504). */
/** The signal a bare gateway status gives, or null for statuses that say nothing of the upstream. */
export function statusSignal(status: number | null): { category: Hit['category']; signal: string; weight: number } | null {
  if (status === 502) return STATUS_502;
  if (status === 503) return STATUS_503;
  if (status === 504) return STATUS_504;
  return null;
}

const STATUS_502 = { category: 'UPSTREAM_DOWN', signal: 'http.status_502', weight: 1.3 } as const;
const STATUS_503 = { category: 'UPSTREAM_DOWN', signal: 'http.status_503', weight: 1.2 } as const;
const STATUS_504 = { category: 'UPSTREAM_TIMEOUT', signal: 'http.status_504', weight: 1.5 } as const;

export function statusHits(status: number | null, at: number, upstream: string | null, detail: Record<string, unknown>): Hit[] {
  const s = statusSignal(status);
  return s ? [hit(s.category, s.signal, s.weight, { at, upstream, detail: { ...detail, status } })] : [];
}

interface IngressFields {
  upstreamName: string;
  upstream: string | null;
  addrs: string[];
  lengths: string[];
  times: string[];
  statuses: string[];
}

/**
 * `… "ua" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name]
 * $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id`.
 * Lists hold one value per try, separated by ", " (and " : " between upstream groups).
 */
export function parseIngressTail(tail: string): IngressFields | null {
  const m = /(?:^|" )(?:\d+ )?(?:[\d.]+ )?\[([^\]]*)\] \[([^\]]*)\] (.*)$/.exec(tail);
  if (!m) return null;
  const rest = m[3]!.replace(/\s*,\s*/g, ',').replace(/ : /g, ',').trim();
  const parts = rest.split(/\s+/);
  const split = (s: string | undefined): string[] => (s ? s.split(',') : []);
  const addrs = split(parts[0]);
  const lastAddr = addrs.length > 0 ? addrs[addrs.length - 1] : undefined;
  return {
    upstreamName: m[1]!,
    upstream: normalizeUpstream(lastAddr) ?? (m[1] ? m[1] : null),
    addrs,
    lengths: split(parts[1]),
    times: split(parts[2]),
    statuses: split(parts[3]),
  };
}

function ingressHits(status: number | null, f: IngressFields, at: number): Hit[] {
  const detail: Record<string, unknown> = { status, proxyUpstreamName: f.upstreamName };
  if (f.statuses.length > 0) detail.upstreamStatus = f.statuses.join(', ');
  if (f.times.length > 0) detail.upstreamResponseTime = f.times.join(', ');
  if (f.addrs.length > 1) detail.tries = f.addrs.length;
  const upstream = f.upstream;
  const add = (category: Hit['category'], signal: string, weight: number): Hit => hit(category, signal, weight, { at, upstream, detail });
  if (/default-backend/.test(f.upstreamName)) {
    // The request matched no Ingress rule with a live backend and fell to the default backend.
    if (status === 503) return [add('UPSTREAM_DOWN', 'ingress.service_without_endpoints', 5)];
    if (status === 404) return [add('GATEWAY_CONFIG', 'ingress.no_matching_rule', 2)];
    return [];
  }
  if (status === null || status < 500) return [];
  const tries = f.statuses.filter((s) => /^\d{3}$/.test(s)).map(Number);
  if (tries.length > 0 && tries.every((s) => s === 504)) return [add('UPSTREAM_TIMEOUT', 'ingress.upstream_timeout', 4)];
  if (tries.length > 0 && tries.every((s) => s === 502) && f.lengths.every((l) => l === '0' || l === '-')) {
    // Every try failed before any byte came back: connect failures to the pod(s).
    return [add('UPSTREAM_DOWN', 'ingress.all_tries_failed', 2)];
  }
  if (status === 503 && (f.addrs.length === 0 || f.addrs.every((a) => a === '-'))) {
    return [add('UPSTREAM_DOWN', 'ingress.no_upstream_address', 4)];
  }
  return statusHits(status, at, upstream, detail);
}
