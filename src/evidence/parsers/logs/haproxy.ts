import { hit, type FamilyResult, type Hit } from './hit.js';
import { parseClf } from './timestamps.js';

/**
 * HAProxy: the HTTP/TCP log line (termination state, timers), server health messages and the
 * client-facing error pages. Termination states follow configuration.txt §8.5: the first letter
 * says who ended the session (S server, s server timeout, P/R/I proxy, C/c client …), the second
 * in which phase (C connect, H headers, D data, Q queue …).
 */

// `[25/Feb/2019:16:19:48.143] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes cookie cookie TERM`
const HTTP_LOG_RE =
  /\[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d{3})?)\] (\S+) (\S+) (-?\d+)\/(-?\d+)\/(-?\d+)\/(-?\d+)\/(\+?-?\d+) (-?\d{1,3}) (\+?\d+) (\S+) (\S+) ([A-Za-z-]{4})(?=\s|$)/;
// TCP log: `… frontend backend/server Tw/Tc/Tt bytes TERM actconn/…`
const TCP_LOG_RE =
  /\[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d{3})?)\] (\S+) (\S+) (-?\d+)\/(-?\d+)\/(\+?-?\d+) (\+?\d+) ([A-Za-z-]{2}) \d+\/\d+\/\d+\/\d+\/\+?\d+/;
// Case matters: "is DOWN" is HAProxy's, "is down" is anybody's (Cloudflare's 521 page, say).
const MESSAGE_GATE_RE =
  /[Hh]aproxy|HAProxy|Server \S+ is DOWN|has no server available|No server is available to handle this request|Health check for (?:backup )?server|The server didn't respond in time|The server returned an invalid or incomplete response|\[(?:WARNING|ALERT|NOTICE)\]\s+(?:\d{3}\/\d{6} )?\(\d+\) :/;

export function parseHaproxy(text: string): FamilyResult | null {
  const http = HTTP_LOG_RE.exec(text);
  if (http) {
    const [, date, , backendServer, tq, tw, tc, tr, ta, statusText, , , , term] = http;
    const status = Number(statusText);
    const timers = { Tq: Number(tq), Tw: Number(tw), Tc: Number(tc), Tr: Number(tr), Ta: Number(ta!.replace('+', '')) };
    const hits = terminationHits(term!, status, backendServer!, timers, http.index + http[0].length - 4);
    const bcErr = /\bbc_err=(\S+)/.exec(text)?.[1];
    if (bcErr && bcErr !== '-') for (const h of hits) h.detail = { ...h.detail, bc_err: bcErr };
    return {
      format: 'haproxy',
      hits,
      observedMs: parseClf(date!),
      upstream: serverOf(backendServer!),
      status: status > 0 ? status : null,
    };
  }
  const tcp = TCP_LOG_RE.exec(text);
  if (tcp) {
    const term = tcp[8]!;
    const hits = terminationHits(`${term}--`, 0, tcp[3]!, { Tw: Number(tcp[4]), Tc: Number(tcp[5]), Tt: Number(tcp[6]!.replace('+', '')) }, tcp.index + tcp[0].indexOf(` ${term} `) + 1);
    return { format: 'haproxy', hits, observedMs: parseClf(tcp[1]!), upstream: serverOf(tcp[3]!) };
  }
  if (!MESSAGE_GATE_RE.test(text)) return null;
  const accept = /\[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d{3})?)\]/.exec(text);
  return {
    format: 'haproxy',
    hits: messageHits(text),
    observedMs: accept ? parseClf(accept[1]!) : null,
    upstream: messageServer(text),
  };
}

function serverOf(backendServer: string): string | null {
  if (backendServer.includes('<NOSRV>')) return backendServer.split('/')[0] ?? null;
  return backendServer === '-' ? null : backendServer;
}

function messageServer(text: string): string | null {
  const m = /(?:Server|server) ([^\s,]+\/[^\s,]+)|backend '?([^'\s]+?)'? has no server/.exec(text);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

export function terminationHits(
  term: string,
  status: number,
  backendServer: string,
  timers: Record<string, number>,
  at: number,
): Hit[] {
  const who = term[0]!;
  const phase = term[1]!;
  const signal = `haproxy.term.${who}${phase}`;
  const detail = { termination: term, status, ...timers };
  const hits: Hit[] = [];
  const add = (category: Hit['category'], weight: number, sig = signal): void => {
    hits.push(hit(category, sig, weight, { at, detail }));
  };
  switch (who) {
    case 'S':
      if (phase === 'C') add('UPSTREAM_DOWN', 10);
      else if (phase === 'H') add('UPSTREAM_RESET', 9);
      else if (phase === 'D') add('UPSTREAM_RESET', 7);
      else if (phase === 'L') add('UPSTREAM_RESET', 5);
      else if (phase === 'Q') add('CAPACITY', 5);
      break;
    case 's':
      if (phase === 'H') add('UPSTREAM_TIMEOUT', 10);
      else if (phase === 'C') {
        // `timeout connect` struck: nothing answered the SYN (dead host, firewall) or slowness.
        add('UPSTREAM_TIMEOUT', 6);
        add('NETWORK', 3, `${signal}.network`);
        add('UPSTREAM_DOWN', 3, `${signal}.host_down`);
      } else if (phase === 'D') {
        add('UPSTREAM_TIMEOUT', 5);
        add('GATEWAY_CONFIG', 3, `${signal}.idle_timeout_too_short`);
      } else if (phase === 'Q') add('CAPACITY', 9);
      else if (phase === 'L') add('UPSTREAM_TIMEOUT', 4);
      break;
    case 'P':
      if (phase === 'H') add('UPSTREAM_RESET', 8);
      else if (phase === 'D') add('UPSTREAM_RESET', 6);
      else if (phase === 'C') add('CAPACITY', 9);
      else if (phase === 'L') add('UPSTREAM_RESET', 4);
      break;
    case 'R':
      add('CAPACITY', 8);
      break;
    case 'I':
      add('GATEWAY_CONFIG', 4);
      break;
    case 'D':
      add('UPSTREAM_DOWN', 6);
      break;
    default:
      // C/c (client), L (local response), K (admin kill), U, '-' are not upstream causes.
      break;
  }
  if (hits.length === 0 && status === 503 && backendServer.includes('<NOSRV>') && who !== 'L' && who !== 'P') {
    hits.push(hit('UPSTREAM_DOWN', 'haproxy.no_server_available', 9, { at, detail }));
  }
  return hits;
}

