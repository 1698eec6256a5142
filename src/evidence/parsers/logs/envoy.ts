import { hit, normalizeUpstream, num, str, type FamilyResult, type Hit } from './hit.js';
import { parseIso } from './timestamps.js';

/**
 * Envoy and Istio: access logs (default text format, Istio's format, JSON, key=value and the
 * fragments people paste), %RESPONSE_FLAGS% and %RESPONSE_CODE_DETAILS%, the local-reply body
 * ("upstream connect error or disconnect/reset before headers. reset reason: …") and debug logs.
 */

/** Short and long names of the response flags (envoy docs, access_log/usage.rst). */
const LONG_FLAG_NAMES: Record<string, string> = {
  NoHealthyUpstream: 'UH',
  UpstreamConnectionFailure: 'UF',
  UpstreamOverflow: 'UO',
  NoRouteFound: 'NR',
  UpstreamRetryLimitExceeded: 'URX',
  NoClusterFound: 'NC',
  DurationTimeout: 'DT',
  DownstreamConnectionTermination: 'DC',
  FailedLocalHealthCheck: 'LH',
  UpstreamRequestTimeout: 'UT',
  LocalReset: 'LR',
  UpstreamRemoteReset: 'UR',
  UpstreamConnectionTermination: 'UC',
  DelayInjected: 'DI',
  FaultInjected: 'FI',
  RateLimited: 'RL',
  UnauthorizedExternalService: 'UAEX',
  RateLimitServiceError: 'RLSE',
  InvalidEnvoyRequestHeaders: 'IH',
  StreamIdleTimeout: 'SI',
  DownstreamProtocolError: 'DPE',
  UpstreamProtocolError: 'UPE',
  UpstreamMaxStreamDurationReached: 'UMSDR',
  ResponseFromCacheFilter: 'RFCF',
  NoFilterConfigFound: 'NFCF',
  OverloadManagerTerminated: 'OM',
  DnsResolutionFailed: 'DF',
  DropOverload: 'DO',
  DownstreamRemoteReset: 'DR',
};
const SHORT_FLAGS = new Set(Object.values(LONG_FLAG_NAMES));
const FLAG_TOKEN_RE = /^(?:[A-Z]{2,5}|[A-Z][A-Za-z]{5,})(?:,(?:[A-Z]{2,5}|[A-Z][A-Za-z]{5,}))*$/;

const NO_FLAGS: readonly string[] = Object.freeze([]);
// A log repeats a handful of flag combinations; their readings are kept (frozen, so shared safely).
const FLAGS_CACHE_SIZE = 256;
const flagsCache = new Map<string, readonly string[] | null>();

/** A flags token (`UF,URX`, `-`, `UpstreamConnectionFailure`) → short flags, or null if it is not one. */
export function parseFlags(token: string): readonly string[] | null {
  if (token === '-') return NO_FLAGS;
  const known = flagsCache.get(token);
  if (known !== undefined) return known;
  const flags = readFlags(token);
  // Only short tokens: V8 copies substrings under 13 characters, while a longer one would keep
  // the whole line it was cut from alive in the cache.
  if (token.length <= 12) {
    if (flagsCache.size >= FLAGS_CACHE_SIZE) flagsCache.clear();
    flagsCache.set(token, flags);
  }
  return flags;
}

function readFlags(token: string): readonly string[] | null {
  if (!FLAG_TOKEN_RE.test(token)) return null;
  const flags: string[] = [];
  for (const part of token.split(',')) {
    const short = SHORT_FLAGS.has(part) ? part : LONG_FLAG_NAMES[part];
    if (!short) return null;
    flags.push(short);
  }
  return Object.freeze(flags);
}

const DETAILS_RE =
  /\b(upstream_reset_(?:before|after)_response_started(?:\{[^}]*\})?|upstream_response_timeout|upstream_per_try_timeout|upstream_per_try_idle_timeout|upstream_max_stream_duration_reached|no_healthy_upstream|route_not_found|cluster_not_found|via_upstream|overload_manager|drop_overload|maintenance_mode|stream_idle_timeout|dns_resolution_failure|upstream_reset_before_response_started|downstream_remote_disconnect|downstream_local_disconnect)(?![a-z_])/;

