import { CAUSE_CATEGORIES, type CauseCategory, type Gateway } from '../../diagnosis/cause-category.js';
import { addDays, parseInstant, utcDate } from './format.js';
import type { ActionItemKind, ActionItemPriority } from './postmortem-record.js';

/**
 * The prevention checklist (DESIGN §5): per cause category, items a reviewer can check off, drawn
 * from the facts in domain-notes §4; plus the seed guide's general 502 practices. Items become
 * action items; `key` is stable so an item proposed once is not proposed again.
 *
 * Priorities: P1 removes or directly guards the failure mechanism of the category; P2 narrows it
 * or makes it visible sooner; P3 is hygiene that pays off over many incidents.
 */
export interface CatalogItem {
  /** Stable, `<category>.<item>`, e.g. `upstream-reset.keepalive-exceeds-idle`. */
  key: string;
  /** A statement that is true once the item is done, so it can be checked. */
  title: string;
  kind: ActionItemKind;
  priority: ActionItemPriority;
  /** Why it helps, with the vendor facts behind it. */
  rationale: string;
  /** Only for incidents behind these gateways; absent = any gateway. */
  appliesTo?: readonly Gateway[];
}

function item(key: string, kind: ActionItemKind, priority: ActionItemPriority, title: string, rationale: string, appliesTo?: readonly Gateway[]): CatalogItem {
  return appliesTo ? { key, title, kind, priority, rationale, appliesTo } : { key, title, kind, priority, rationale };
}

