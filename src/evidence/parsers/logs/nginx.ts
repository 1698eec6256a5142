import { errnoKind, hit, normalizeUpstream, type ErrnoKind, type FamilyResult, type Hit } from './hit.js';
import { utcMs } from './timestamps.js';

/**
 * nginx error log and everything that writes it: OpenResty, Tengine, Kong, APISIX, njs, the
 * stream module and third-party resolver modules. Layout:
 * `2016/03/14 21:12:15 [error] 7158#0: *22 <message>, client: …, server: …, upstream: "…"`.
 * Issue threads often quote only the message, so the message phrases alone also identify it.
 */

const HEADER_RE = /(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) \[(debug|info|notice|warn|error|crit|alert|emerg)\]/;
const LEVEL_ONLY_RE = /\[(debug|info|notice|warn|error|crit|alert|emerg)\]\s*\d+\s*#\s*\d+:|nginx: \[(emerg|alert|warn)\]|(?:^|\s)(error|crit|alert|emerg)\]\s*\d+#\d+:/;
const MESSAGE_GATE_RE =
  /while (?:connecting to|reading response header from|reading|sending request to|sending to|SSL handshaking|resolving|proxying)|upstream: "|, client: |worker_connections|could not be resolved|host not found in upstream|no live upstreams|upstream (?:timed out|prematurely closed|sent|server temporarily disabled|servers are busy|SSL certificate)|SSL_do_handshake\(\)|no resolver defined|unexpected (?:DNS )?response for|resolver failed|DNS resolution failed|failed to create fake connection|ring-balancer|\[lua\]/i;

/** The fixed head of an nginx error line, up to its connection number: `2024/05/06 07:08:09 [error] 7#7: *123 `. */
const HEAD_RE = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) \[(debug|info|notice|warn|error|crit|alert|emerg)\] \d+#\d+: (?:\*\d+ )?/;

/**
 * What decides how an nginx error line is classified, for recognising repeats of it: the level and
 * the message after the head (the fields from `, client: ` on are not read by the classifier),
 * with the line's time. Null for lines of another shape, which are always analysed in full.
 */
export function nginxMessageKey(text: string): { key: string; observedMs: number } | null {
  const head = HEAD_RE.exec(text);
  if (!head) return null;
  const fieldsAt = text.indexOf(', client: ', head[0].length);
  if (fieldsAt === -1) return null;
  const observedMs = utcMs(Number(head[1]), Number(head[2]) - 1, Number(head[3]), Number(head[4]), Number(head[5]), Number(head[6]));
  if (observedMs === null) return null;
  return { key: `${head[7]} ${text.slice(head[0].length, fieldsAt)}`, observedMs };
}

export function looksLikeNginxError(text: string): boolean {
  return HEADER_RE.test(text) || LEVEL_ONLY_RE.test(text) || MESSAGE_GATE_RE.test(text);
}

export function parseNginxError(text: string): FamilyResult | null {
  const header = HEADER_RE.exec(text);
  let level: string | null = null;
  let observedMs: number | null = null;
  if (header) {
    level = header[7]!;
    observedMs = utcMs(Number(header[1]), Number(header[2]) - 1, Number(header[3]), Number(header[4]), Number(header[5]), Number(header[6]));
  } else {
    const lvl = LEVEL_ONLY_RE.exec(text);
    if (lvl) level = (lvl[1] ?? lvl[2] ?? lvl[3])!;
    else if (!MESSAGE_GATE_RE.test(text)) return null;
  }
  const upstream = upstreamOf(text);
  const hits = classifyNginxMessage(text, level);
  // Known only by a phrase (no nginx header or level) and saying nothing: leave the line to the
  // families after this one, which may know its real layout (a Traefik logfmt line quoting
  // "while resolving", say).
  if (!header && level === null && hits.length === 0) return null;
  return { format: 'nginx-error', hits, observedMs, upstream };
}

