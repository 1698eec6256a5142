/**
 * Words the synthetic incident history is written with (history.bench.ts). Each cause category has
 * its own titles, log lines, cause descriptions and fixes, so a word like "keep-alive" or "TLS
 * handshake" is about as rare in the generated text as the cause behind it is in real histories,
 * while "502" and "upstream" are everywhere: text search sees a realistic mix of selectivities.
 *
 * Placeholders: {svc} service, {gw} gateway, {host} upstream host, {port} upstream port,
 * {path} request path, {pct} error rate, {min} minutes, {n} a small count, {zone} zone, {ver} release.
 */
import type { CauseCategory, Gateway } from '../../src/diagnosis/cause-category.js';
import type { Severity } from '../../src/incidents/entities/incident.entity.js';

/** 40 services; earlier ones have more incidents (weights follow a Zipf-like curve). */
export const SERVICES: readonly string[] = [
  'checkout-api', 'cart-service', 'payments-gateway', 'search-api', 'catalog-service', 'orders-api', 'auth-service',
  'graphql-gateway', 'mobile-bff', 'web-frontend', 'inventory-service', 'pricing-engine', 'user-profile', 'recommendations',
  'shipping-service', 'notifications', 'media-cdn', 'image-resizer', 'billing-service', 'session-service', 'promotions-api',
  'reviews-api', 'returns-service', 'fraud-detection', 'loyalty-service', 'tax-service', 'invoicing', 'email-sender',
  'partner-api', 'webhooks-dispatcher', 'events-pipeline', 'analytics-ingest', 'feature-flags', 'store-locator',
  'geo-service', 'admin-portal', 'chat-support', 'export-service', 'reporting-api', 'status-page',
];

export const SEVERITY_WEIGHTS: ReadonlyArray<readonly [Severity, number]> = [
  ['SEV1', 3],
  ['SEV2', 12],
  ['SEV3', 35],
  ['SEV4', 35],
  ['SEV5', 15],
];

/** A service's usual gateway; incidents name it most of the time. */
export const GATEWAY_WEIGHTS: ReadonlyArray<readonly [Gateway, number]> = [
  ['nginx', 26],
  ['ingress-nginx', 22],
  ['envoy', 14],
  ['aws-alb', 12],
  ['haproxy', 8],
  ['cloudflare', 7],
  ['traefik', 5],
  ['caddy', 2],
  ['apache', 2],
  ['other', 2],
];

export const CATEGORY_WEIGHTS: ReadonlyArray<readonly [CauseCategory, number]> = [
  ['UPSTREAM_DOWN', 18],
  ['UPSTREAM_TIMEOUT', 20],
  ['UPSTREAM_RESET', 13],
  ['GATEWAY_CONFIG', 14],
  ['TLS', 7],
  ['DNS', 6],
  ['NETWORK', 6],
  ['CDN_EDGE', 5],
  ['CAPACITY', 9],
  ['UNKNOWN', 2],
];

/** The runbook step whose outcome usually points at each cause (root_causes.step_keys). */
export const CAUSE_STEP: Record<CauseCategory, string> = {
  UPSTREAM_DOWN: 'upstream-health',
  UPSTREAM_TIMEOUT: 'upstream-health',
  UPSTREAM_RESET: 'gateway-config',
  GATEWAY_CONFIG: 'gateway-config',
  TLS: 'isolate',
  DNS: 'isolate',
  NETWORK: 'isolate',
  CDN_EDGE: 'confirm',
  CAPACITY: 'restart-flush',
  UNKNOWN: 'verify-monitor',
};

export interface CategoryVocabulary {
  titles: readonly string[];
  /** What the gateway or the upstream logged. */
  logs: readonly string[];
  causes: readonly string[];
  fixes: readonly string[];
  actions: readonly string[];
}