export const PREVENTION_CATALOG: Readonly<Record<CauseCategory, readonly CatalogItem[]>> = {
  UPSTREAM_DOWN: [
    item(
      'upstream-down.active-health-checks',
      'prevent',
      'P1',
      'Every backend pool has an active health check on a dependency-light path, and failing instances are ejected automatically',
      'A dead instance leaves rotation before users reach it. ALB defaults are a 30 s interval, 2 failures to mark a target unhealthy and 5 successes to bring it back; record the values chosen per route.',
    ),
    item(
      'upstream-down.all-targets-unhealthy-alert',
      'detect',
      'P1',
      'An alert fires when every target of a pool is unhealthy',
      'An ALB whose targets are all unhealthy fails open and keeps routing to them, so users get errors while no health-based failover happens.',
    ),
    item(
      'upstream-down.two-healthy-instances',
      'detect',
      'P2',
      'Each pool keeps at least 2 healthy instances in at least 2 zones, with an alert when fewer than 2 are healthy',
      'With one healthy instance, the next failure is an outage; PagerDuty treats "no redundancy" as SEV-3 on its own.',
    ),
    item(
      'upstream-down.passive-health',
      'prevent',
      'P2',
      'Passive health checks are enabled on gateway routes (nginx max_fails/fail_timeout, Envoy outlier detection)',
      'Real traffic marks a failing instance down between active checks, so fewer requests hit it.',
    ),
    item(
      'upstream-down.drain-before-stop',
      'prevent',
      'P2',
      'Deploys drain instances before stopping them: deregistration delay at least as long as the longest request, readiness probe, preStop sleep and graceful shutdown',
      'Instances stopped with requests in flight, or before the load balancer stops sending to them, answer with resets and 502s during every deploy.',
    ),
  ],
  UPSTREAM_TIMEOUT: [
    item(
      'upstream-timeout.decreasing-budget',
      'prevent',
      'P1',
      "Timeouts decrease along the chain: client > CDN > load balancer > gateway route > the upstream's own database and API calls",
      'When an inner hop waits longer than an outer one, the outer hop gives up first and the work inside is wasted. Cloudflare waits 100 s for the origin by default (up to 120 s on some plans).',
    ),
    item(
      'upstream-timeout.timeouts-from-latency',
      'prevent',
      'P2',
      "Each route's gateway read timeout is set from its observed p99/p99.9 latency, not left at the default",
      'Choose an acceptable rate of false timeouts (for example 0.1%) and use that latency percentile (AWS Builders\' Library). nginx proxy_read_timeout defaults to 60 s between two reads.',
    ),
    item(
      'upstream-timeout.latency-alert',
      'detect',
      'P2',
      'An alert fires when p99 latency of a route passes 80% of its gateway timeout',
      'Latency creeping towards the timeout shows up before requests start failing with 504s.',
    ),
    item(
      'upstream-timeout.async-long-operations',
      'prevent',
      'P3',
      "Operations that can run longer than the CDN's read timeout run as background jobs with status polling",
      'A request that must outlive the edge timeout fails at the edge (Cloudflare 524) however healthy the origin is.',
    ),
  ],
  UPSTREAM_RESET: [
    item(
      'upstream-reset.keepalive-exceeds-idle',
      'prevent',
      'P1',
      "Upstream keep-alive timeout exceeds the gateway's idle timeout (ALB 60 s, nginx keepalive_timeout)",
      'When the upstream closes an idle connection first, the gateway can send a request on it at the same moment and answer 502 (AWS documents this for ALB; nginx logs "upstream prematurely closed connection"). Behind Envoy/Istio, whose upstream idle timeout defaults to 1 h, lower the proxy\'s idle timeout instead.',
    ),
    item(
      'upstream-reset.node-keepalive',
      'prevent',
      'P1',
      "Node.js upstreams set server.keepAliveTimeout above the load balancer's idle timeout, and headersTimeout above keepAliveTimeout",
      "Node closes idle keep-alive connections after 5 s by default, well under common gateway idle timeouts (ALB 60 s), which makes the race above likely.",
    ),
    item(
      'upstream-reset.nginx-keepalive-complete',
      'prevent',
      'P2',
      'nginx upstream keep-alive is configured completely: keepalive N in the upstream block, proxy_http_version 1.1 and proxy_set_header Connection ""',
      'Missing one of the three silently disables connection reuse or sends the client\'s Connection header upstream.',
      ['nginx', 'ingress-nginx'],
    ),
    item(
      'upstream-reset.retry-one-layer',
      'mitigate',
      'P2',
      'Idempotent requests are retried on a connection reset before the request was sent, at exactly one layer',
      'A reset on a reused connection is usually safe to retry once; retrying at several layers multiplies load during an outage.',
    ),
    item(
      'upstream-reset.haproxy-reuse-safe',
      'prevent',
      'P3',
      'HAProxy keeps http-reuse safe (the default) unless the backend is known to tolerate reuse of idle connections',
      'More aggressive reuse sends first requests on idle connections the server may be closing.',
      ['haproxy'],
    ),
  ],
  GATEWAY_CONFIG: [
    item(
      'gateway-config.validated-progressive-rollout',
      'process',
      'P1',
      'Gateway configuration is in version control, validated in CI (nginx -t, haproxy -c, istioctl analyze) and rolled out progressively with automatic rollback',
      'Configuration errors are the largest group in public postmortem collections; validation catches syntax and references, progressive roll-out limits the blast radius of the rest.',
    ),
    item(
      'gateway-config.explicit-timeouts',
      'prevent',
      'P2',
      'Every gateway timeout (connect, read, send, idle) is set explicitly',
      'Defaults differ between products and versions, and HAProxy warns that unset timeouts are infinite.',
    ),
    item(
      'gateway-config.bounded-retries',
      'prevent',
      'P2',
      'Retries are bounded (at most 3 attempts in total), limited to idempotent methods, done at one layer, with exponential backoff, jitter and a retry budget',
      'Unbounded or layered retries turn a partial failure into overload (Google SRE; AWS Builders\' Library). nginx 1.9.13 and later already skips non-idempotent requests.',
    ),
    item(
      'gateway-config.circuit-breakers-deliberate',
      'prevent',
      'P3',
      "Circuit-breaker limits are set deliberately per route (Envoy's defaults: 1024 connections, 1024 pending requests, 1024 requests, 3 retries)",
      'Defaults are too high for a small upstream and too low for a large one.',
    ),
    item(
      'gateway-config.buffer-sizes',
      'prevent',
      'P3',
      'Proxy buffer sizes fit the largest response headers the upstreams send (ingress-nginx proxy-buffer-size defaults to 4k)',
      'Headers larger than the buffer make nginx answer 502 ("upstream sent too big header").',
      ['nginx', 'ingress-nginx'],
    ),
  ],
  TLS: [
    item(
      'tls.expiry-monitored',
      'detect',
      'P1',
      'Certificate expiry is monitored for every origin, internal ones included, with an alert at least 21 days ahead',
      'An expired origin certificate breaks every proxied request at once (Cloudflare 526, CloudFront 502).',
    ),
    item(
      'tls.name-matches',
      'prevent',
      'P2',
      'Origin certificates cover the exact hostname the proxy sends as Host and SNI',
      'CloudFront and Cloudflare (Full strict) reject an origin certificate that does not match.',
    ),
    item(
      'tls.sni-and-ciphers',
      'prevent',
      'P2',
      "Origins support SNI and a protocol and cipher set that overlaps the proxy's",
      'A failed handshake surfaces as 502 or Cloudflare 525.',
    ),
    item(
      'tls.full-chain',
      'prevent',
      'P2',
      'Origins serve the full certificate chain in the correct order',
      'Browsers may tolerate a missing intermediate; proxies verifying the origin usually do not.',
    ),
    item(
      'tls.handshake-time',
      'detect',
      'P3',
      'TLS handshake time to upstreams is monitored',
      'An ALB abandons a handshake to a target after 10 s and answers 502.',
    ),
  ],
  DNS: [
    item(
      'dns.failover-ttl',
      'prevent',
      'P1',
      'TTL of failover and health-checked records ≤ 60 s',
      'Route 53 recommends 60 s or less for records with health checks, so clients move within a minute of a failover.',
    ),
    item(
      'dns.proxy-re-resolves',
      'prevent',
      'P1',
      'Proxies that cache DNS re-resolve upstream names (nginx resolver with valid= and a variable in proxy_pass, or server … resolve), checked by a test',
      'nginx resolves a literal hostname in proxy_pass once at start or reload and keeps sending to the old address after it changes.',
    ),
    item(
      'dns.lower-ttl-before-change',
      'process',
      'P2',
      'Before a planned address change, the record\'s TTL is lowered at least one old TTL in advance',
      'Resolvers keep the old answer for up to the old TTL; lowering it first shortens the window of stale answers.',
    ),
    item(
      'dns.cdn-origin-records',
      'prevent',
      'P2',
      'CDN origin records point at the current origin addresses, checked after every origin move',
      'A stale origin address makes the edge answer 522/523 (Cloudflare) although the origin is healthy.',
    ),
  ],
  NETWORK: [
    item(
      'network.lb-subnets-allowed',
      'prevent',
      'P1',
      'Security groups and network ACLs allow traffic from every load-balancer subnet to the targets on the target port, and return traffic on ephemeral ports 1024–65535',
      'An ALB answers 502 when a target is unreachable (ICMP host unreachable) and 504 when return traffic is blocked.',
    ),
    item(
      'network.gateway-probe',
      'detect',
      'P2',
      "A synthetic probe from the gateway's network requests each upstream directly and alerts on connection errors and slow connects",
      'Separates a broken path between gateway and upstream from an unhealthy upstream without waiting for user traffic.',
    ),
    item(
      'network.connect-time-logged',
      'detect',
      'P2',
      'Gateway access logs record the upstream connect time ($upstream_connect_time in nginx, upstream timings in Envoy, HAProxy timers)',
      'Connect time is where a slow or lossy path shows first.',
    ),
    item(
      'network.changes-reviewed',
      'process',
      'P3',
      'Firewall, security-group and routing changes are reviewed and rolled out like gateway configuration, with a tested way back',
      'Network changes break the path for every service behind it at once.',
    ),
  ],
  CDN_EDGE: [
    item(
      'cdn-edge.origin-allowlist',
      'prevent',
      'P1',
      "The origin firewall allow-lists all of the CDN's current egress ranges, updated automatically",
      'A blocked edge range is the most common cause of Cloudflare 521/522.',
    ),
    item(
      'cdn-edge.synthetic-both-paths',
      'detect',
      'P2',
      'Synthetic checks run both through the CDN and directly against the origin',
      'Comparing the two tells an edge failure from an origin failure at a glance.',
    ),
    item(
      'cdn-edge.serve-stale',
      'mitigate',
      'P2',
      'stale-if-error (serve stale on error) is enabled for cacheable content',
      'Cached pages keep working while the origin fails.',
    ),
    item(
      'cdn-edge.error-caching-ttl',
      'prevent',
      'P3',
      'Error-caching TTLs are chosen deliberately (CloudFront caches 5xx responses for 10 s by default)',
      'A short TTL sends more load to a struggling origin; a long one keeps serving the error after recovery.',
    ),
    item(
      'cdn-edge.request-id-in-origin-logs',
      'detect',
      'P3',
      "Origin logs include the CDN's request id (cf-ray, X-Amz-Cf-Id)",
      'Lets a failing edge request be found in the origin logs.',
    ),
  ],
  CAPACITY: [
    item(
      'capacity.limits-sized',
      'prevent',
      'P1',
      'Connection and queue limits (HAProxy maxconn, Envoy circuit breakers, ingress worker connections) are sized for twice the peak, with alerts on overflow counters',
      'Overflow (Envoy upstream_rq_pending_overflow, HAProxy sQ/PC) rejects requests while every instance still looks healthy.',
    ),
    item(
      'capacity.fd-port-headroom',
      'detect',
      'P2',
      'Ephemeral-port and file-descriptor headroom is monitored on the gateways',
      'Exhaustion shows as connect errors to healthy upstreams (nginx "Cannot assign requested address" without upstream keep-alive).',
    ),
    item(
      'capacity.autoscale-before-saturation',
      'prevent',
      'P2',
      'Autoscaling reacts before saturation, with a load test to show it',
      'Scaling that starts at saturation arrives after the errors.',
    ),
    item(
      'capacity.load-shedding',
      'mitigate',
      'P2',
      'Overload is shed with fast 503 or 429 answers instead of slow 504s',
      'Fast rejections keep the rest of the traffic working and tell clients to back off.',
    ),
  ],
  UNKNOWN: [
    item(
      'unknown.upstream-fields-logged',
      'detect',
      'P1',
      'Gateway access logs record the upstream address, status and timings of every request (nginx $upstream_addr $upstream_status $upstream_response_time, Envoy %RESPONSE_FLAGS%, ALB target_status_code)',
      'Without these fields a 502 cannot be traced to the instance and phase that failed.',
    ),
    item(
      'unknown.errors-by-hop',
      'detect',
      'P2',
      '5xx rates are graphed and alerted per hop that generated them (CDN, load balancer, ingress or mesh, application)',
      'The same failure shows as different codes at different hops; knowing which hop answered halves the search.',
    ),
    item(
      'unknown.request-id',
      'detect',
      'P2',
      'A request id is propagated and logged at every hop (X-Request-Id, cf-ray, X-Amzn-Trace-Id)',
      'Lets one failing request be followed through every log.',
    ),
    item(
      'unknown.evidence-capture',
      'process',
      'P2',
      'The runbook says how to capture evidence while the error is live: a HAR export, curl -sv from two networks, the gateway log lines',
      'Evidence taken during the incident is what makes a cause confirmable afterwards.',
    ),
    item(
      'unknown.log-retention',
      'process',
      'P3',
      'Gateway and upstream logs of the incident window are kept at least until the postmortem is published',
      'The review can then still test hypotheses against the raw lines.',
    ),
  ],
};

