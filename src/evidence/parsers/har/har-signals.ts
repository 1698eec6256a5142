import type { CauseCategory } from '../../../diagnosis/cause-category.js';
import type { HarEntryView } from './har-entry-view.js';
import type { HarHop } from './har-types.js';

/**
 * What a failing response says about the cause: the signal, the category it speaks for, and how strongly
 * (a likelihood ratio > 1). Sources: domain-notes §3.2/§3.3 and the corpus lines in `corpus/logs/`.
 */
export interface CauseSignal {
  signal: string;
  category: CauseCategory;
  weight: number;
  /** One sentence: what the observation means. */
  meaning: string;
  /** The wording that matched, when a body or header text did. */
  matched: string | null;
  upstream?: string | null;
}

interface WordingRule {
  signal: string;
  hop: HarHop | null;
  pattern: RegExp;
  causes: readonly [CauseCategory, number][];
  meaning: string;
}

/** Cloudflare's own status codes (cloudflare-docs, 5xx errors). */
const CLOUDFLARE_CODES: Record<number, { causes: [CauseCategory, number][]; meaning: string }> = {
  520: { causes: [['UPSTREAM_RESET', 4]], meaning: 'Cloudflare 520: the origin returned an empty, unknown or unexpected response (crash, reset, oversized headers, HTTP/2 to origin)' },
  521: { causes: [['UPSTREAM_DOWN', 5]], meaning: 'Cloudflare 521: the origin refused the connection (web server down, or Cloudflare IPs blocked)' },
  522: {
    causes: [
      ['NETWORK', 3],
      ['UPSTREAM_TIMEOUT', 2],
    ],
    meaning: 'Cloudflare 522: the TCP connection to the origin timed out (no SYN+ACK in 19 s or no ACK in 90 s): firewall dropping Cloudflare IPs, wrong origin IP, overloaded origin',
  },
  523: {
    causes: [
      ['NETWORK', 3],
      ['DNS', 2.5],
    ],
    meaning: 'Cloudflare 523: the origin is unreachable (no route, or the origin DNS record points nowhere)',
  },
  524: { causes: [['UPSTREAM_TIMEOUT', 5]], meaning: 'Cloudflare 524: connected to the origin but no HTTP response before the Proxy Read Timeout (100-120 s)' },
  525: { causes: [['TLS', 6]], meaning: 'Cloudflare 525: the SSL handshake between Cloudflare and the origin failed' },
  526: { causes: [['TLS', 6]], meaning: 'Cloudflare 526: the origin certificate is invalid (expired, self-signed, wrong host) under Full (strict)' },
  527: { causes: [['NETWORK', 2]], meaning: 'Cloudflare 527: Railgun listener could not reach the origin' },
};

/**
 * Error wording, tried in order; the first match wins. Envoy's local-reply bodies, the error texts nginx,
 * Apache, HAProxy, CloudFront and Traefik put in their pages, and error-log wording some pages echo.
 */