export interface EnvoyRecord {
  status: number | null;
  flags: readonly string[];
  details: string | null;
  transportFailure: string | null;
  durationMs: number | null;
  upstreamHost: string | null;
  upstreamCluster: string | null;
  startTime: string | null;
  /** Response code details printed right after the flags: Istio's access-log format. */
  istioFormat: boolean;
}

/** What Envoy says went wrong with one request. */
export function envoyRecordHits(rec: EnvoyRecord, at: number): Hit[] {
  const hits: Hit[] = [];
  const upstream = normalizeEnvoyUpstream(rec.upstreamHost) ?? rec.upstreamCluster;
  // Built field by field: conditional spreads cost several times more on this per-line path.
  const detail: Record<string, unknown> = {};
  if (rec.status !== null) detail.status = rec.status;
  if (rec.flags.length > 0) detail.flags = rec.flags.join(',');
  if (rec.details) detail.details = rec.details;
  if (rec.durationMs !== null) detail.durationMs = rec.durationMs;
  if (rec.transportFailure) detail.transportFailure = rec.transportFailure;
  const add = (category: Hit['category'], signal: string, weight: number): void => {
    hits.push(hit(category, signal, weight, { at, upstream, detail }));
  };
  const beforeResponse = rec.details !== null && rec.details.startsWith('upstream_reset_before_response_started');
  for (const flag of rec.flags) {
    switch (flag) {
      case 'UH':
        add('UPSTREAM_DOWN', 'envoy.flag.UH', 10);
        break;
      case 'UF':
        add('UPSTREAM_DOWN', 'envoy.flag.UF', 8);
        break;
      case 'URX':
        add('UPSTREAM_DOWN', 'envoy.flag.URX', 3);
        break;
      case 'LH':
        add('UPSTREAM_DOWN', 'envoy.flag.LH', 5);
        break;
      case 'UO':
        add('CAPACITY', 'envoy.flag.UO', 9);
        break;
      case 'OM':
        add('CAPACITY', 'envoy.flag.OM', 8);
        break;
      case 'DO':
        add('CAPACITY', 'envoy.flag.DO', 5);
        break;
      case 'RL':
        add('CAPACITY', 'envoy.flag.RL', 2);
        break;
      case 'NR':
        add('GATEWAY_CONFIG', 'envoy.flag.NR', rec.status === 404 ? 6 : 9);
        break;
      case 'NC':
        add('GATEWAY_CONFIG', 'envoy.flag.NC', 9);
        break;
      case 'NFCF':
        add('GATEWAY_CONFIG', 'envoy.flag.NFCF', 5);
        break;
      case 'FI':
        add('GATEWAY_CONFIG', 'envoy.flag.FI', 4);
        break;
      case 'RLSE':
        add('GATEWAY_CONFIG', 'envoy.flag.RLSE', 3);
        break;
      case 'UT':
        add('UPSTREAM_TIMEOUT', 'envoy.flag.UT', 10);
        break;
      case 'UMSDR':
        add('UPSTREAM_TIMEOUT', 'envoy.flag.UMSDR', 6);
        break;
      case 'SI':
        add('UPSTREAM_TIMEOUT', 'envoy.flag.SI', 3);
        break;
      case 'UR':
        add('UPSTREAM_RESET', 'envoy.flag.UR', 8);
        break;
      case 'UPE':
        if (rec.istioFormat && beforeResponse) {
          // In a mesh the sidecar picks the upstream protocol from the Service port's name or
          // appProtocol; a wrong declaration (http2 vs http/1.1, plain vs TLS) fails exactly so.
          add('GATEWAY_CONFIG', 'envoy.istio_protocol_mismatch', 8);
          add('UPSTREAM_RESET', 'envoy.flag.UPE', 7);
        } else {
          add('UPSTREAM_RESET', 'envoy.flag.UPE', 8);
        }
        break;
      case 'LR':
        add('UPSTREAM_RESET', 'envoy.flag.LR', 3);
        break;
      case 'DF':
        add('DNS', 'envoy.flag.DF', 10);
        break;
      case 'UC':
        ucHits(rec, add);
        break;
      default:
        // DC, DR, DPE, IH, UAEX, DI, DT, RFCF: client side, policy or deliberate.
        break;
    }
  }
  const extra = rec.details
    ? detailsHits(rec.details, rec.transportFailure, rec.status, at, upstream, detail)
    : rec.transportFailure
      ? transportHits(rec.transportFailure, at, upstream, detail)
      : [];
  // The flags are the verdict; details only add what they do not already say (a TLS reason
  // behind UF, say), so a UC explained as connection_termination is not counted twice.
  const flagged = hits.length;
  for (const h of extra) {
    let said = false;
    for (let i = 0; i < flagged && !said; i++) said = hits[i]!.category === h.category;
    if (!said) hits.push(h);
  }
  return hits;
}

