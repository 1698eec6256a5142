import type { CauseCategory } from '../../../diagnosis/cause-category.js';
import type { CauseSignal } from './har-signals.js';

/**
 * Status-0 entries: the browser (or the capturing proxy) got no HTTP response and wrote why in `_error`.
 * Chrome writes `net::ERR_*` names (Chromium net_error_list); mitmproxy and capture-har write their own text.
 * Errors that describe the client itself (offline, ad blocker, navigation cancelled) give no cause finding:
 * they are not evidence about the path to the server.
 */

interface ChromeErrorRule {
  pattern: RegExp;
  causes: readonly [CauseCategory, number][];
  meaning: string;
}

const CLIENT_SIDE_CHROME_ERRORS =
  /^ERR_(?:INTERNET_DISCONNECTED|NETWORK_CHANGED|BLOCKED_BY_CLIENT|BLOCKED_BY_RESPONSE|BLOCKED_BY_ORB|BLOCKED_BY_ADMINISTRATOR|BLOCKED_BY_CSP|ABORTED|CACHE_\w+|FILE_NOT_FOUND|UNKNOWN_URL_SCHEME|NETWORK_ACCESS_DENIED|ACCESS_DENIED|UNSAFE_PORT|UNSAFE_REDIRECT|CLEARTEXT_NOT_PERMITTED|NETWORK_IO_SUSPENDED|INVALID_URL|DISALLOWED_URL_SCHEME|FAILED|INSUFFICIENT_RESOURCES|OUT_OF_MEMORY)$/;

const CHROME_ERROR_RULES: readonly ChromeErrorRule[] = [
  { pattern: /^ERR_(?:NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|DNS_\w+|ICANN_NAME_COLLISION)$/, causes: [['DNS', 5]], meaning: 'the host name did not resolve' },
  { pattern: /^ERR_CONNECTION_REFUSED$/, causes: [['UPSTREAM_DOWN', 4]], meaning: 'the server refused the connection (nothing listening on the port)' },
  {
    pattern: /^ERR_CONNECTION_TIMED_OUT$/,
    causes: [
      ['NETWORK', 2.5],
      ['UPSTREAM_DOWN', 2],
    ],
    meaning: 'the TCP connection timed out (host down, or packets dropped on the path)',
  },
  { pattern: /^ERR_(?:CONNECTION_RESET|CONNECTION_CLOSED|CONNECTION_ABORTED|EMPTY_RESPONSE|SOCKET_NOT_CONNECTED)$/, causes: [['UPSTREAM_RESET', 3]], meaning: 'the server closed or reset the connection without a response' },
  { pattern: /^ERR_TIMED_OUT$/, causes: [['UPSTREAM_TIMEOUT', 2.5]], meaning: 'the request timed out' },
  { pattern: /^ERR_CONNECTION_FAILED$/, causes: [['UPSTREAM_DOWN', 2]], meaning: 'the connection attempt failed' },
  { pattern: /^ERR_(?:ADDRESS_UNREACHABLE|NETWORK_UNREACHABLE|ADDRESS_INVALID)$/, causes: [['NETWORK', 4]], meaning: 'no route to the server address' },
  {
    pattern: /^ERR_(?:SSL_\w+|CERT_\w+|INSECURE_RESPONSE|BAD_SSL_CLIENT_AUTH_CERT|TLS\w*|ECH_\w+|QUIC_HANDSHAKE_FAILED)$/,
    causes: [['TLS', 5]],
    meaning: 'the TLS handshake or certificate check failed',
  },
  {
    pattern: /^ERR_(?:HTTP2_\w+|QUIC_PROTOCOL_ERROR|SPDY_\w+|INVALID_HTTP_RESPONSE|RESPONSE_HEADERS_\w+|INCOMPLETE_CHUNKED_ENCODING|INVALID_CHUNKED_ENCODING|CONTENT_LENGTH_MISMATCH|CONTENT_DECODING_FAILED|INVALID_RESPONSE|UNEXPECTED_PROXY_AUTH)$/,
    causes: [['UPSTREAM_RESET', 2.5]],
    meaning: 'the response broke off or was malformed',
  },
  { pattern: /^ERR_TOO_MANY_REDIRECTS$/, causes: [['GATEWAY_CONFIG', 2]], meaning: 'a redirect loop (often CDN and origin disagreeing on HTTP/HTTPS)' },
  { pattern: /^ERR_(?:PROXY_\w+|TUNNEL_CONNECTION_FAILED)$/, causes: [['NETWORK', 1.5]], meaning: "the client's proxy could not reach the server" },
];

interface TextErrorRule {
  signal: string;
  pattern: RegExp;
  causes: readonly [CauseCategory, number][];
  meaning: string;
}