/** The seed guide's "Prevention: Best Practices for 502 Resilience", one item per practice. */
export const GENERAL_PREVENTION: readonly CatalogItem[] = [
  item(
    'general.health-checks',
    'prevent',
    'P2',
    'Every upstream pool has health checks, and failing instances are taken out of rotation',
    'The seed guide\'s first practice: most 502s start with an upstream that is down or unresponsive.',
  ),
  item(
    'general.circuit-breakers',
    'prevent',
    'P2',
    'Circuit breakers sit between the gateway and each upstream, so a failing upstream is cut off instead of tying up connections',
    'Fails fast and protects the gateway and the other upstreams.',
  ),
  item(
    'general.sane-timeouts',
    'prevent',
    'P2',
    'Timeouts at every hop are set deliberately and consistently with each other',
    'Mismatched or default timeouts cause both 502s (connections closed under a request) and 504s.',
  ),
  item(
    'general.retries-backoff-jitter',
    'prevent',
    'P2',
    'Retry policies have bounded attempts with exponential backoff and jitter',
    'Synchronised retries hit a recovering upstream all at once (thundering herd).',
  ),
  item(
    'general.upstream-slas',
    'process',
    'P3',
    'Service-level expectations with upstream providers are documented, with their status pages linked from the runbook',
    'Responders can check a provider outage in step 2 instead of searching for it.',
  ),
  item(
    'general.edge-cache-monitoring',
    'detect',
    'P3',
    'Edge caches are monitored for stale content and cached error responses',
    'A cached error keeps users on the failure after the origin recovers.',
  ),
  item(
    'general.dns-ttl-review',
    'process',
    'P3',
    'DNS TTLs are reviewed regularly: short for failover records, lowered ahead of planned changes',
    'Long TTLs delay failover; stale answers send traffic to retired addresses.',
  ),
  item(
    'general.failover-tested',
    'process',
    'P2',
    'Automated failover paths are tested on a schedule, at least once a quarter',
    'An untested failover path tends to fail when it is needed.',
  ),
  item(
    'general.runbooks',
    'process',
    'P3',
    'The 5xx runbook is current and exercised, so every responder follows the same steps',
    'Documentation and runbooks make responses consistent and shorten outages.',
  ),
];