/**
 * UC is "upstream connection termination". When it happens at once on an established pooled
 * connection the upstream closed that idle connection just as Envoy reused it: the keep-alive
 * race, fixed by setting the upstream's idle timeout above Envoy's. After a long wait it is a
 * timeout somewhere on the path. Through an internal tunnel (ambient's HBONE) it is the tunnel.
 */
function ucHits(rec: EnvoyRecord, add: (category: Hit['category'], signal: string, weight: number) => void): void {
  const host = rec.upstreamHost;
  if (rec.durationMs !== null && rec.durationMs >= 30_000) {
    add('UPSTREAM_TIMEOUT', 'envoy.uc_after_long_wait', 8);
    add('UPSTREAM_RESET', 'envoy.flag.UC', 4);
  } else if (rec.durationMs !== null && rec.durationMs <= 5 && host && host !== '-' && !host.startsWith('envoy://')) {
    add('GATEWAY_CONFIG', 'envoy.uc_pooled_connection_closed', 7);
    add('UPSTREAM_RESET', 'envoy.flag.UC', 6);
  } else {
    add('UPSTREAM_RESET', 'envoy.flag.UC', 8);
  }
}

function normalizeEnvoyUpstream(host: string | null): string | null {
  if (!host || host === '-') return null;
  const tunnel = /^envoy:\/\/[^/]+\/(.+)$/.exec(host);
  return normalizeUpstream(tunnel ? tunnel[1] : host);
}

// Case-insensitive: the details field carries the transport reason lower-cased by the reader
// (`tls_error:_…:wrong_version_number`), the local-reply body as Envoy wrote it.
const TLS_TRANSPORT_RE = /\btls|ssl|certificate|x509|handshake|wrong.version/i;

function transportHits(transport: string, at: number, upstream: string | null, detail: Record<string, unknown>): Hit[] {
  if (TLS_TRANSPORT_RE.test(transport)) return [hit('TLS', 'envoy.upstream_tls_failure', 10, { at, upstream, detail })];
  return [];
}