function messageHits(text: string): Hit[] {
  const hits: Hit[] = [];
  const at = (re: RegExp): number => Math.max(0, text.search(re));
  if (/has no server available|No server is available to handle this request/i.test(text)) {
    hits.push(hit('UPSTREAM_DOWN', 'haproxy.no_server_available', 10, { at: at(/no server/i) }));
    return hits;
  }
  if (/The server didn't respond in time/i.test(text)) {
    hits.push(hit('UPSTREAM_TIMEOUT', 'haproxy.page_504', 8, { at: at(/didn't respond/i) }));
    return hits;
  }
  if (/The server returned an invalid or incomplete response/i.test(text)) {
    hits.push(hit('UPSTREAM_RESET', 'haproxy.page_502', 7, { at: at(/invalid or incomplete/i) }));
    return hits;
  }
  if (/no free ports/i.test(text)) {
    hits.push(hit('CAPACITY', 'haproxy.no_free_ports', 9, { at: at(/no free ports/i) }));
    return hits;
  }
  if (/reached (?:process FD limit|system memory limit|the configured maximum connection limit|maxconn)|out of memory/i.test(text)) {
    hits.push(hit('CAPACITY', 'haproxy.limits_reached', 8, { at: at(/reached|out of memory/i) }));
    return hits;
  }
  const down = /(?:Server \S+ is DOWN|Health check for (?:backup )?server \S+ failed)(?:, reason: ([^,]+))?(?:, info: "([^"]*)")?/i.exec(text);
  if (down && !/for maintenance/i.test(text)) {
    healthCheckHits(hits, down[1] ?? '', down[2] ?? '', down.index, /is DOWN/i.test(down[0]) ? 0 : 1);
    return hits;
  }
  if (/\[ALERT\].*(?:parsing \[|Error\(s\) found in configuration|cannot bind socket|Fatal errors found)/i.test(text)) {
    hits.push(hit('GATEWAY_CONFIG', 'haproxy.config_error', 6, { at: at(/\[ALERT\]/) }));
  }
  // "SSL handshake failure" on a frontend, proxy start/stop, "is UP": recognised, not causes.
  return hits;
}

function healthCheckHits(hits: Hit[], reason: string, info: string, at: number, penalty: number): void {
  const r = reason.toLowerCase();
  const i = info.toLowerCase();
  const detail = { reason: reason.trim(), ...(info ? { info } : {}) };
  const add = (category: Hit['category'], signal: string, weight: number): void => {
    hits.push(hit(category, signal, weight - penalty, { at, detail }));
  };
  if (r.includes('health analyze')) {
    // observe layer4/layer7: errors seen on live traffic, not on checks.
    if (i.includes('timeout')) add('UPSTREAM_TIMEOUT', 'haproxy.observe.timeout', 6);
    else if (i.includes('l7')) add('UPSTREAM_RESET', 'haproxy.observe.L7_errors', 6);
    else add('UPSTREAM_DOWN', 'haproxy.observe.L4_errors', 6);
    return;
  }
  if (r.includes('layer4 connection problem') || r.includes('socket error')) {
    if (/no route|unreachable/.test(i)) add('NETWORK', 'haproxy.check.L4_no_route', 8);
    else add('UPSTREAM_DOWN', 'haproxy.check.L4_connection_failed', i.includes('refused') ? 9 : 8);
    return;
  }
  if (r.includes('layer4 timeout')) {
    add('UPSTREAM_DOWN', 'haproxy.check.L4_timeout', 6);
    add('NETWORK', 'haproxy.check.L4_timeout_network', 4);
    return;
  }
  if (r.includes('layer6')) {
    add('TLS', 'haproxy.check.L6_tls_failed', 7);
    return;
  }
  if (r.includes('layer7 timeout')) {
    add('UPSTREAM_TIMEOUT', 'haproxy.check.L7_timeout', 7);
    add('UPSTREAM_DOWN', 'haproxy.check.L7_timeout_down', 4);
    return;
  }
  if (/layer7 wro/.test(r)) {
    // The server answers, but not what the check expects: usually the check (path, Host,
    // expected status) rather than the service.
    add('GATEWAY_CONFIG', 'haproxy.check.L7_wrong_status', 5);
    add('UPSTREAM_DOWN', 'haproxy.check.L7_unhealthy', 4);
    return;
  }
  if (r.includes('layer7 invalid')) {
    add('UPSTREAM_RESET', 'haproxy.check.L7_invalid_response', 5);
    add('UPSTREAM_DOWN', 'haproxy.check.L7_unhealthy', 4);
    return;
  }
  add('UPSTREAM_DOWN', 'haproxy.server_down', 6);
}