const WORDING_RULES: readonly WordingRule[] = [
  {
    signal: 'har.envoy.reset.tls',
    hop: 'envoy',
    pattern: /reset reason: [a-z ]*connection failure, transport failure reason: [^<\n]*(?:TLS|SSL|certificate|CERTIFICATE)[^<\n]*/i,
    causes: [['TLS', 6]],
    meaning: 'Envoy could not complete TLS with the upstream (transport failure reason names a TLS error)',
  },
  {
    signal: 'har.envoy.reset.overflow',
    hop: 'envoy',
    pattern: /upstream connect error or disconnect\/reset before headers\.?[^<\n]*reset reason: overflow/i,
    causes: [['CAPACITY', 5]],
    meaning: 'Envoy circuit breaker overflow (UO): connection-pool or pending-request limits were hit',
  },
  {
    signal: 'har.envoy.reset.connection_termination',
    hop: 'envoy',
    pattern: /upstream connect error or disconnect\/reset before headers\.?[^<\n]*reset reason: connection termination/i,
    causes: [['UPSTREAM_RESET', 4]],
    meaning: 'Envoy: the upstream closed the connection before sending headers (UC), often a keep-alive race',
  },
  {
    signal: 'har.envoy.reset.protocol_error',
    hop: 'envoy',
    pattern: /upstream connect error or disconnect\/reset before headers\.?[^<\n]*reset reason: protocol error/i,
    causes: [['UPSTREAM_RESET', 4]],
    meaning: 'Envoy: the upstream response could not be parsed (UPE protocol error)',
  },
  {
    signal: 'har.envoy.reset.remote_connection_failure',
    hop: 'envoy',
    pattern: /upstream connect error or disconnect\/reset before headers\.?[^<\n]*reset reason: remote connection failure/i,
    causes: [
      ['UPSTREAM_DOWN', 3],
      ['TLS', 1.5],
    ],
    meaning: 'Envoy: connecting to the upstream failed at the remote end (newer Envoy also reports TLS verification failures this way)',
  },
  {
    signal: 'har.envoy.reset.connection_failure',
    hop: 'envoy',
    pattern: /upstream connect error or disconnect\/reset before headers\.?[^<\n]*reset reason: (?:local )?connection failure/i,
    causes: [['UPSTREAM_DOWN', 4]],
    meaning: 'Envoy could not connect to the upstream (UF): nothing listening, pod gone, or port wrong',
  },
  {
    signal: 'har.envoy.reset.timeout',
    hop: 'envoy',
    pattern: /upstream connect error or disconnect\/reset before headers\.?[^<\n]*reset reason: connection timeout/i,
    causes: [['UPSTREAM_TIMEOUT', 3]],
    meaning: 'Envoy timed out connecting to the upstream',
  },
  {
    signal: 'har.envoy.reset.remote_reset',
    hop: 'envoy',
    pattern: /upstream connect error or disconnect\/reset before headers\.?[^<\n]*reset reason: (?:remote reset|remote refused stream reset)/i,
    causes: [['UPSTREAM_RESET', 3]],
    meaning: 'Envoy: the upstream reset the stream before sending headers (UR)',
  },
  {
    signal: 'har.envoy.reset.local_reset',
    hop: 'envoy',
    pattern: /upstream connect error or disconnect\/reset before headers\.?[^<\n]*reset reason: local reset/i,
    causes: [['UPSTREAM_RESET', 2]],
    meaning: 'Envoy reset the upstream stream itself (LR), e.g. on a timeout or drain',
  },
  {
    signal: 'har.envoy.reset',
    hop: 'envoy',
    pattern: /upstream connect error or disconnect\/reset before headers\.?(?:[^<\n]*reset reason: [a-z ]+)?/i,
    causes: [['UPSTREAM_DOWN', 2.5]],
    meaning: 'Envoy could not get response headers from the upstream (connect failure or reset)',
  },
  {
    signal: 'har.envoy.no_healthy_upstream',
    hop: 'envoy',
    pattern: /^\s*no healthy upstream\s*$/i,
    causes: [['UPSTREAM_DOWN', 5]],
    meaning: 'Envoy: no healthy upstream host in the cluster (UH)',
  },
  {
    signal: 'har.envoy.upstream_request_timeout',
    hop: 'envoy',
    pattern: /^\s*upstream request timeout\s*$/i,
    causes: [['UPSTREAM_TIMEOUT', 5]],
    meaning: 'Envoy: the upstream did not answer within the route timeout (UT)',
  },
  {
    signal: 'har.body.connect_refused',
    hop: null,
    pattern: /connect\(\) (?:to [^ ]+ )?failed \((?:111|61): Connection refused\)[^<\n]*|dial tcp [^ ]+: connect: connection refused/i,
    causes: [['UPSTREAM_DOWN', 5]],
    meaning: 'the gateway could not connect: the upstream refused the connection (nothing listening)',
  },
  {
    signal: 'har.body.upstream_timed_out',
    hop: null,
    pattern: /upstream timed out \(\d+: [^)]*\)[^<\n]*|dial tcp [^ ]+: i\/o timeout/i,
    causes: [['UPSTREAM_TIMEOUT', 5]],
    meaning: 'the gateway timed out waiting for the upstream',
  },
  {
    signal: 'har.body.no_live_upstreams',
    hop: 'nginx',
    pattern: /no live upstreams[^<\n]*/i,
    causes: [['UPSTREAM_DOWN', 4]],
    meaning: 'nginx: every server of the upstream group is marked failed',
  },
  {
    signal: 'har.body.upstream_prematurely_closed',
    hop: 'nginx',
    pattern: /upstream prematurely closed connection[^<\n]*/i,
    causes: [['UPSTREAM_RESET', 4]],
    meaning: 'nginx: the upstream closed the connection before a complete response (crash or keep-alive race)',
  },
  {
    signal: 'har.body.upstream_too_big_header',
    hop: 'nginx',
    pattern: /upstream sent too big header[^<\n]*/i,
    causes: [['GATEWAY_CONFIG', 5]],
    meaning: 'nginx: the upstream response headers exceed proxy_buffer_size',
  },
  {
    signal: 'har.body.tls_handshake',
    hop: null,
    pattern: /SSL_do_handshake\(\) failed[^<\n]*|certificate verify failed|CERTIFICATE_VERIFY_FAILED|WRONG_VERSION_NUMBER/i,
    causes: [['TLS', 5]],
    meaning: 'TLS between the gateway and the upstream failed',
  },
  {
    signal: 'har.body.dns',
    hop: null,
    pattern: /no resolver defined to resolve[^<\n]*|could not be resolved \(\d+: [^)]*\)|DNS lookup failure for:?[^<\n]*|CloudFront wasn't able to resolve the origin domain name/i,
    causes: [['DNS', 5]],
    meaning: 'the gateway could not resolve the upstream name',
  },
  {
    signal: 'har.body.connection_reset',
    hop: null,
    pattern: /(?:recv|readv|writev|send)\(\) failed \((?:104|54): Connection reset by peer\)[^<\n]*|Connection reset by peer/i,
    causes: [['UPSTREAM_RESET', 4]],
    meaning: 'the upstream reset the connection',
  },
  {
    signal: 'har.body.no_route',
    hop: null,
    pattern: /No route to host|Network is unreachable|Host is unreachable/i,
    causes: [['NETWORK', 4]],
    meaning: 'no network path from the gateway to the upstream',
  },
  {
    signal: 'har.body.too_many_open_files',
    hop: null,
    pattern: /Too many open files|worker_connections are not enough/i,
    causes: [['CAPACITY', 5]],
    meaning: 'the gateway ran out of file descriptors or connections',
  },
  {
    signal: 'har.haproxy.invalid_response',
    hop: 'haproxy',
    pattern: /The server returned an invalid or incomplete response/i,
    causes: [['UPSTREAM_RESET', 3]],
    meaning: 'HAProxy 502: the server aborted or sent an invalid response (SH/PH termination)',
  },
  {
    signal: 'har.haproxy.no_server',
    hop: 'haproxy',
    pattern: /No server is available to handle this request/i,
    causes: [['UPSTREAM_DOWN', 4]],
    meaning: 'HAProxy 503: no server of the backend is up',
  },
  {
    signal: 'har.haproxy.server_timeout',
    hop: 'haproxy',
    pattern: /The server didn't respond in time/i,
    causes: [['UPSTREAM_TIMEOUT', 4]],
    meaning: 'HAProxy 504: timeout server struck before response headers (sH)',
  },
  {
    signal: 'har.apache.read_error',
    hop: 'apache',
    pattern: /Error reading from remote server/i,
    causes: [
      ['UPSTREAM_RESET', 2.5],
      ['UPSTREAM_TIMEOUT', 1.5],
    ],
    meaning: 'Apache mod_proxy: reading the backend response failed (reset or ProxyTimeout)',
  },
  {
    signal: 'har.apache.gateway_timeout',
    hop: 'apache',
    pattern: /The gateway did not receive a timely response\s+from the upstream server/i,
    causes: [['UPSTREAM_TIMEOUT', 4]],
    meaning: 'Apache mod_proxy 504: the backend did not answer in time',
  },
  {
    signal: 'har.apache.invalid_response',
    hop: 'apache',
    pattern: /The proxy server received an invalid\s+response from an upstream server/i,
    causes: [['UPSTREAM_RESET', 2]],
    meaning: 'Apache mod_proxy 502: invalid or no response from the backend',
  },
  {
    signal: 'har.cloudfront.origin_connect',
    hop: 'cloudfront',
    pattern: /CloudFront attempted to establish a connection with the origin[^<.]*/i,
    causes: [['UPSTREAM_DOWN', 3]],
    meaning: 'CloudFront could not connect to the origin, or the origin closed the connection',
  },
  {
    signal: 'har.traefik.no_available_server',
    hop: 'traefik',
    pattern: /^\s*no available server\s*$/i,
    causes: [['UPSTREAM_DOWN', 4]],
    meaning: 'Traefik: the service has no healthy server',
  },
  {
    signal: 'har.kong.name_resolution_failed',
    hop: null,
    pattern: /"message"\s*:\s*"name resolution failed"/i,
    causes: [['DNS', 5]],
    meaning: 'Kong could not resolve the upstream host name',
  },
  {
    signal: 'har.kong.no_healthy_targets',
    hop: null,
    pattern: /failure to get a peer from the ring-balancer/i,
    causes: [['UPSTREAM_DOWN', 5]],
    meaning: "Kong's load balancer has no healthy target for the upstream",
  },
  {
    signal: 'har.kong.upstream_timing_out',
    hop: null,
    pattern: /"message"\s*:\s*"The upstream server is timing out"/i,
    causes: [['UPSTREAM_TIMEOUT', 5]],
    meaning: 'Kong timed out waiting for the upstream (connect, read or write timeout of the Service)',
  },
  {
    signal: 'har.kong.upstream_invalid_response',
    hop: null,
    pattern: /"message"\s*:\s*"An invalid response was received from the upstream server"/i,
    causes: [['UPSTREAM_RESET', 4]],
    meaning: 'Kong got no valid response from the upstream: refused or reset connection, or a malformed answer',
  },
  {
    signal: 'har.kong.upstream_unavailable',
    hop: null,
    pattern: /"message"\s*:\s*"The upstream server is currently unavailable"/i,
    causes: [['UPSTREAM_DOWN', 4]],
    meaning: 'Kong: the upstream server is currently unavailable',
  },
  {
    signal: 'har.fastly.backend_unhealthy',
    hop: 'fastly',
    pattern: /Error 503 (?:Backend is unhealthy|No healthy backends|All backends failed or unhealthy)/i,
    causes: [['UPSTREAM_DOWN', 5]],
    meaning: 'Fastly/Varnish: every backend of the service failed its health check',
  },
  {
    signal: 'har.fastly.first_byte_timeout',
    hop: 'fastly',
    pattern: /Error 50[34] first byte timeout|Error 50[34] between bytes timeout/i,
    causes: [['UPSTREAM_TIMEOUT', 5]],
    meaning: 'Fastly/Varnish: the origin did not send the first byte (or the next bytes) within the backend timeout',
  },
  {
    signal: 'har.fastly.backend_tls',
    hop: 'fastly',
    pattern: /Error 503 (?:certificate has expired|hostname doesn't match against certificate|unable to get local issuer certificate|certificate verify failed|SSL handshake failed)/i,
    causes: [['TLS', 6]],
    meaning: 'Fastly: the TLS connection to the origin failed certificate checks',
  },
  {
    signal: 'har.fastly.connection_refused',
    hop: 'fastly',
    pattern: /Error 503 (?:Connection refused|connection timed out|Connection reset by peer|backend read error|Backend fetch failed)/i,
    causes: [['UPSTREAM_DOWN', 3], ['UPSTREAM_RESET', 2]],
    meaning: 'Fastly/Varnish could not fetch from the origin (refused, reset or failed connection)',
  },
  {
    signal: 'har.fastly.capacity',
    hop: 'fastly',
    pattern: /Error 503 Maximum threads for service reached|Error 503 Too many requests/i,
    causes: [['CAPACITY', 5]],
    meaning: 'Fastly: the service hit its concurrency limit towards the origin',
  },
  {
    signal: 'har.akamai.zero_size_object',
    hop: 'akamai',
    pattern: /Zero size object/i,
    causes: [['UPSTREAM_RESET', 4]],
    meaning: 'Akamai: the origin answered with an empty body (or closed the connection before any)',
  },
  {
    signal: 'har.heroku.application_error',
    hop: 'heroku',
    pattern: /An error occurred in the application and your page could not be served/i,
    causes: [['UPSTREAM_DOWN', 3], ['UPSTREAM_TIMEOUT', 2]],
    meaning: "Heroku's router could not get an answer from the app: it crashed (H10), is not bound to $PORT, or timed out after 30 s (H12); `heroku logs` names the code",
  },
  {
    signal: 'har.elb.backend_at_capacity',
    hop: 'aws-alb',
    pattern: /Back-end server is at capacity/i,
    causes: [['CAPACITY', 4]],
    meaning: 'Classic ELB 503: the back-end instances could not take more requests (surge queue full)',
  },
];