/** %RESPONSE_CODE_DETAILS% → causes. */
export function detailsHits(
  details: string,
  transportFailure: string | null,
  status: number | null,
  at: number,
  upstream: string | null,
  detail: Record<string, unknown>,
): Hit[] {
  const d = details.toLowerCase();
  const add = (category: Hit['category'], signal: string, weight: number): Hit => hit(category, signal, weight, { at, upstream, detail });
  const reset = /^upstream_reset_(before|after)_response_started(?:\{([^}]*)\})?/.exec(d);
  if (reset) {
    // `{reason,transport_detail…}`: the reason, then what the transport said, words joined by `_`.
    const inner = reset[2] ?? '';
    const comma = inner.indexOf(',');
    const reason = comma === -1 ? inner : inner.slice(0, comma);
    const rest = comma === -1 ? '' : inner.slice(comma + 1).replaceAll(',', ' ');
    const transport = `${transportFailure ?? ''}${rest ? ` ${rest}` : ''}`.replaceAll('_', ' ');
    const hits = resetReasonHits(reason.replaceAll('_', ' ').trim(), transport, at, upstream, detail);
    if (reset[1] === 'after') {
      // The response had started: the client got a truncated body rather than a 5xx.
      return hits.length > 0 && hits[0]!.category === 'UPSTREAM_TIMEOUT'
        ? hits
        : [add('UPSTREAM_RESET', 'envoy.reset_after_response_started', 6)];
    }
    return hits;
  }
  if (d.startsWith('upstream_response_timeout')) return [add('UPSTREAM_TIMEOUT', 'envoy.upstream_response_timeout', 10)];
  if (d.startsWith('upstream_per_try')) return [add('UPSTREAM_TIMEOUT', 'envoy.upstream_per_try_timeout', 8)];
  if (d.startsWith('upstream_max_stream_duration')) return [add('UPSTREAM_TIMEOUT', 'envoy.max_stream_duration', 6)];
  if (d.startsWith('no_healthy_upstream')) return [add('UPSTREAM_DOWN', 'envoy.no_healthy_upstream', 10)];
  if (d.startsWith('route_not_found')) return [add('GATEWAY_CONFIG', 'envoy.route_not_found', status === 404 ? 6 : 9)];
  if (d.startsWith('cluster_not_found')) return [add('GATEWAY_CONFIG', 'envoy.cluster_not_found', 9)];
  if (d.startsWith('overload_manager') || d.startsWith('drop_overload')) return [add('CAPACITY', 'envoy.overload', 8)];
  if (d.startsWith('maintenance_mode')) return [add('GATEWAY_CONFIG', 'envoy.maintenance_mode', 4)];
  if (d.startsWith('dns_resolution_failure')) return [add('DNS', 'envoy.dns_resolution_failure', 10)];
  if (d.startsWith('stream_idle_timeout')) return [add('UPSTREAM_TIMEOUT', 'envoy.stream_idle_timeout', 3)];
  if (d.startsWith('via_upstream') && status !== null && status >= 500) {
    // The upstream itself answered 5xx; Envoy relayed it. Weak: the cause is one hop further.
    if (status === 504) return [add('UPSTREAM_TIMEOUT', 'envoy.upstream_returned_504', 2)];
    if (status === 503) return [add('CAPACITY', 'envoy.upstream_returned_503', 1.5)];
    if (status === 502) return [add('UPSTREAM_RESET', 'envoy.upstream_returned_502', 2)];
  }
  return [];
}

/** Envoy's stream reset reasons, as they appear in details and in the local-reply body. */
export function resetReasonHits(
  reason: string,
  transport: string,
  at: number,
  upstream: string | null,
  detail: Record<string, unknown>,
): Hit[] {
  const r = reason.toLowerCase();
  const t = transport.trim();
  const extra: Record<string, unknown> = Object.assign({}, detail);
  if (reason) extra.resetReason = reason;
  if (t) extra.transportFailure = t;
  const add = (category: Hit['category'], signal: string, weight: number): Hit => hit(category, signal, weight, { at, upstream, detail: extra });
  if (t && TLS_TRANSPORT_RE.test(t)) return [add('TLS', 'envoy.upstream_tls_failure', 10)];
  if (r.includes('connection failure') || r.includes('connect error')) {
    if (/\b111\b|refused/i.test(t)) return [add('UPSTREAM_DOWN', 'envoy.connection_refused', 10)];
    if (/\b11[3]\b|\b101\b|no route|unreachable/i.test(t)) return [add('NETWORK', 'envoy.no_route_to_upstream', 9)];
    if (/\b110\b|timed out|timeout/i.test(t)) {
      return [add('UPSTREAM_TIMEOUT', 'envoy.connect_timeout', 6), add('NETWORK', 'envoy.connect_timeout_network', 4)];
    }
    if (r.startsWith('remote') && !t) {
      // Since envoy#44149 a failed certificate check reads "remote connection failure" with no
      // transport detail, while refusals and timeouts still carry "delayed connect error: N".
      return [add('TLS', 'envoy.remote_failure_without_detail', 6), add('UPSTREAM_DOWN', 'envoy.connection_failure', 5)];
    }
    return [add('UPSTREAM_DOWN', 'envoy.connection_failure', 8)];
  }
  if (r.includes('connection termination')) return [add('UPSTREAM_RESET', 'envoy.connection_termination', 8)];
  if (r.includes('connection timeout')) {
    return [add('UPSTREAM_TIMEOUT', 'envoy.connect_timeout', 6), add('NETWORK', 'envoy.connect_timeout_network', 4), add('UPSTREAM_DOWN', 'envoy.connect_timeout_host_down', 3)];
  }
  if (r.includes('protocol error')) return [add('UPSTREAM_RESET', 'envoy.upstream_protocol_error', 8)];
  if (r.includes('overflow')) return [add('CAPACITY', 'envoy.overflow', 9)];
  if (r.includes('overload')) return [add('CAPACITY', 'envoy.overload', 8)];
  if (r.includes('remote') && (r.includes('reset') || r.includes('refused'))) return [add('UPSTREAM_RESET', 'envoy.upstream_remote_reset', 8)];
  if (r.includes('premature')) return [add('UPSTREAM_RESET', 'envoy.upstream_premature_close', 8)];
  if (r.includes('local')) return [add('UPSTREAM_RESET', 'envoy.local_reset', 3)];
  if (!r) return [add('UPSTREAM_DOWN', 'envoy.upstream_connect_error', 5)];
  return [];
}

