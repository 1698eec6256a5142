import { GATEWAYS } from '../../diagnosis/cause-category.js';
import type { RunbookDefinition } from './runbook-types.js';
import { buildRunbookSteps } from './steps.js';

/**
 * Priors (they sum to 1), shifted from the 502 flow by what a 503 says:
 * - the service is unavailable: no healthy upstream, maintenance, instances down → UPSTREAM_DOWN
 *   0.34, still the largest share, as the seed's "upstream down: high";
 * - overloaded: the seed's explanation of 503 ("high load"), plus gateway-side load shedding,
 *   rate limiting and circuit breaking → CAPACITY 0.22;
 * - gateway misconfiguration (empty pool, a health check that no longer matches, a routing or
 *   subset change, maintenance left on, limits set too low): medium → GATEWAY_CONFIG 0.14;
 * - connection failures some gateways report as 503 (Envoy UF/UC, Apache connect failures):
 *   UPSTREAM_RESET 0.06, UPSTREAM_TIMEOUT 0.05 (queue and connect timeouts);
 * - DNS/network low as in the seed → DNS 0.05, NETWORK 0.04; TLS 0.04, CDN_EDGE 0.03 small
 *   (a CDN mostly relays the origin's 503); UNKNOWN 0.03.
 */
const PRIORS: RunbookDefinition['priors'] = {
  UPSTREAM_DOWN: 0.34,
  CAPACITY: 0.22,
  GATEWAY_CONFIG: 0.14,
  UPSTREAM_RESET: 0.06,
  UPSTREAM_TIMEOUT: 0.05,
  DNS: 0.05,
  NETWORK: 0.04,
  TLS: 0.04,
  CDN_EDGE: 0.03,
  UNKNOWN: 0.03,
};

const INSTRUCTIONS = {
  confirm: [
    'Pin down exactly what fails and who says "unavailable".',
    '',
    '1. Record the exact URL, method, status, response headers (especially `Retry-After`) and the first lines of the body, with the time in UTC.',
    '2. Reproduce from at least two networks or devices and measure how often it fails.',
    '3. Find **which hop generated the 503**: the application itself (its own maintenance or overload page, often with `Retry-After`), or a gateway with nothing to send to ("no healthy upstream" from Envoy, "No server is available to handle this request" from HAProxy, an ALB with no registered targets), or a gateway rate limit (nginx `limit_req` answers 503 by default).',
    '4. Note planned maintenance, deploys, scaling events, traffic spikes and configuration changes shortly before the first occurrence.',
    '',
    'Replay only requests that are safe to repeat.',
  ].join('\n'),
  'upstream-health': [
    'Decide whether the upstream is really unavailable, or only unavailable to the gateway.',
    '',
    '- Read the status page and dashboards: instance count, health-check results, CPU, memory, connection and queue saturation, autoscaling events, maintenance windows.',
    '- Read the gateway\'s view of the pool: how many instances it considers healthy, and why the others failed their checks.',
    '- Send requests **directly to each upstream instance** from the gateway\'s network.',
    '',
    'Choose `upstream_down` if instances are gone, refusing or failing everywhere; `upstream_degraded` if they answer but are saturated, slow or only partly healthy; `upstream_healthy` if every instance answers fine directly, which points at the gateway\'s health checks, routing or limits.',
  ].join('\n'),
  'gateway-config': [
    'Review why the gateway has nothing usable to send to, or refuses to send.',
    '',
    '- **Health checks**: path, port, expected status and thresholds still match the application; a changed path or an auth-protected check marks healthy instances down.',
    '- **Pool and routing**: the route points at the right service, port and subset/labels; the pool is not empty after a deploy or scaling change.',
    '- **Limits**: rate limits, connection caps, queue sizes and circuit breakers compared with current traffic (many users behind one NAT address share a per-IP limit).',
    '- **Maintenance switches**: maintenance pages or `return 503` rules left on after planned work.',
    '- **Recent changes**: if the errors started with a change, roll it back first.',
  ].join('\n'),
  isolate: [
    'Separate "the upstream cannot serve" from "the gateway will not send".',
    '',
    '1. Start a minimal upstream that always answers 200 on a host in the same network as the original upstream.',
    '2. Add a temporary route on the same gateway and listener sending `/__stepwise_probe` to it, and request it the way users do.',
    '3. If one instance is suspect, take only that one out of rotation and watch the error rate.',
    '',
    'Choose `simple_upstream_ok` if the probe works through the gateway (the original upstream or its pool is at fault) and `simple_upstream_fails` if it does not (gateway limits, configuration or network). Remove the temporary route afterwards.',
  ].join('\n'),
  'restart-flush': [
    'Restore capacity with the least disruptive action first, one at a time, recording each with its time.',
    '',
    '1. Switch off a maintenance mode left on by mistake; re-enable instances taken out of rotation once healthy.',
    '2. Restart or replace failed instances one at a time and wait for health checks to pass; scale out if the upstream is saturated.',
    '3. Reload the gateway gracefully if its view of the pool is stale (old endpoints, cached DNS).',
    '4. Purge caches only where a 503 was cached.',
    '',
    'Measure the error rate after each action and stop as soon as it recovers.',
  ].join('\n'),
  'verify-monitor': [
    'Confirm that the service stays available.',
    '',
    '- Repeat the step 1 requests and the loop that counts status codes.',
    '- Watch the 503 rate, the healthy-instance count and saturation for at least one or two alert windows, including a traffic peak if one is due.',
    '- Make sure alerts fire on "fewer than two healthy instances" and on the 5xx rate per hop, not only on total outage.',
    '- Write down the root cause and what fixed it for the postmortem.',
    '',
    'Choose `stable` if the error rate stayed at baseline for the whole window; `recurring` sends the incident back to investigating.',
  ].join('\n'),
};

export const HTTP_503_RUNBOOK: RunbookDefinition = {
  key: 'http-503',
  version: 1,
  title: '503 Service Unavailable',
  description: [
    'A 503 means the server is temporarily unable to handle the request, typically because the service is down for maintenance or overloaded. Gateways also use it when they have no healthy upstream to send to (Envoy `UH`, HAProxy with no server available, an ALB target group with no registered targets) and when their own limits reject the request (rate limiting, circuit breaking).',
    '503 or 502? A 502 says the gateway got a bad answer from the upstream; a 503 says the service is unavailable or overloaded, often because of maintenance or high load. The line is blurred in practice: Envoy and Apache report a refused upstream connection as 503, nginx as 502. Follow the failure mode the logs name, and look for `Retry-After`, which marks a deliberate 503.',
  ].join('\n\n'),
  appliesTo: { statusCodes: [503], gateways: [...GATEWAYS] },
  priors: PRIORS,
  steps: buildRunbookSteps('http-503', INSTRUCTIONS),
};