/**
 * General practices that a category item already covers more precisely; the general one is not
 * proposed next to it.
 */
const GENERAL_COVERED_BY: Readonly<Record<string, readonly string[]>> = {
  'general.health-checks': ['upstream-down.active-health-checks'],
  'general.circuit-breakers': ['gateway-config.circuit-breakers-deliberate'],
  'general.sane-timeouts': ['gateway-config.explicit-timeouts', 'upstream-timeout.decreasing-budget'],
  'general.retries-backoff-jitter': ['gateway-config.bounded-retries'],
  'general.dns-ttl-review': ['dns.failover-ttl'],
};

const CATALOG_BY_KEY: ReadonlyMap<string, CatalogItem> = new Map(
  [...CAUSE_CATEGORIES.flatMap((category) => PREVENTION_CATALOG[category]), ...GENERAL_PREVENTION].map((entry) => [entry.key, entry]),
);

/** Every catalog item by key. */
export function catalogItem(key: string): CatalogItem | undefined {
  return CATALOG_BY_KEY.get(key);
}

/**
 * The checklist to propose for an incident: the items of each confirmed category (in the order
 * given, so the primary cause comes first), then the general practices; skipping keys already
 * present as action items, general practices a proposed or present category item covers,
 * duplicates, and — when the incident's gateway is known — items written for other gateways.
 */