// ---- line parsers ------------------------------------------------------------------------

/** Split on spaces, keeping quoted strings (also CSV-doubled `""x""`) as one token. */
export function tokenize(s: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && s.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    if (s[i] === '"') {
      let j = i + 1;
      while (j < n && s[j] === '"') j++;
      let end = s.indexOf('"', j);
      while (end !== -1 && end + 1 < n && s[end + 1] !== ' ' && s[end + 1] !== '"') end = s.indexOf('"', end + 1);
      if (end === -1) end = n;
      let close = end;
      while (close < n && s[close] === '"') close++;
      tokens.push(s.slice(i, close));
      i = close;
    } else {
      let j = s.indexOf(' ', i);
      if (j === -1) j = n;
      tokens.push(s.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

/** The token without the quotes around it (any number of them: CSV doubles them). */
function unquote(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && token.charCodeAt(start) === 34) start++;
  while (end > start && token.charCodeAt(end - 1) === 34) end--;
  return start === 0 && end === token.length ? token : token.slice(start, end);
}

const REQUEST_RE = /(?:^|")(?:[A-Z]+ [^"]*? (?:HTTP\/[\d.]+|-)|- - -)"+\s+(\d{1,3}|-)\s+(\S+)/;
const STATUS_FLAGS_RE = /(?:^|[\s"])(\d{3}|0)\s+([A-Z][A-Za-z]{1,40}(?:,[A-Z][A-Za-z]{1,40})*)(?=\s|$)/;
const ENVOY_GATE_RE =
  /upstream connect error|reset reason|upstream_reset_|no healthy upstream|response_?fl|RESPONSE_FL|response_code_details|status_details|upstream request timeout|Sending local reply|\b(?:UF|UH|UO|NR|URX|UC|UT|UPE|DC|LR|UR|DF|NC)\b|via_upstream|route_not_found|\[source\/common\/(?:router|http|upstream|conn_pool)/;

export function looksLikeEnvoy(text: string): boolean {
  return ENVOY_GATE_RE.test(text);
}

/** Envoy/Istio text access log or pasted fragments of one. */
export function parseEnvoyText(text: string): FamilyResult | null {
  const req = REQUEST_RE.exec(text);
  if (req) {
    const flags = parseFlags(req[2]!);
    if (flags !== null) {
      const after = text.slice(req.index + req[0].length);
      const rec = envoyPositional(req[1]!, flags, tokenize(after));
      if (rec.flags.length > 0 || rec.details || looksEnvoyShaped(after)) return envoyResult(text, rec, req.index);
    }
  }
  const sf = STATUS_FLAGS_RE.exec(text);
  if (sf) {
    const flags = parseFlags(sf[2]!);
    if (flags !== null && flags.length > 0) {
      const after = text.slice(sf.index + sf[0].length);
      const rec = envoyPositional(sf[1]!, flags, tokenize(after));
      return envoyResult(text, rec, sf.index);
    }
  }
  return parseEnvoyKeyValue(text) ?? parseEnvoyMessage(text);
}

/** After status and flags: Envoy's byte counters, not a referer string as in combined logs. */
function looksEnvoyShaped(after: string): boolean {
  return /^\s*(?:[a-z_]+(?:\{[^}]*\})?\s+)?(?:-\s+"[^"]*"\s+)?\d+ \d+ \d+ /.test(after);
}

function envoyPositional(statusText: string, flags: readonly string[], tokens: string[]): EnvoyRecord {
  let i = 0;
  let details: string | null = null;
  let transportFailure: string | null = null;
  const first = tokens[0];
  if (first !== undefined && /^[a-z][a-z0-9_]*(?:\{.*\})?$/.test(first) && !/^\d/.test(first)) {
    details = first;
    i++;
    // Istio: %CONNECTION_TERMINATION_DETAILS% then "%UPSTREAM_TRANSPORT_FAILURE_REASON%".
    if (tokens[i] !== undefined && !tokens[i]!.startsWith('"') && !/^\d+$/.test(tokens[i]!)) i++;
    if (tokens[i] !== undefined && tokens[i]!.startsWith('"')) {
      const tf = unquote(tokens[i]!);
      if (tf && tf !== '-') transportFailure = tf;
      i++;
    }
  }
  const numbers: number[] = [];
  while (i < tokens.length && numbers.length < 3 && /^\d+$/.test(tokens[i]!)) numbers.push(Number(tokens[i++]));
  if (numbers.length === 3 && tokens[i] !== undefined && /^(?:\d+|-)$/.test(tokens[i]!)) i++;
  const quoted: string[] = [];
  while (i < tokens.length && tokens[i]!.startsWith('"') && quoted.length < 5) quoted.push(unquote(tokens[i++]!));
  const cluster = tokens[i] !== undefined && !tokens[i]!.startsWith('"') ? tokens[i]!.replace(/\\\|/g, '|') : null;
  const status = /^\d+$/.test(statusText) ? Number(statusText) : null;
  return {
    status,
    flags,
    details,
    transportFailure,
    durationMs: numbers.length === 3 ? numbers[2]! : null,
    upstreamHost: quoted.length === 5 && quoted[4] !== '-' ? quoted[4]! : null,
    upstreamCluster: cluster && cluster !== '-' && numbers.length === 3 ? cluster : null,
    startTime: null,
    istioFormat: details !== null,
  };
}

function envoyResult(text: string, rec: EnvoyRecord, at: number): FamilyResult {
  const start = /^\s*\[(\d{4}-\d\d-\d\dT[^\]]+)\]/.exec(text);
  const observedMs = start ? parseIso(start[1]!) : null;
  return {
    format: 'envoy-access',
    hits: envoyRecordHits(rec, at),
    observedMs,
    upstream: normalizeEnvoyUpstream(rec.upstreamHost) ?? rec.upstreamCluster,
    status: rec.status && rec.status > 0 ? rec.status : null,
  };
}

/** `response_flags="UPE"`, `response_flag=UT status=200 status_details=…`, table dumps `response_flags | UH`. */
function parseEnvoyKeyValue(text: string): FamilyResult | null {
  const flagsKv = /response[_ ]?fl[a-z]*["']?\s*[:=|]\s*["']?([A-Za-z,-]+)/i.exec(text);
  const detailsKv = /(?:response_code_details|status_details)["']?\s*[:=|]\s*["']?([a-z_]+(?:\{[^}]*\})?)/i.exec(text);
  if (!flagsKv && !detailsKv) return null;
  const flags = flagsKv ? (parseFlags(flagsKv[1]!) ?? []) : [];
  const statusKv = /(?:response_code|\bstatus)["']?\s*[:=|]\s*["']?(\d{1,3})\b/i.exec(text);
  const upstreamKv = /\bupstream(?:_host)?["']?\s*[:=|]\s*["']?([^\s"',]+)/i.exec(text);
  const durationKv = /(?:total_time_ms|duration)["']?\s*[:=|]\s*["']?(\d+)/i.exec(text);
  const rec: EnvoyRecord = {
    status: statusKv ? Number(statusKv[1]) : null,
    flags,
    details: detailsKv ? detailsKv[1]! : (DETAILS_RE.exec(text)?.[1] ?? null),
    transportFailure: /upstream_transport_failure_reason["']?\s*[:=|]\s*["']([^"']+)/i.exec(text)?.[1] ?? null,
    durationMs: durationKv ? Number(durationKv[1]) : null,
    upstreamHost: upstreamKv ? upstreamKv[1]! : null,
    upstreamCluster: null,
    startTime: null,
    istioFormat: false,
  };
  const at = (flagsKv ?? detailsKv)!.index;
  return { ...envoyResult(text, rec, at), format: 'envoy-access' };
}

/** Local-reply bodies, gRPC status texts and Envoy's own debug log. */
function parseEnvoyMessage(text: string): FamilyResult | null {
  const body = /upstream connect error or disconnect\/reset before headers\.?(?:\s*(?:retried and the latest )?reset reason:\s*([a-z][a-z _]*[a-z])(?:,\s*transport failure reason:\s*([^\n"}]*))?)?/i.exec(
    text,
  );
  if (body) {
    const hits = resetReasonHits((body[1] ?? '').trim(), (body[2] ?? '').trim(), body.index, null, {});
    return { format: 'envoy-reply', hits };
  }
  const debugReset = /upstream reset: reset reason:?\s*([a-z][a-z _]*[a-z])(?:,\s*transport failure reason:\s*([^\n"}]*))?/i.exec(text);
  if (debugReset) {
    return { format: 'envoy-log', hits: resetReasonHits(debugReset[1]!.trim(), (debugReset[2] ?? '').trim(), debugReset.index, null, {}) };
  }
  // Envoy's debug log: the router's own timeout and the connection pool's circuit breaker.
  const routerTimeout = /\]\s*(?:\[C\d+\])?\s*(?:\[S\d+\])?\s*upstream (?:per try )?timeout\s*$/.exec(text);
  if (routerTimeout) return { format: 'envoy-log', hits: [hit('UPSTREAM_TIMEOUT', 'envoy.router_upstream_timeout', 9, { at: routerTimeout.index })] };
  const overflow = /\bmax (?:pending requests|connections|requests) overflow\b|\bpending requests overflow\b/i.exec(text);
  if (overflow && /\[(?:pool|router|connection|upstream)\]/.test(text)) {
    return { format: 'envoy-log', hits: [hit('CAPACITY', 'envoy.circuit_breaker_overflow', 9, { at: overflow.index })] };
  }
  const local = /Sending local reply with details ([a-z_]+(?:\{[^}]*\})?)/i.exec(text);
  if (local) {
    return { format: 'envoy-log', hits: detailsHits(local[1]!.replace(/\{([^}]*)\}/, (_m, inner: string) => `{${inner.replace(/ /g, '_')}}`), null, null, local.index, null, {}) };
  }
  const noHealthy = /\bno healthy upstream\b/i.exec(text);
  if (noHealthy) return { format: 'envoy-reply', hits: [hit('UPSTREAM_DOWN', 'envoy.no_healthy_upstream', 10, { at: noHealthy.index })] };
  const timeout = /\bupstream request timeout\b/i.exec(text);
  if (timeout) return { format: 'envoy-reply', hits: [hit('UPSTREAM_TIMEOUT', 'envoy.upstream_request_timeout', 10, { at: timeout.index })] };
  const details = DETAILS_RE.exec(text);
  if (details) {
    return { format: 'envoy-access', hits: detailsHits(details[1]!, null, null, details.index, null, {}) };
  }
  return null;
}

/** Envoy/Istio JSON access log record. */
export function parseEnvoyJson(obj: Record<string, unknown>, text: string): FamilyResult | null {
  const hasEnvoyKeys = 'response_flags' in obj || 'response_code_details' in obj || ('upstream_host' in obj && 'response_code' in obj);
  if (!hasEnvoyKeys) return null;
  const flagsRaw = str(obj.response_flags) ?? '-';
  const status = num(obj.response_code);
  const rec: EnvoyRecord = {
    status,
    flags: parseFlags(flagsRaw) ?? [],
    details: str(obj.response_code_details),
    transportFailure: nonDash(str(obj.upstream_transport_failure_reason)),
    durationMs: num(obj.duration),
    upstreamHost: nonDash(str(obj.upstream_host)),
    upstreamCluster: nonDash(str(obj.upstream_cluster)),
    startTime: str(obj.start_time),
    istioFormat: false,
  };
  const at = Math.max(0, text.indexOf('response_flags'));
  return {
    format: 'envoy-json',
    hits: envoyRecordHits(rec, at),
    observedMs: rec.startTime ? parseIso(rec.startTime) : null,
    upstream: normalizeEnvoyUpstream(rec.upstreamHost) ?? rec.upstreamCluster,
    status: status && status > 0 ? status : null,
  };
}

function nonDash(s: string | null): string | null {
  return s === null || s === '' || s === '-' ? null : s;
}

