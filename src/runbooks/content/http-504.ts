import { GATEWAYS } from '../../diagnosis/cause-category.js';
import type { RunbookDefinition } from './runbook-types.js';
import { buildRunbookSteps } from './steps.js';

/**
 * Priors (they sum to 1), shifted from the 502 flow by what a 504 says: the gateway waited and
 * gave up.
 * - the upstream is too slow (slow queries, slow downstream calls, long jobs) → UPSTREAM_TIMEOUT
 *   0.38, now the largest share;
 * - the seed's "timeout settings" (medium): a timeout set below the endpoint's real latency, or a
 *   chain of timeouts in the wrong order → GATEWAY_CONFIG 0.14;
 * - saturation makes an otherwise fast upstream slow (HAProxy calls `sH` "usually server or
 *   database saturation") → CAPACITY 0.14;
 * - an upstream that is gone can show as a connect timeout rather than a refusal → UPSTREAM_DOWN
 *   0.10 (down from "high": a 504 means something accepted or swallowed the request);
 * - packets dropped on the way (security groups, network ACLs on ephemeral ports, Cloudflare 522)
 *   → NETWORK 0.08, above the 502 flow's share;
 * - DNS 0.04, CDN_EDGE 0.04 (edge timeouts such as 524 usually reflect a slow origin),
 *   UPSTREAM_RESET 0.03, TLS 0.02 (handshake timeouts), UNKNOWN 0.03.
 */
const PRIORS: RunbookDefinition['priors'] = {
  UPSTREAM_TIMEOUT: 0.38,
  GATEWAY_CONFIG: 0.14,
  CAPACITY: 0.14,
  UPSTREAM_DOWN: 0.1,
  NETWORK: 0.08,
  DNS: 0.04,
  CDN_EDGE: 0.04,
  UPSTREAM_RESET: 0.03,
  UNKNOWN: 0.03,
  TLS: 0.02,
};

const INSTRUCTIONS = {
  confirm: [
    'Pin down what times out, and after how long.',
    '',
    '1. Record the exact URL, method, status, response headers and the first lines of the body, with the time in UTC.',
    '2. Reproduce from at least two networks or devices and **time each failing request**: a failure after a round number of seconds (15, 30, 60, 100 or 120 s) names the timeout that fired; a fast 504 means the gateway gave up while connecting or served a cached error.',
    '3. Find **which hop generated the 504**: the CDN (Cloudflare 524 or 522, CloudFront), the cloud load balancer (`Server: awselb/2.0`), the ingress or mesh (Envoy `UT`), the gateway (nginx "upstream timed out"), or a proxy inside the application.',
    '4. Note whether only some endpoints are slow (one report, one query) or all of them, and what changed recently: deploys, data growth, traffic, dependencies.',
    '',
    'Replay only requests that are safe to repeat: a timed-out request may still have completed on the server.',
  ].join('\n'),
  'upstream-health': [
    'Find out where the time goes behind the gateway.',
    '',
    '- Read the upstream\'s latency percentiles (p50/p99) against the gateway\'s timeout, and its saturation: CPU, memory, worker or thread pools, connection pools, queue depth.',
    '- Send a request **directly to the upstream** from the gateway\'s network and time it; compare connect time with time to first byte.',
    '- Look behind the application: slow or locked database queries, slow downstream APIs, exhausted connection pools.',
    '- Connections stuck in SYN-SENT on the gateway host mean packets are dropped, not a slow application.',
    '',
    'Choose `upstream_down` if it does not accept connections at all, `upstream_degraded` if it is slow or saturated, `upstream_healthy` if direct requests are fast.',
  ].join('\n'),
  'gateway-config': [
    'Review the timeouts along the whole request path.',
    '',
    '- **The chain**: each hop should wait a little less than the hop in front of it: client > CDN (Cloudflare 100 s historically, 120 s in current documentation) > load balancer (ALB idle timeout 60 s) > gateway route (nginx `proxy_read_timeout` 60 s, Envoy route timeout 15 s unless set, HAProxy `timeout server`) > the upstream\'s own database and API timeouts.',
    '- **The endpoint**: is its normal p99 latency below the timeout? If a legitimate operation needs longer, raise the timeout for that route only, or make the operation asynchronous.',
    '- **Retries**: retrying a timed-out request multiplies the wait and the load; check which layers retry on timeout.',
    '- **Connect timeouts and network rules**: security groups and network ACLs (return traffic on ephemeral ports 1024-65535) that drop packets look like timeouts.',
    '- **Recent changes**: if the errors started with a change, roll it back first.',
  ].join('\n'),
  isolate: [
    'Separate "the upstream is slow" from "the path through the gateway loses time".',
    '',
    '1. Start a minimal upstream that always answers 200 at once, on a host in the same network as the original upstream.',
    '2. Add a temporary route on the same gateway and listener sending `/__stepwise_probe` to it, and time requests to it the way users make them.',
    '3. Time a direct request to the original upstream from the gateway host.',
    '',
    'Choose `simple_upstream_ok` if the probe answers quickly through the gateway (the original upstream is slow) and `simple_upstream_fails` if it also times out (gateway, network path or CDN). Remove the temporary route afterwards.',
  ].join('\n'),
  'restart-flush': [
    'Relieve the slowness with the least disruptive action first, one at a time, recording each with its time.',
    '',
    '1. Stop what saturates the upstream: cancel runaway queries or jobs, shed or rate-limit abusive traffic, scale out.',
    '2. Restart stuck upstream instances one at a time, after draining each from the pool; wait for health checks before the next.',
    '3. Reload the gateway gracefully if a timeout was changed, or if its view of the pool is stale.',
    '4. Purge caches only where a 504 was cached.',
    '',
    'Measure latency and the error rate after each action and stop as soon as they recover.',
  ].join('\n'),
  'verify-monitor': [
    'Confirm that latency stays well inside the timeouts.',
    '',
    '- Repeat the step 1 requests, timing them.',
    '- Watch the 504 rate and the p99 latency for at least one or two alert windows, including a traffic peak or the batch job that triggered it if one is due.',
    '- Make sure an alert fires when p99 latency approaches the gateway timeout (e.g. above 80 % of it), before requests start failing.',
    '- Write down the root cause and what fixed it for the postmortem.',
    '',
    'Choose `stable` if the error rate and latency stayed at baseline for the whole window; `recurring` sends the incident back to investigating.',
  ].join('\n'),
};

export const HTTP_504_RUNBOOK: RunbookDefinition = {
  key: 'http-504',
  version: 1,
  title: '504 Gateway Timeout',
  description: [
    'A 504 means a gateway or proxy on the path did not receive a timely response from the server behind it (RFC 9110: "did not receive a timely response from an upstream server"). The gateway waited until one of its timeouts fired: the upstream is slow, saturated or unreachable, or the timeout is shorter than the work needs.',
    'Every hop has its own timeout, so the first question is which hop gave up and after how long. Cloudflare 524 (no response within the proxy read timeout) and 522 (connection to the origin timed out) follow this runbook. Where 502 says "bad answer" and 503 "unavailable", 504 says "no answer in time".',
  ].join('\n\n'),
  appliesTo: { statusCodes: [504, 522, 524], gateways: [...GATEWAYS] },
  priors: PRIORS,
  steps: buildRunbookSteps('http-504', INSTRUCTIONS),
};