/** The `upstream: "…"` field, or the address a connect()/resolver message names. */
export function upstreamOf(text: string): string | null {
  const field = /upstream:\s*"([^"]+)"/i.exec(text);
  if (field) return normalizeUpstream(field[1]);
  const connectTo = /connect\s*\(\)\s*to\s+(.+?)\s+failed/i.exec(text);
  if (connectTo) return normalizeUpstream(connectTo[1]!.replace(/:\s+/, ':'));
  const hostNotFound = /host not found in upstream "([^"]+)"/i.exec(text);
  if (hostNotFound) return hostNotFound[1]!;
  const resolved = /(?:^|\s|\*\d+\s)([A-Za-z0-9_.-]+|'[^']+'|"[^"]+") could not be resolved/.exec(text);
  if (resolved) return resolved[1]!.replace(/['"]/g, '');
  const resolver = /resolver:\s*([^\s,]+)/i.exec(text);
  if (resolver) return normalizeUpstream(resolver[1]);
  const dns = /(?:resolver failed,|unexpected (?:DNS )?response for|resolve for)\s*"?([A-Za-z0-9_.-]+)"?/i.exec(text);
  if (dns) return dns[1]!;
  return null;
}

type Phase = 'connect' | 'handshake' | 'send' | 'read' | 'resolve' | 'client' | 'unknown';

function phaseOf(context: string | null, operation: string | null): Phase {
  if (context) {
    const c = context.toLowerCase();
    if (c.includes('resolving')) return 'resolve';
    if (c.includes('ssl handshaking')) return c.includes(' to ') ? 'handshake' : 'client';
    // Active health checks (nginx_upstream_check_module, Tengine) connect to the upstream too.
    if (c.includes('connecting to upstream') || c === 'checking') return 'connect';
    if (c.includes('sending request to upstream') || c.includes('sending to upstream')) return 'send';
    if (c.includes('upstream') || c.includes('proxying')) return 'read';
    return 'client';
  }
  if (operation === 'connect') return 'connect';
  return 'unknown';
}

/** Classify an nginx-family error message. `level` is the bracketed severity when known. */
export function classifyNginxMessage(text: string, level: string | null): Hit[] {
  const hits: Hit[] = [];
  // Phrases are looked for in the message only: the fields nginx appends after it (client,
  // server, the request line, upstream URL, host, referrer) hold what clients sent, and a URL
  // like `/docs/no live upstreams` must not read as nginx saying so. One lower-cased copy and
  // substring checks: far cheaper than a battery of /i regexes.
  const fieldsAt = text.indexOf(', client: ');
  const message = fieldsAt === -1 ? text : text.slice(0, fieldsAt);
  const lower = message.toLowerCase();
  const has = (phrase: string): boolean => lower.includes(phrase);
  const at = (phrase: string): number => Math.max(0, lower.indexOf(phrase));

  // Exhaustion is a cause whichever side of the proxy it happens on.
  if (has('worker_connections are not enough') || has('worker_connections is not enough')) {
    hits.push(hit('CAPACITY', 'nginx.worker_connections_exhausted', 10, { at: at('worker_connections') }));
    return hits;
  }
  if (has('upstream servers are busy')) {
    hits.push(hit('CAPACITY', 'nginx.upstream_servers_busy', 6, { at: at('upstream servers are busy') }));
    return hits;
  }
  if (has('failed to create fake connection') || has('lua_max_running_timers') || has('lua_max_pending_timers')) {
    hits.push(hit('CAPACITY', 'openresty.timers_exhausted', 6, { at: Math.max(at('fake connection'), at('lua_max')) }));
    return hits;
  }

  const errno = /\(\s*(\d+)\s*:\s*([^)]*)\)/.exec(message);
  const errnoNum = errno ? Number(errno[1]) : null;
  const kind: ErrnoKind | null = errno ? errnoKind(errnoNum, errno[2]!) : null;
  const operation = /\b(connect|socket|recv|send|writev|readv|read|write|accept4?|SSL_do_handshake|SSL_read|SSL_write|SSL_shutdown)\s*\(\s*\)/.exec(message)?.[1] ?? null;
  const contextMatch = /\bwhile\s+([a-z][a-z0-9 _-]*?)(?:\s*,|\s*$|\s+client:)/i.exec(message);
  const context = contextMatch ? contextMatch[1]! : null;
  const phase = phaseOf(context, operation);
  const errnoAt = errno ? errno.index : 0;
  // Field by field: conditional spreads cost several times more on this per-line path.
  const detail: Record<string, unknown> = {};
  if (errno) {
    detail.errno = errnoNum;
    detail.error = errno[2]!.trim();
  }
  if (context) detail.context = context;

  if (kind === 'fd_limit' || has('too many open files')) {
    hits.push(hit('CAPACITY', 'nginx.too_many_open_files', 10, { at: errnoAt, detail }));
    return hits;
  }

  // DNS: runtime resolver failures, startup "host not found", Kong's and modules' resolvers.
  if (has('could not be resolved')) {
    hits.push(hit('DNS', 'nginx.resolve_failed', 10, { at: at('could not be resolved'), detail }));
    return hits;
  }
  if (has('host not found in upstream')) {
    hits.push(hit('DNS', 'nginx.host_not_found_in_upstream', 10, { at: at('host not found'), detail }));
    return hits;
  }
  if (has('no resolver defined to resolve')) {
    hits.push(hit('DNS', 'nginx.no_resolver_defined', 8, { at: at('no resolver') }));
    hits.push(hit('GATEWAY_CONFIG', 'nginx.no_resolver_directive', 5, { at: at('no resolver') }));
    return hits;
  }
  const resolverPhrase = ['unexpected dns response for', 'unexpected response for', 'resolver failed', 'dns server error', 'dns client error', 'dns resolution failed', 'name resolution failed', 'failed the initial dns'].find(has);
  if (resolverPhrase) {
    hits.push(hit('DNS', 'nginx.resolver_error', 9, { at: at(resolverPhrase), detail }));
    return hits;
  }
  if (phase === 'resolve') {
    // "Connection refused … while resolving" is the DNS server refusing, not the upstream.
    hits.push(hit('DNS', 'nginx.resolver_unreachable', 9, { at: errnoAt, detail }));
    return hits;
  }

  // OpenResty's cosockets (Lua code reaching a backend or a dependency such as Redis or an auth
  // service) and njs's fetch log their own wording, without nginx's "while … upstream" context.
  if (has('lua tcp socket connect timed out')) {
    hits.push(hit('UPSTREAM_TIMEOUT', 'openresty.cosocket_connect_timeout', 6, { at: at('lua tcp socket'), detail }));
    hits.push(hit('NETWORK', 'openresty.cosocket_connect_timeout_network', 3, { at: at('lua tcp socket'), detail }));
    return hits;
  }
  if (has('lua tcp socket read timed out') || has('lua tcp socket send timed out')) {
    hits.push(hit('UPSTREAM_TIMEOUT', 'openresty.cosocket_io_timeout', 6, { at: at('lua tcp socket'), detail }));
    return hits;
  }
  if (has('lua udp socket read timed out')) {
    // UDP cosockets are lua-resty-dns's: a name server that does not answer.
    hits.push(hit('DNS', 'openresty.dns_query_timeout', 5, { at: at('lua udp socket'), detail }));
    return hits;
  }
  if (has('failed to connect: connection refused')) {
    hits.push(hit('UPSTREAM_DOWN', 'openresty.connect_refused', 6, { at: at('failed to connect'), detail }));
    return hits;
  }
  if (has('js exception') || has('js fetch') || has('js http fetch')) {
    const where = Math.max(at('js exception'), at('js fetch'), at('js http fetch'));
    if (has('connect failed') || has('connection refused')) hits.push(hit('UPSTREAM_DOWN', 'njs.fetch_connect_failed', 5, { at: where, detail }));
    else if (has('timed out')) hits.push(hit('UPSTREAM_TIMEOUT', 'njs.fetch_timeout', 5, { at: where, detail }));
    else if (has('prematurely closed') || has('connection closed')) hits.push(hit('UPSTREAM_RESET', 'njs.fetch_connection_closed', 5, { at: where, detail }));
    if (hits.length > 0) return hits;
  }

  // Active health checks failing: Tengine's and nginx_upstream_check_module's, and
  // lua-resty-healthcheck's (Kong, APISIX) counters.
  if (has('disable check peer') || (has('check protocol') && has('error with peer'))) {
    hits.push(hit('UPSTREAM_DOWN', 'nginx.health_check_failed', 6, { at: Math.max(at('disable check'), at('check protocol')), detail }));
    return hits;
  }
  if (has('check time out with peer')) {
    hits.push(hit('UPSTREAM_DOWN', 'nginx.health_check_timeout', 5, { at: at('check time out'), detail }));
    hits.push(hit('UPSTREAM_TIMEOUT', 'nginx.health_check_slow_peer', 4, { at: at('check time out'), detail }));
    return hits;
  }
  if (has('[healthcheck]') && has('unhealthy')) {
    const where = at('unhealthy');
    if (has('unhealthy timeout increment')) {
      hits.push(hit('UPSTREAM_TIMEOUT', 'healthcheck.timeouts', 4, { at: where, detail }));
      hits.push(hit('UPSTREAM_DOWN', 'healthcheck.unhealthy', 4, { at: where, detail }));
    } else {
      hits.push(hit('UPSTREAM_DOWN', has('unhealthy tcp increment') ? 'healthcheck.tcp_failures' : 'healthcheck.unhealthy', 6, { at: where, detail }));
    }
    return hits;
  }

  if (has('failure to get a peer from the ring-balancer')) {
    hits.push(hit('UPSTREAM_DOWN', 'kong.no_healthy_targets', 9, { at: at('failure to get a peer') }));
    return hits;
  }
  if (has('failed to pick server') || has('no valid upstream node')) {
    hits.push(hit('UPSTREAM_DOWN', 'apisix.no_upstream_node', 8, { at: Math.max(at('failed to pick'), at('no valid upstream')) }));
    return hits;
  }

  // Client-side problems (scanners' TLS, clients closing) are not upstream causes.
  if (phase === 'client') return hits;
  // The application's own stderr relayed by FastCGI is not a transport failure.
  if (has('fastcgi sent in stderr')) return hits;

  const certificate = has('certificate verify error') || has('certificate does not match');
  if (phase === 'handshake' || certificate) {
    if (certificate) {
      hits.push(hit('TLS', 'nginx.upstream_ssl_verify_failed', 10, { at: at('certificate'), detail }));
    } else if (has('upstream timed out') || kind === 'timeout') {
      hits.push(hit('UPSTREAM_TIMEOUT', 'nginx.upstream_ssl_handshake_timeout', 5, { at: errnoAt, detail }));
      hits.push(hit('TLS', 'nginx.upstream_ssl_handshake_failed', 4, { at: errnoAt, detail }));
    } else if (has('ssl_do_handshake()')) {
      const reason = /SSL:\s*([^)]*?)(?:\)|$)/.exec(text)?.[1];
      hits.push(
        hit('TLS', 'nginx.upstream_ssl_handshake_failed', 10, { at: at('ssl_do_handshake'), detail: { ...detail, ...(reason ? { ssl: reason.trim() } : {}) } }),
      );
    } else {
      hits.push(hit('TLS', 'nginx.upstream_ssl_peer_closed', 9, { at: Math.max(at('ssl handshak'), at('peer closed')), detail }));
    }
    return hits;
  }

  if (has('upstream timed out') || (kind === 'timeout' && phase !== 'unknown')) {
    if (phase === 'connect') {
      hits.push(hit('UPSTREAM_TIMEOUT', 'nginx.connect_timeout', 6, { at: errnoAt, detail }));
      hits.push(hit('NETWORK', 'nginx.connect_timeout_network', 3, { at: errnoAt, detail }));
      hits.push(hit('UPSTREAM_DOWN', 'nginx.connect_timeout_host_down', 2.5, { at: errnoAt, detail }));
    } else if (context !== null && context.toLowerCase().includes('upgraded connection')) {
      // An idle WebSocket hitting proxy_read_timeout: expected churn more than an outage.
      hits.push(hit('UPSTREAM_TIMEOUT', 'nginx.websocket_idle_timeout', 2, { at: errnoAt, detail }));
    } else if (phase === 'send') {
      hits.push(hit('UPSTREAM_TIMEOUT', 'nginx.send_timeout', 9, { at: errnoAt, detail }));
    } else {
      hits.push(hit('UPSTREAM_TIMEOUT', 'nginx.upstream_timed_out', 10, { at: at('timed out'), detail }));
    }
    return hits;
  }

  if (has('no live upstreams')) {
    // All peers of the upstream block are marked down: an empty/unusable pool (typical of
    // generated configs) or servers that failed max_fails recently.
    hits.push(hit('GATEWAY_CONFIG', 'nginx.no_live_upstreams', 5, { at: at('no live upstreams') }));
    hits.push(hit('UPSTREAM_DOWN', 'nginx.all_upstreams_failed', 4, { at: at('no live upstreams') }));
    return hits;
  }
  if (has('upstream server temporarily disabled')) {
    hits.push(hit('UPSTREAM_DOWN', 'nginx.upstream_disabled', 6, { at: at('temporarily disabled') }));
    return hits;
  }
  if (has('upstream rejected request with error')) {
    // gRPC/HTTP2 upstream reset the stream (RST_STREAM with an error code).
    hits.push(hit('UPSTREAM_RESET', 'nginx.upstream_rejected_stream', 7, { at: at('upstream rejected') }));
    return hits;
  }
  if (has('upstream sent too big header')) {
    hits.push(hit('GATEWAY_CONFIG', 'nginx.upstream_header_too_big', 10, { at: at('too big header') }));
    return hits;
  }
  if (has('upstream sent')) {
    hits.push(hit('UPSTREAM_RESET', 'nginx.upstream_invalid_response', 7, { at: at('upstream sent') }));
    return hits;
  }
  if (has('upstream prematurely closed')) {
    hits.push(hit('UPSTREAM_RESET', 'nginx.upstream_prematurely_closed', 8, { at: at('prematurely closed') }));
    hits.push(hit('GATEWAY_CONFIG', 'nginx.keepalive_race', 2, { at: at('prematurely closed') }));
    return hits;
  }

  if (kind !== null && (phase === 'connect' || (phase === 'unknown' && operation === 'connect'))) {
    connectFailure(hits, kind, text, errnoAt, detail);
    return hits;
  }
  if (kind !== null && (phase === 'read' || phase === 'send')) {
    switch (kind) {
      case 'reset':
        hits.push(hit('UPSTREAM_RESET', 'nginx.upstream_reset', 9, { at: errnoAt, detail }));
        break;
      case 'broken_pipe':
        hits.push(hit('UPSTREAM_RESET', 'nginx.upstream_broken_pipe', 8, { at: errnoAt, detail }));
        break;
      case 'aborted':
      case 'refused':
        hits.push(hit('UPSTREAM_RESET', 'nginx.upstream_aborted', 7, { at: errnoAt, detail }));
        break;
      case 'no_memory':
        hits.push(hit('CAPACITY', 'nginx.out_of_memory', 8, { at: errnoAt, detail }));
        break;
      default:
        break;
    }
    if (hits.length > 0) return hits;
  }
  if ((has('ssl_read() failed') || has('ssl_write() failed')) && phase === 'read') {
    const where = Math.max(at('ssl_read'), at('ssl_write'));
    hits.push(hit('UPSTREAM_RESET', 'nginx.upstream_ssl_io_failed', 5, { at: where, detail }));
    hits.push(hit('TLS', 'nginx.upstream_ssl_io_error', 4, { at: where, detail }));
    return hits;
  }
  if (has('limiting requests') || has('limiting connections')) {
    hits.push(hit('CAPACITY', 'nginx.limit_req_rejected', 3, { at: at('limiting') }));
    return hits;
  }
  if (level === 'emerg' && !has('deprecated')) {
    hits.push(hit('GATEWAY_CONFIG', 'nginx.config_invalid', 5, { at: at('[emerg]') }));
  }
  return hits;
}

