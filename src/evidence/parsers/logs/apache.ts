import { errnoKind, hit, normalizeUpstream, type FamilyResult, type Hit } from './hit.js';
import { monthIndex, utcMs } from './timestamps.js';

/**
 * Apache httpd error log, mod_proxy and friends:
 * `[Tue Mar 07 15:19:36.808362 2017] [proxy:error] [pid 2657:tid 1406…] (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:8082 (localhost) failed`.
 * The APR error in parentheses says what happened; the AH code says where. APR's own codes
 * matter: 70007 is "The timeout specified has expired".
 */

const DATE_RE = /^\s*\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) +(\d\d?) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})\]/;
const MODULE_LEVEL_RE = /\[(?:[a-z_0-9]+:)?(emerg|alert|crit|error|warn|notice|info|debug|trace\d)\]/;
const GATE_RE = /\bAH\d{5}:|ap_proxy_|\[proxy(?:_\w+)?:\w+\]|\bproxy: /;

export function parseApacheError(text: string): FamilyResult | null {
  const date = DATE_RE.exec(text);
  if (!date && !GATE_RE.test(text)) return null;
  if (date && !MODULE_LEVEL_RE.test(text)) return null;
  let observedMs: number | null = null;
  if (date) {
    const month = monthIndex(date[1]!);
    if (month !== null) {
      observedMs = utcMs(Number(date[7]), month, Number(date[2]), Number(date[3]), Number(date[4]), Number(date[5]), Number((date[6] ?? '0').slice(0, 3).padEnd(3, '0')));
    }
  }
  const upstream = upstreamOf(text);
  return { format: 'apache-error', hits: classifyApache(text), observedMs, upstream };
}

function upstreamOf(text: string): string | null {
  const patterns = [
    /attempt to connect to (?:Unix domain socket )?(\S+)/i,
    /remote server (\[[^\]]+\](?::\d+)?|\d[\d.]*(?::\d+)?|[\w.-]+:\d+)/i,
    /to backend: (\S+)/i,
    /disabling worker for \(([^)]+)\)/i,
    /DNS lookup failure for: (\S+)/i,
    /connection for \(([^)]+)\)/i,
  ];
  for (const re of patterns) {
    const m = re.exec(text);
    if (m) {
      const raw = m[1]!;
      return raw.startsWith('/') ? `unix:${raw}` : normalizeUpstream(raw);
    }
  }
  return null;
}