export function proposeActionItems(
  confirmedCategories: readonly CauseCategory[],
  existingCatalogKeys: readonly string[],
  options: { gateway?: Gateway | null } = {},
): CatalogItem[] {
  const taken = new Set(existingCatalogKeys);
  const gateway = options.gateway ?? null;
  const fits = (entry: CatalogItem) => gateway === null || gateway === 'other' || !entry.appliesTo || entry.appliesTo.includes(gateway);
  const proposed: CatalogItem[] = [];
  const seenCategories = new Set<CauseCategory>();
  for (const category of confirmedCategories) {
    if (seenCategories.has(category) || !Object.hasOwn(PREVENTION_CATALOG, category)) continue;
    seenCategories.add(category);
    for (const entry of PREVENTION_CATALOG[category]) {
      if (taken.has(entry.key) || !fits(entry)) continue;
      taken.add(entry.key);
      proposed.push(entry);
    }
  }
  for (const entry of GENERAL_PREVENTION) {
    if (taken.has(entry.key) || !fits(entry)) continue;
    if ((GENERAL_COVERED_BY[entry.key] ?? []).some((key) => taken.has(key))) continue;
    taken.add(entry.key);
    proposed.push(entry);
  }
  return proposed;
}

const DUE_IN_DAYS: Record<ActionItemPriority, number> = { P1: 7, P2: 30, P3: 90 };

/**
 * The default due date of an action item: P1 in 7 days, P2 in 30, P3 in 90, counted from the
 * UTC date of `fromIsoDate` (a `YYYY-MM-DD` date or an ISO instant). Returns `YYYY-MM-DD`.
 */
export function defaultDueDate(priority: ActionItemPriority, fromIsoDate: string): string {
  const days = DUE_IN_DAYS[priority];
  if (days === undefined) throw new RangeError(`Unknown priority: ${String(priority)}`);
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(fromIsoDate) ? parseInstant(`${fromIsoDate}T00:00:00Z`) : parseInstant(fromIsoDate);
  if (ms === null) throw new RangeError(`Not an ISO date: ${fromIsoDate}`);
  return addDays(utcDate(ms), days);
}