function connectFailure(hits: Hit[], kind: ErrnoKind, text: string, at: number, detail: Record<string, unknown>): void {
  switch (kind) {
    case 'refused':
      hits.push(hit('UPSTREAM_DOWN', 'nginx.connect_refused', 10, { at, detail }));
      return;
    case 'timeout':
      hits.push(hit('UPSTREAM_TIMEOUT', 'nginx.connect_timeout', 6, { at, detail }));
      hits.push(hit('NETWORK', 'nginx.connect_timeout_network', 3, { at, detail }));
      return;
    case 'unreachable':
      hits.push(hit('NETWORK', 'nginx.no_route_to_upstream', 9, { at, detail }));
      return;
    case 'reset':
    case 'aborted':
      hits.push(hit('UPSTREAM_RESET', 'nginx.connect_reset', 6, { at, detail }));
      hits.push(hit('UPSTREAM_DOWN', 'nginx.connect_reset_host_down', 4, { at, detail }));
      return;
    case 'no_such_file': {
      // A unix socket that is not there. Under /tmp it usually exists, but in another mount
      // namespace (systemd PrivateTmp), which is the gateway's service setup.
      const socket = /unix:\s*(\/[^\s:"]*)/i.exec(text)?.[1] ?? '';
      if (socket.startsWith('/tmp/') || socket.startsWith('/var/tmp/')) {
        hits.push(hit('GATEWAY_CONFIG', 'nginx.upstream_socket_in_private_tmp', 7, { at, detail: { ...detail, socket } }));
        hits.push(hit('UPSTREAM_DOWN', 'nginx.upstream_socket_missing', 4, { at, detail: { ...detail, socket } }));
      } else {
        hits.push(hit('UPSTREAM_DOWN', 'nginx.upstream_socket_missing', 7, { at, detail: { ...detail, socket } }));
        hits.push(hit('GATEWAY_CONFIG', 'nginx.upstream_socket_path_wrong', 4, { at, detail: { ...detail, socket } }));
      }
      return;
    }
    case 'permission':
      // SELinux (httpd_can_network_connect) or socket file permissions: host policy.
      hits.push(hit('GATEWAY_CONFIG', 'nginx.connect_permission_denied', 9, { at, detail }));
      return;
    case 'again':
      // EAGAIN on a unix-socket connect: the upstream's listen backlog is full.
      hits.push(hit('CAPACITY', 'nginx.upstream_backlog_full', 8, { at, detail }));
      return;
    case 'no_ports':
      hits.push(hit('CAPACITY', 'nginx.local_ports_exhausted', 9, { at, detail }));
      return;
    case 'no_memory':
      hits.push(hit('CAPACITY', 'nginx.out_of_memory', 8, { at, detail }));
      return;
    case 'host_not_found':
      hits.push(hit('DNS', 'nginx.resolve_failed', 9, { at, detail }));
      return;
    default:
      hits.push(hit('UPSTREAM_DOWN', 'nginx.connect_failed', 6, { at, detail }));
  }
}