function classifyApache(text: string): Hit[] {
  const hits: Hit[] = [];
  const apr = /\((\d+)\)([^:]+):/.exec(text);
  const aprCode = apr ? Number(apr[1]) : null;
  const aprText = apr ? apr[2]! : '';
  const timedOut = aprCode === 70007 || /timeout specified has expired|timed out/i.test(aprText);
  const kind = apr ? errnoKind(aprCode, aprText) : null;
  const detail: Record<string, unknown> = apr ? { apr: aprCode, error: aprText.trim() } : {};
  const code = /\b(AH\d{5}):/.exec(text)?.[1];
  if (code) detail.code = code;
  const at = (re: RegExp): number => Math.max(0, text.search(re));

  if (/server reached Max(?:RequestWorkers|Clients) setting|scoreboard is full/i.test(text)) {
    hits.push(hit('CAPACITY', 'apache.max_workers_reached', 9, { at: at(/reached|scoreboard/i), detail }));
    return hits;
  }
  if (/DNS lookup failure for/i.test(text)) {
    hits.push(hit('DNS', 'apache.proxy_dns_failure', 10, { at: at(/DNS lookup failure/i), detail }));
    return hits;
  }
  if (/SSL Proxy requested for .* but not enabled|\bSSLProxyEngine\b/i.test(text)) {
    // mod_proxy was told to reach an https backend without SSLProxyEngine on: a configuration fix.
    hits.push(hit('GATEWAY_CONFIG', 'apache.ssl_proxy_engine_off', 9, { at: at(/SSL Proxy/i), detail }));
    hits.push(hit('TLS', 'apache.proxy_ssl_failed', 4, { at: at(/SSL Proxy/i), detail }));
    return hits;
  }
  if (/\[remote [^\]]+\].*Certificate Verification: Error/i.test(text)) {
    // mod_ssl verifying the backend's certificate ([remote …]); with [client …] it is a client's.
    hits.push(hit('TLS', 'apache.backend_certificate_rejected', 9, { at: at(/Certificate Verification/i), detail }));
    return hits;
  }
  if (/SSL Proxy|SSL handshake (?:with remote server|to proxy)|Error during SSL Handshake with remote server|proxy: pass request body failed .* SSL/i.test(text)) {
    hits.push(hit('TLS', 'apache.proxy_ssl_failed', 9, { at: at(/SSL/), detail }));
    return hits;
  }
  if (/No protocol handler was valid/i.test(text)) {
    hits.push(hit('GATEWAY_CONFIG', 'apache.no_protocol_handler', 8, { at: at(/No protocol handler/i), detail }));
    return hits;
  }
  if (/All workers are in error state/i.test(text)) {
    hits.push(hit('UPSTREAM_DOWN', 'apache.balancer_all_workers_in_error', 9, { at: at(/All workers/i), detail }));
    return hits;
  }

  const connectFailed = /attempt to connect to .* failed|failed to make connection to backend|ap_proxy_connect_backend|disabled connection for/i;
  if (connectFailed.test(text)) {
    const where = at(connectFailed);
    if (timedOut) {
      hits.push(hit('UPSTREAM_TIMEOUT', 'apache.connect_timeout', 6, { at: where, detail }));
      hits.push(hit('NETWORK', 'apache.connect_timeout_network', 3, { at: where, detail }));
    } else if (kind === 'unreachable') {
      hits.push(hit('NETWORK', 'apache.no_route_to_backend', 9, { at: where, detail }));
    } else if (kind === 'permission') {
      hits.push(hit('GATEWAY_CONFIG', 'apache.connect_permission_denied', 9, { at: where, detail }));
    } else if (kind === 'refused') {
      hits.push(hit('UPSTREAM_DOWN', 'apache.connect_refused', 10, { at: where, detail }));
    } else if (kind === 'no_such_file') {
      hits.push(hit('UPSTREAM_DOWN', 'apache.backend_socket_missing', 8, { at: where, detail }));
    } else if (kind === 'again' || kind === 'fd_limit' || kind === 'no_ports') {
      hits.push(hit('CAPACITY', 'apache.connect_resources_exhausted', 8, { at: where, detail }));
    } else if (/disabling worker|disabled connection/i.test(text)) {
      hits.push(hit('UPSTREAM_DOWN', 'apache.worker_disabled', 8, { at: where, detail }));
    } else {
      hits.push(hit('UPSTREAM_DOWN', 'apache.connect_failed', 8, { at: where, detail }));
    }
    return hits;
  }

  const readFailed =
    /error reading status line from remote server|Error reading from remote server|Failed to read FastCGI header|Got bogus version|Error dispatching request to|error reading response|pass request body failed|Timeout on 100-Continue/i;
  if (readFailed.test(text)) {
    const where = at(readFailed);
    if (timedOut || /Timeout on 100-Continue/i.test(text)) {
      hits.push(hit('UPSTREAM_TIMEOUT', 'apache.backend_read_timeout', 10, { at: where, detail }));
    } else if (/status line/i.test(text)) {
      hits.push(hit('UPSTREAM_RESET', 'apache.status_line_read_failed', 8, { at: where, detail }));
    } else if (/bogus version|FastCGI header/i.test(text)) {
      hits.push(hit('UPSTREAM_RESET', 'apache.invalid_backend_response', 7, { at: where, detail }));
    } else {
      hits.push(hit('UPSTREAM_RESET', 'apache.backend_read_failed', 6, { at: where, detail }));
    }
    return hits;
  }
  if (/Response header name .* contains invalid characters|Invalid response status line|bad HTTP\/[\d.]+ header returned/i.test(text)) {
    hits.push(hit('UPSTREAM_RESET', 'apache.invalid_backend_response', 7, { at: at(/Response header|Invalid response|bad HTTP/i), detail }));
  }
  return hits;
}