/** Free-text `_error` values (mitmproxy, capture-har, scripted clients). First match wins. */
const TEXT_ERROR_RULES: readonly TextErrorRule[] = [
  { signal: 'har.error.redirect_loop', pattern: /MAXREDIRECTS|Max redirects exceeded|too many redirects/i, causes: [['GATEWAY_CONFIG', 2]], meaning: 'a redirect loop' },
  {
    signal: 'har.error.dns',
    pattern: /Name or service not known|getaddrinfo|ENOTFOUND|nodename nor servname|NXDOMAIN|Temporary failure in name resolution|EAI_AGAIN|Could not resolve host/i,
    causes: [['DNS', 5]],
    meaning: 'the host name did not resolve',
  },
  { signal: 'har.error.tls', pattern: /certificate|SSL|TLS|handshake/i, causes: [['TLS', 4]], meaning: 'TLS with the server failed' },
  { signal: 'har.error.connection_refused', pattern: /Connection refused|ECONNREFUSED|Errno (?:111|61)\]/i, causes: [['UPSTREAM_DOWN', 4]], meaning: 'the server refused the connection' },
  {
    signal: 'har.error.connect_timeout',
    // errno 60 is ETIMEDOUT on macOS/BSD, 110 on Linux.
    pattern: /(?:Connect call failed|connect)[^\n]*(?:Errno (?:60|110)\]|timed out|ETIMEDOUT)|(?:Errno (?:60|110)\]|ETIMEDOUT)[^\n]*Connect call failed/i,
    causes: [
      ['UPSTREAM_DOWN', 2.5],
      ['NETWORK', 2],
    ],
    meaning: 'connecting to the server timed out (host down, or packets dropped on the path)',
  },
  { signal: 'har.error.timeout', pattern: /timed out|timeout|ETIMEDOUT/i, causes: [['UPSTREAM_TIMEOUT', 2.5]], meaning: 'the request timed out' },
  {
    signal: 'har.error.connection_reset',
    pattern: /Connection reset|ECONNRESET|Errno (?:104|54)\]|EPIPE|Broken pipe|Server disconnected|RemoteDisconnected|socket hang up|connection closed/i,
    causes: [['UPSTREAM_RESET', 3]],
    meaning: 'the server closed or reset the connection',
  },
  { signal: 'har.error.no_route', pattern: /No route to host|Network is unreachable|EHOSTUNREACH|ENETUNREACH/i, causes: [['NETWORK', 4]], meaning: 'no route to the server' },
  { signal: 'har.error.connect_failed', pattern: /Connect call failed|connection failed|ECONNABORTED/i, causes: [['UPSTREAM_DOWN', 2]], meaning: 'connecting to the server failed' },
];

export interface NetErrorVerdict {
  /** A stable key for counting, e.g. `net::ERR_CONNECTION_REFUSED`. */
  key: string;
  /** Cause signals; empty for client-side errors and unknown wording. */
  signals: CauseSignal[];
  clientSide: boolean;
}

/** Address named in a connect error, e.g. `('123.58.180.8', 80)` → `123.58.180.8:80`. */
function namedUpstream(error: string): string | null {
  const tuple = /\('([0-9a-fA-F.:]+)',\s*(\d+)\)/.exec(error);
  if (tuple) return `${tuple[1]}:${tuple[2]}`;
  const address = /\b(\d{1,3}(?:\.\d{1,3}){3}:\d{1,5})\b/.exec(error);
  return address ? address[1]! : null;
}

export function classifyNetError(error: string): NetErrorVerdict {
  const chrome = /(?:net::)?(ERR_[A-Z0-9_]+)/.exec(error);
  if (chrome) {
    const code = chrome[1]!;
    const key = `net::${code}`;
    if (CLIENT_SIDE_CHROME_ERRORS.test(code)) return { key, signals: [], clientSide: true };
    for (const rule of CHROME_ERROR_RULES) {
      if (!rule.pattern.test(code)) continue;
      const signals = rule.causes.map(([category, weight], position) => ({
        signal: position === 0 ? `har.net.${code}` : `har.net.${code}.${category.toLowerCase()}`,
        category,
        weight,
        meaning: `${key}: ${rule.meaning}`,
        matched: key,
        upstream: null,
      }));
      return { key, signals, clientSide: false };
    }
    return { key, signals: [], clientSide: false };
  }
  const key = error.replace(/\s+/g, ' ').trim().slice(0, 120);
  for (const rule of TEXT_ERROR_RULES) {
    const match = rule.pattern.exec(error);
    if (!match) continue;
    const upstream = namedUpstream(error);
    const signals = rule.causes.map(([category, weight], position) => ({
      signal: position === 0 ? rule.signal : `${rule.signal}.${category.toLowerCase()}`,
      category,
      weight,
      meaning: rule.meaning,
      matched: error.replace(/\s+/g, ' ').trim().slice(0, 300),
      upstream,
    }));
    return { key, signals, clientSide: false };
  }
  return { key, signals: [], clientSide: false };
}