/** Defaults when a gateway's status is known but its page says nothing more. */
const STATUS_DEFAULTS: Partial<Record<HarHop, Partial<Record<502 | 503 | 504, [CauseCategory, number, string]>>>> = {
  nginx: {
    502: ['UPSTREAM_DOWN', 1.5, 'nginx 502: connect failure, reset, invalid header or no live upstreams; the error log says which'],
    503: ['CAPACITY', 1.5, 'nginx 503: limit_req/limit_conn rejection or maintenance'],
    504: ['UPSTREAM_TIMEOUT', 4, 'nginx 504: the upstream timed out (proxy_read/connect_timeout)'],
  },
  envoy: {
    502: ['UPSTREAM_RESET', 2, 'Envoy 502: usually an upstream protocol error (UPE)'],
    503: ['UPSTREAM_DOWN', 2, 'Envoy 503: upstream connect failure, no healthy upstream or overflow'],
    504: ['UPSTREAM_TIMEOUT', 4, 'Envoy 504: upstream request timeout (UT)'],
  },
  'aws-alb': {
    502: ['UPSTREAM_RESET', 2, 'ALB 502: the target reset or closed the connection (often its keep-alive shorter than the ALB idle timeout), sent a malformed response, or TLS to the target failed'],
    503: ['UPSTREAM_DOWN', 3, 'ALB 503: the target group has no registered (healthy) targets'],
    504: ['UPSTREAM_TIMEOUT', 3, 'ALB 504: the target did not connect within 10 s or did not answer before the idle timeout'],
  },
  haproxy: {
    502: ['UPSTREAM_RESET', 2, 'HAProxy 502: the server aborted or sent an invalid response'],
    503: ['UPSTREAM_DOWN', 3, 'HAProxy 503: no server available'],
    504: ['UPSTREAM_TIMEOUT', 4, 'HAProxy 504: timeout server'],
  },
  traefik: {
    502: ['UPSTREAM_DOWN', 1.5, 'Traefik 502: connection error or invalid response from the backend'],
    503: ['UPSTREAM_DOWN', 2, 'Traefik 503: no healthy server'],
    504: ['UPSTREAM_TIMEOUT', 3, 'Traefik 504: the backend was too slow'],
  },
  caddy: {
    502: ['UPSTREAM_DOWN', 1.5, 'Caddy 502: the backend could not be reached or answered badly'],
    503: ['UPSTREAM_DOWN', 1.5, 'Caddy 503: no available upstream'],
    504: ['UPSTREAM_TIMEOUT', 3, 'Caddy 504: the backend timed out'],
  },
  apache: {
    502: ['UPSTREAM_RESET', 1.5, 'Apache mod_proxy 502: invalid response from the backend'],
    503: ['UPSTREAM_DOWN', 2, 'Apache mod_proxy 503: the backend could not be connected to'],
    504: ['UPSTREAM_TIMEOUT', 4, 'Apache mod_proxy 504: the backend did not answer in time'],
  },
  cloudfront: {
    502: ['TLS', 1.5, 'CloudFront 502: most often TLS negotiation with the origin failed (certificate name, chain, ciphers)'],
    503: ['CAPACITY', 2, 'CloudFront 503: capacity or function limits'],
    504: ['UPSTREAM_TIMEOUT', 3, 'CloudFront 504: the origin did not answer in time'],
  },
  'google-lb': {
    502: ['UPSTREAM_DOWN', 2, 'Google load balancer 502: it could not connect to a backend, or the backend closed the connection (keep-alive under 600 s)'],
    503: ['UPSTREAM_DOWN', 2.5, 'Google load balancer 503: no healthy backend to pick'],
    504: ['UPSTREAM_TIMEOUT', 3, 'Google load balancer 504: the backend did not answer within the backend service timeout'],
  },
  fastly: {
    502: ['UPSTREAM_RESET', 1.5, 'Fastly/Varnish 502: the origin answered badly'],
    503: ['UPSTREAM_DOWN', 1.5, 'Fastly/Varnish 503: the backend fetch failed; the page text says why'],
    504: ['UPSTREAM_TIMEOUT', 3, 'Fastly/Varnish 504: the origin timed out'],
  },
  akamai: {
    502: ['UPSTREAM_RESET', 1.5, 'Akamai 502: the origin connection failed or answered badly; the Reference # decodes the reason'],
    503: ['UPSTREAM_DOWN', 1.5, 'Akamai 503: the origin was unavailable'],
    504: ['UPSTREAM_TIMEOUT', 3, 'Akamai 504: the origin did not answer in time'],
  },
  'azure-gateway': {
    502: ['UPSTREAM_DOWN', 2, 'Azure Application Gateway 502: the backend pool is unhealthy or unreachable (health probes, NSG, certificate)'],
    503: ['UPSTREAM_DOWN', 2, 'Azure Application Gateway 503'],
    504: ['UPSTREAM_TIMEOUT', 3, 'Azure Application Gateway 504: the backend did not answer within the request timeout'],
  },
  kong: {
    502: ['UPSTREAM_RESET', 1.5, 'Kong 502: no valid response from the upstream'],
    503: ['UPSTREAM_DOWN', 2, 'Kong 503: no healthy upstream target, or its name does not resolve'],
    504: ['UPSTREAM_TIMEOUT', 3, 'Kong 504: the upstream timed out'],
  },
  heroku: {
    502: ['UPSTREAM_RESET', 1.5, "Heroku 502: the app's response was invalid or the connection closed"],
    503: ['UPSTREAM_DOWN', 2, 'Heroku 503: the app crashed, is idle-starting, or timed out (H10/H12/H13)'],
    504: ['UPSTREAM_TIMEOUT', 3, 'Heroku 504: the app did not answer in time'],
  },
  cloudflare: {
    502: ['CDN_EDGE', 2.5, 'Cloudflare generated the 502 itself (unbranded page): an edge-side problem such as bad gzip from the origin or a data-centre shift'],
    503: ['CDN_EDGE', 1.5, 'Cloudflare 503 page'],
    504: ['CDN_EDGE', 2.5, 'Cloudflare generated the 504 itself (unbranded page)'],
  },
  origin: {
    502: ['UPSTREAM_DOWN', 1.3, 'the application (behind the gateways) answered 502 itself: a dependency of it failed'],
    503: ['CAPACITY', 1.5, 'the application answered 503: overloaded or in maintenance'],
    504: ['UPSTREAM_TIMEOUT', 2, 'the application answered 504: a dependency of it timed out'],
  },
  unknown: {
    504: ['UPSTREAM_TIMEOUT', 2, '504 Gateway Timeout from an unidentified hop'],
  },
};