export const CATEGORY_VOCABULARY: Record<CauseCategory, CategoryVocabulary> = {
  UPSTREAM_DOWN: {
    titles: [
      '502 Bad Gateway on {svc}: upstream connection refused',
      '{svc} pods crash-looping, {gw} answers 502',
      'No healthy upstream for {svc} after deploy {ver}',
      '{svc} returns 502 for all requests after release {ver}',
      'Bad Gateway on {path}: {svc} backend down',
    ],
    logs: [
      'connect() failed (111: Connection refused) while connecting to upstream {host}:{port}',
      'no live upstreams while connecting to upstream {svc}',
      'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
      'readiness probe failed: HTTP probe failed with statuscode: 503',
    ],
    causes: [
      'Release {ver} of {svc} failed its database migration at start-up; every pod crash-looped and {gw} had no upstream to forward to.',
      'A bad configuration value made {svc} exit on boot; the connection refused errors at {gw} followed within seconds.',
      'The {svc} deployment scaled to zero after an autoscaler misconfiguration, leaving the upstream pool empty.',
    ],
    fixes: [
      'Rolled back {svc} to the previous release and restarted the pods.',
      'Reverted the configuration change and redeployed {svc}; the upstream came back healthy.',
      'Restored the replica count of {svc} and pinned the autoscaler minimum to {n}.',
    ],
    actions: ['Add a smoke test that blocks the rollout when pods fail readiness', 'Alert on an empty upstream pool at the gateway', 'Run migrations as a separate job before the rollout'],
  },
  UPSTREAM_TIMEOUT: {
    titles: [
      '{svc} upstream timeout behind {gw}',
      'Slow {svc} responses end in 502 and 504',
      'upstream timed out while reading response header from {svc}',
      'Elevated latency then 502 on {path} ({svc})',
      '{svc} timeouts during peak traffic',
    ],
    logs: [
      'upstream timed out (110: Connection timed out) while reading response header from upstream {host}:{port}',
      'upstream request timeout',
      'proxy_read_timeout exceeded after 60s on {path}',
      'slow query log: statement took 58 s on orders table',
    ],
    causes: [
      'A missing index made a hot query of {svc} slow; responses took longer than the gateway read timeout and {gw} gave up with 502.',
      'A downstream dependency of {svc} stalled, so requests piled up until the upstream timeout fired.',
      'Garbage collection pauses of several seconds in {svc} pushed responses past proxy_read_timeout.',
    ],
    fixes: [
      'Added the missing index and raised proxy_read_timeout to 90 s for the export endpoint only.',
      'Put a circuit breaker in front of the stalled dependency and failed fast.',
      'Tuned the heap of {svc} and cut the batch size; latency went back under 300 ms.',
    ],
    actions: ['Alert on p99 latency approaching the gateway timeout', 'Review timeouts end to end: client, gateway, upstream, database', 'Load test the export endpoint'],
  },
  UPSTREAM_RESET: {
    titles: [
      'Intermittent 502 on {svc}: connection reset by peer',
      'keep-alive race between {gw} and {svc}',
      'upstream prematurely closed connection on {svc}',
      'Sporadic 502s on {path} after idle periods',
    ],
    logs: [
      'recv() failed (104: Connection reset by peer) while reading response header from upstream {host}:{port}',
      'upstream prematurely closed connection while reading response header from upstream',
      'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
      'http: server closed idle connection',
    ],
    causes: [
      'The keep-alive idle timeout of {svc} (5 s) was shorter than the one of {gw} (60 s): the gateway reused connections the upstream had just closed.',
      'A connection reset at {svc} during graceful shutdown: pods stopped before {gw} took them out of rotation.',
      'The upstream closed idle keep-alive connections without notice, so a share of requests hit a dead socket.',
    ],
    fixes: [
      'Raised the upstream keep-alive timeout above the gateway idle timeout and enabled retries on reset for idempotent requests.',
      'Added a preStop delay so {gw} drains the pod before {svc} stops accepting connections.',
      'Set keepalive_timeout on the gateway below the upstream idle timeout.',
    ],
    actions: ['Document keep-alive timeouts for every hop', 'Add a preStop hook to all deployments', 'Track connection reset counts at the gateway'],
  },
  GATEWAY_CONFIG: {
    titles: [
      '{gw} config change breaks routing to {svc}',
      'Wrong upstream port for {svc} after ingress change',
      'upstream sent too big header: 502 on {svc}',
      '502 on {path} after {gw} configuration reload',
    ],
    logs: [
      'upstream sent too big header while reading response header from upstream',
      'invalid port in upstream "{host}:{port}"',
      'no route matched for host {host}',
      'configuration reload: upstream {svc} has no servers',
    ],
    causes: [
      'A change to the {gw} configuration pointed {svc} at port {port}, where nothing listens.',
      'Session cookies grew past the proxy buffer size; {gw} rejected the response headers of {svc} with 502.',
      'A typo in the route for {path} sent traffic to a service that does not exist.',
    ],
    fixes: [
      'Reverted the gateway configuration and added a config lint step to the pipeline.',
      'Raised proxy_buffer_size to 16k for {svc} and trimmed the cookie.',
      'Fixed the route and reloaded {gw}.',
    ],
    actions: ['Validate gateway configuration in CI', 'Canary configuration changes on one gateway first', 'Alert on 502 ratio per route after a reload'],
  },
  TLS: {
    titles: [
      'TLS handshake failures between {gw} and {svc}',
      'Expired certificate on {svc} upstream',
      'SSL handshake error: 502 from {gw}',
      'Certificate rotation broke {svc} TLS',
    ],
    logs: [
      'SSL_do_handshake() failed (SSL: error:0A000086:SSL routines::certificate verify failed) while SSL handshaking to upstream',
      'upstream SSL certificate verify error: (10:certificate has expired)',
      'TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED',
      'peer closed connection in SSL handshake while SSL handshaking to upstream',
    ],
    causes: [
      'The certificate of the {svc} upstream expired overnight; {gw} refused the TLS handshake and answered 502.',
      'A certificate rotation shipped a chain without the intermediate, so upstream TLS verification failed.',
      'The upstream of {svc} dropped TLS 1.2, which the gateway still negotiated.',
    ],
    fixes: [
      'Renewed the certificate and added expiry alerting 21 days ahead.',
      'Redeployed the full chain with the intermediate certificate.',
      'Aligned TLS versions and ciphers between {gw} and {svc}.',
    ],
    actions: ['Automate certificate renewal', 'Alert 21 days before certificate expiry', 'Test the TLS chain in staging before rotation'],
  },
  DNS: {
    titles: [
      'DNS resolution failure for {svc} upstream',
      'Stale DNS after {svc} migration',
      'NXDOMAIN for {host} behind {gw}',
      '{gw} could not resolve {svc} upstream',
    ],
    logs: [
      '{host} could not be resolved (3: Host not found)',
      'no resolver defined to resolve {host}',
      'DNS lookup timed out for {host}',
      'upstream {host} resolved to stale address',
    ],
    causes: [
      '{gw} resolved the upstream hostname once at start and kept the old address after {svc} moved to a new load balancer.',
      'The internal DNS zone lost the record for {host} during a Terraform apply.',
      'CoreDNS was overloaded and DNS lookups timed out for {svc}.',
    ],
    fixes: [
      'Configured a resolver with a short valid= time so the gateway re-resolves the upstream.',
      'Restored the DNS record and protected the zone from destroy in Terraform.',
      'Scaled CoreDNS and enabled NodeLocal DNS cache.',
    ],
    actions: ['Re-resolve upstream names periodically', 'Alert on DNS lookup errors at the gateway', 'Protect DNS zones from accidental deletion'],
  },
  NETWORK: {
    titles: [
      'Packet loss between {gw} and {svc}',
      'Security group change blocks {svc}',
      'Network partition in {zone}: {svc} unreachable',
      'No route to host for {svc} upstream',
    ],
    logs: [
      'connect() failed (113: No route to host) while connecting to upstream {host}:{port}',
      'connect() timed out (110: Connection timed out) while connecting to upstream',
      'TCP retransmissions above 5% on node pool {zone}',
      'conntrack table full, dropping packet',
    ],
    causes: [
      'A security group update removed the rule that let {gw} reach {svc} on port {port}.',
      'A faulty top-of-rack switch in {zone} dropped packets between the gateway and {svc}.',
      'The conntrack table on the gateway nodes filled up under load and new connections were dropped.',
    ],
    fixes: [
      'Restored the security group rule and added it to the baseline policy.',
      'Drained {zone} and had the provider replace the switch.',
      'Raised nf_conntrack_max and added an alert on conntrack usage.',
    ],
    actions: ['Review network policy changes with the owning team', 'Alert on TCP retransmissions', 'Run a synthetic check from every zone'],
  },
  CDN_EDGE: {
    titles: [
      'CDN edge 502 for {svc} assets',
      'Cloudflare 502 on {svc} origin',
      'Edge origin errors for {path}',
      'CDN cannot reach origin for {svc}',
    ],
    logs: [
      'Error 502 Ray ID: 8f2c1a7b9d3e origin unreachable',
      'origin returned invalid response to edge',
      'edge: origin connection timed out after 15 s',
      'x-cache: Error from cloudfront',
    ],
    causes: [
      'The origin firewall started rejecting the CDN edge IP ranges after a list update.',
      'The CDN kept a stale origin address for {svc} after the origin moved.',
      'Origin shield in one region overloaded and returned 502 to the edge.',
    ],
    fixes: [
      'Refreshed the allow-list of edge IP ranges and automated its update.',
      'Updated the origin address at the CDN and purged the cache.',
      'Disabled the overloaded origin shield until capacity was added.',
    ],
    actions: ['Automate edge IP allow-list updates', 'Alert on edge 5xx per origin', 'Document the CDN origin settings'],
  },
  CAPACITY: {
    titles: [
      '{svc} connection pool exhausted',
      '{svc} OOM killed under peak traffic',
      'Worker saturation on {svc}: 502 spikes',
      'Traffic spike overwhelms {svc} behind {gw}',
    ],
    logs: [
      'worker_connections are not enough while connecting to upstream',
      'OOMKilled: container {svc} exceeded memory limit',
      'pool exhausted: timeout acquiring connection after 30000 ms',
      'too many open files',
    ],
    causes: [
      'A marketing campaign tripled traffic and the {svc} database connection pool was exhausted.',
      'A memory leak in {svc} got the pods OOM killed one after another under peak load.',
      'The worker pool of {svc} was sized for last year traffic; requests queued until the gateway gave up.',
    ],
    fixes: [
      'Scaled {svc} from {n} to three times as many replicas and raised the connection pool.',
      'Fixed the leak and raised the memory limit; added an autoscaler on memory.',
      'Raised worker_connections and the file descriptor limit on the gateway.',
    ],
    actions: ['Capacity plan for campaigns with marketing', 'Autoscale on saturation, not only CPU', 'Alert on pool wait time'],
  },
  UNKNOWN: {
    titles: ['Brief 502 burst on {svc}', 'Unexplained 502 spike on {path}', 'Short 502 blip on {svc} behind {gw}'],
    logs: ['502 Bad Gateway', 'upstream error', 'no error logged upstream'],
    causes: ['The burst stopped on its own; logs were not detailed enough to pin down the cause.', 'No cause found; the evidence was rotated out before the investigation.'],
    fixes: ['No action taken; the errors stopped on their own.', 'Raised log retention to investigate the next occurrence.'],
    actions: ['Keep gateway error logs for 30 days', 'Add request tracing through the gateway'],
  },
};

