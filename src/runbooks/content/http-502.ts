import { GATEWAYS } from '../../diagnosis/cause-category.js';
import type { RunbookDefinition } from './runbook-types.js';
import { buildRunbookSteps } from './steps.js';

/**
 * Priors (they sum to 1) follow the seed's "possible causes":
 * - upstream down or unresponsive: high → UPSTREAM_DOWN 0.30, the largest single share;
 * - gateway/proxy misconfiguration or timeout settings: medium → GATEWAY_CONFIG 0.16, plus
 *   UPSTREAM_RESET 0.14 (the seed's "terminate connections prematurely or forward malformed data",
 *   i.e. keep-alive races and invalid responses, the literal meaning of a 502) and UPSTREAM_TIMEOUT
 *   0.08 (lower: most gateways report a timeout as 504, but ALB/Envoy paths can still show 502);
 * - DNS or network between gateway and upstream: low → DNS 0.05, NETWORK 0.05;
 * - named only among the seed's "common causes" (TLS termination, CDN edge faults, capacity
 *   squeeze): small → TLS 0.07, CAPACITY 0.06, CDN_EDGE 0.05;
 * - UNKNOWN 0.04 keeps room for what the taxonomy does not name.
 */
const PRIORS: RunbookDefinition['priors'] = {
  UPSTREAM_DOWN: 0.3,
  GATEWAY_CONFIG: 0.16,
  UPSTREAM_RESET: 0.14,
  UPSTREAM_TIMEOUT: 0.08,
  TLS: 0.07,
  CAPACITY: 0.06,
  DNS: 0.05,
  NETWORK: 0.05,
  CDN_EDGE: 0.05,
  UNKNOWN: 0.04,
};

const INSTRUCTIONS = {
  confirm: [
    'Pin down exactly what fails before changing anything.',
    '',
    '1. Record the exact URL, method, status code, response headers and the first lines of the error body, with the time in UTC.',
    '2. Reproduce from at least two networks or devices (office network, mobile hotspot, a VM in another region) and measure how often it fails.',
    '3. Find **which hop generated the 502**: the CDN (`cf-ray`, `x-amz-cf-id`), the cloud load balancer (`Server: awselb/2.0`), the ingress or mesh (`server: envoy`, nginx error page), or the application itself. The gateway\'s checks below say where its logs explain the failure.',
    '4. Note deploys, configuration, certificate and DNS changes shortly before the first occurrence.',
    '',
    'Replay only requests that are safe to repeat; do not resend POST/PATCH/DELETE calls against production unless the operation is harmless.',
  ].join('\n'),
  'upstream-health': [
    'Decide whether the upstream itself is failing.',
    '',
    '- Read the upstream\'s status page and dashboards (error rate, latency, CPU, memory, connections) and its logs around the first occurrence: crashes, restarts, OOM kills, deploys.',
    '- Send a request **directly to the upstream**, bypassing the CDN, load balancer and gateway, from the gateway\'s network, keeping the Host header and SNI. Test every instance, not just one.',
    '- Read the gateway\'s own view of the pool (target health, endpoints, server status).',
    '',
    'Choose `upstream_down` if direct requests are refused, time out or crash the process; `upstream_degraded` if it answers slowly, with errors, or only some instances are healthy; `upstream_healthy` if direct requests succeed quickly everywhere.',
  ].join('\n'),
  'gateway-config': [
    'Review what the gateway does with the request, starting with whatever changed last.',
    '',
    '- **Timeouts and keep-alive**: the upstream must keep idle connections open longer than the gateway reuses them (e.g. app keep-alive above the ALB\'s 60 s idle timeout). The reverse gives intermittent 502s after quiet periods.',
    '- **Retries**: which failures are retried, how often, at which layer; non-idempotent requests must not be retried.',
    '- **Pool and routing**: the route targets the intended upstream, port and protocol (HTTP or HTTPS, HTTP/1.1 or HTTP/2); pool membership is current; host names are re-resolved when upstream addresses change.',
    '- **TLS to the upstream**: SNI, certificate validity and name, overlapping protocols and ciphers.',
    '- **Buffers**: response headers larger than the gateway\'s buffer are a 502.',
    '- **Recent changes**: compare with the last known-good configuration. If the errors started with a change, roll it back first.',
  ].join('\n'),
  isolate: [
    'Separate "the upstream is bad" from "the path through the gateway is bad".',
    '',
    '1. Start a minimal upstream that always answers 200 on a host in the same network as the original upstream.',
    '2. Add a temporary route on the **same gateway, listener and TLS setup** sending `/__stepwise_probe` to it, and request it the way users do.',
    '3. Compare with a direct request to the original upstream from the gateway host.',
    '',
    'Choose `simple_upstream_ok` if the probe works through the gateway (the fault lies with the original upstream) and `simple_upstream_fails` if it does not (the gateway, network path, DNS, TLS or CDN is at fault). Remove the temporary route afterwards.',
  ].join('\n'),
  'restart-flush': [
    'Apply the least disruptive action first, one at a time, and record each with its time.',
    '',
    '1. Reload the gateway configuration gracefully: it drops idle upstream connections and re-resolves host names read at start.',
    '2. Restart unhealthy upstream instances one at a time, after draining each from the pool; wait for health checks to pass before the next.',
    '3. Purge CDN or proxy caches only for paths where an error response was cached.',
    '4. Flush DNS caches only where stale answers were observed.',
    '',
    'Measure the error rate after each action and stop as soon as it recovers, so the mitigation is known.',
  ].join('\n'),
  'verify-monitor': [
    'Confirm that the fix holds before calling the incident resolved.',
    '',
    '- Repeat the step 1 requests from the same networks, and the loop that counts status codes.',
    '- Watch the 5xx rate **per generating hop** (CDN, load balancer, gateway, application) for at least one or two alert windows and compare it with the baseline before the incident.',
    '- Make sure an alert fires if the rate climbs again, and that it links to this runbook.',
    '- Write down the root cause and what fixed it for the postmortem.',
    '',
    'Choose `stable` if the error rate stayed at baseline for the whole window; `recurring` sends the incident back to investigating.',
  ].join('\n'),
};

export const HTTP_502_RUNBOOK: RunbookDefinition = {
  key: 'http-502',
  version: 1,
  title: '502 Bad Gateway',
  description: [
    'A 502 means a gateway or proxy on the path received an invalid response from the server behind it (RFC 9110: "received an invalid response from an inbound server"), or a connection it could not use. The fault is on the server side, somewhere between the client and the service, not on the user\'s device.',
    'The status depends on which hop produced it: a CDN, a cloud load balancer, an ingress or mesh proxy, or an application that proxies itself. The same failure shows as different codes on different products (a refused connection is 502 on nginx and ALB, 503 on Envoy, 521 on Cloudflare), so this runbook follows the failure mode, not only the number.',
    '502 or 503? A 502 says the gateway got a bad answer (or none it could use) from upstream; a 503 says the service is unavailable or overloaded, often during maintenance, under high load, or when the gateway has no healthy upstream left. Cloudflare 520, 521, 523, 525, 526 and 527 follow this runbook; 522 and 524 are timeouts and follow http-504.',
  ].join('\n\n'),
  appliesTo: { statusCodes: [502, 520, 521, 523, 525, 526, 527], gateways: [...GATEWAYS] },
  priors: PRIORS,
  steps: buildRunbookSteps('http-502', INSTRUCTIONS),
};