/** The cause signals of one failing response (status >= 500 with a response). */
export function responseSignals(view: HarEntryView, hop: HarHop): CauseSignal[] {
  const cloudflare = CLOUDFLARE_CODES[view.status];
  if (hop === 'cloudflare' && cloudflare) {
    return cloudflare.causes.map(([category, weight], position) => ({
      signal: position === 0 ? `har.cloudflare.${view.status}` : `har.cloudflare.${view.status}.${category.toLowerCase()}`,
      category,
      weight,
      meaning: cloudflare.meaning,
      matched: null,
    }));
  }
  if (hop === 'cloudflare' && view.status === 530) {
    const originDns = view.body !== null && /\b1016\b|Origin DNS error/i.test(view.body);
    const tunnel = view.body !== null && /\b1033\b|(?:Argo|Cloudflare) Tunnel error/i.test(view.body);
    return [
      originDns
        ? { signal: 'har.cloudflare.530.1016', category: 'DNS', weight: 5, meaning: 'Cloudflare 530/1016: the origin DNS name does not resolve', matched: 'Error 1016' }
        : tunnel
          ? { signal: 'har.cloudflare.530.1033', category: 'UPSTREAM_DOWN', weight: 5, meaning: 'Cloudflare 530/1033: no cloudflared connector of the tunnel is connected', matched: 'Error 1033' }
          : { signal: 'har.cloudflare.530', category: 'CDN_EDGE', weight: 2, meaning: 'Cloudflare 530 with a 1xxx error', matched: null },
    ];
  }
  const texts = [view.body ?? '', view.statusText, ...view.headers.map(([name, value]) => `${name}: ${value}`)];
  for (const rule of WORDING_RULES) {
    if (rule.hop !== null && rule.hop !== hop && hop !== 'unknown' && hop !== 'origin') continue;
    for (const text of texts) {
      if (text.length === 0) continue;
      const match = rule.pattern.exec(text);
      if (!match) continue;
      return rule.causes.map(([category, weight], position) => ({
        signal: position === 0 ? rule.signal : `${rule.signal}.${category.toLowerCase()}`,
        category,
        weight,
        meaning: rule.meaning,
        matched: match[0].replace(/\s+/g, ' ').trim().slice(0, 300),
      }));
    }
  }
  if (view.status === 502 || view.status === 503 || view.status === 504) {
    const fallback = STATUS_DEFAULTS[hop]?.[view.status];
    if (fallback) {
      const [category, weight, meaning] = fallback;
      return [{ signal: `har.${hop}.${view.status}`, category, weight, meaning, matched: null }];
    }
  }
  return [];
}