export const SUMMARY_SENTENCES: readonly string[] = [
  '{pct}% of requests to {path} answered 502 Bad Gateway for about {min} minutes.',
  'Customers saw errors on {path}; the error rate peaked at {pct}%.',
  'Alerts fired on the 5xx ratio of {svc} at the {gw} gateway.',
  'Support reported failed checkouts while the 502 rate climbed.',
  'The on-call engineer was paged by the synthetic check of {path}.',
  'Only the {zone} region was affected at first.',
  'Mobile clients retried and doubled the load on {svc}.',
];

export const NOTE_MESSAGES: readonly string[] = [
  'Checked the {gw} error log: {log}',
  'Paged the {svc} on-call engineer.',
  'Status page updated: investigating elevated error rates.',
  'Rollback of {svc} started.',
  'Error rate back under 0.1%, watching for another 30 minutes.',
  'Upstream health checks green again; traffic shifting back.',
  'Customer support reports fewer tickets.',
  'Comparing the gateway and upstream keep-alive settings.',
  'curl from the gateway pod to {host}:{port} works.',
  'Opened a ticket with the provider about {zone}.',
];

export const WENT_WELL: readonly string[] = [
  'Alerting caught the problem within minutes.',
  'The runbook pointed us at the upstream quickly.',
  'Rollback was fast and safe.',
  'Communication on the status page was timely.',
];

export const WENT_POORLY: readonly string[] = [
  'The first responder lacked access to the gateway logs.',
  'Dashboards did not show the upstream error rate.',
  'The change was deployed without a canary.',
  'It took too long to rule out the network.',
];

export const PEOPLE: readonly string[] = ['alice', 'bharat', 'chen', 'dana', 'emeka', 'farah', 'goran', 'hana', 'ivan', 'julia', 'kofi', 'lena', 'mateo', 'nora'];

export const ZONES: readonly string[] = ['eu-west-1a', 'eu-west-1b', 'us-east-1a', 'us-east-1c', 'ap-southeast-2b'];

export const PATHS: readonly string[] = ['/api/cart', '/api/checkout', '/api/search', '/graphql', '/api/orders', '/login', '/api/v2/items', '/export', '/static/app.js', '/webhooks'];
