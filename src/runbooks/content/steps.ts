import { checksForStep } from './checks/index.js';
import { outcomesFor } from './outcomes.js';
import type { ExpectedEvidence, ObservationField, RunbookStepDefinition } from './runbook-types.js';
import { REPEATABLE_STEP_KEYS, RUNBOOK_STEP_KEYS, type RunbookFlow, type RunbookStepKey } from './step-keys.js';

/**
 * The skeleton the three seeded runbooks share: the six steps of the seed guide with their
 * titles, tips, expected evidence, observation fields and outcomes. Each runbook supplies the
 * instructions for its status code; the checks come from the per-gateway modules.
 */

const TITLES: Record<RunbookStepKey, string> = {
  confirm: 'Confirm the error and reproduce it',
  'upstream-health': 'Check upstream health',
  'gateway-config': 'Review gateway configuration',
  isolate: 'Isolate with a simple upstream',
  'restart-flush': 'Restart and flush',
  'verify-monitor': 'Test again and monitor',
};

/** The seed's tips, reworded; the advice is the seed's. */
const TIPS: Record<RunbookStepKey, string> = {
  confirm: 'Capture a HAR or screenshots while you reproduce: everyone helping, including your CDN or hosting provider, can then work from the same evidence.',
  'upstream-health': 'If the upstream is a global provider, compare its health across regions: one failing region can look like a random error from elsewhere.',
  'gateway-config': 'If the errors began after a gateway deployment or configuration change, roll that change back first and investigate afterwards.',
  isolate: 'If traffic to the simple upstream goes through fine, the problem most likely lies with the original upstream.',
  'restart-flush': 'Restart in a controlled sequence, one component or instance at a time, so a restart does not set off a cascading outage.',
  'verify-monitor': 'Keep a postmortem checklist and fill it in now, while the details are fresh, to speed up the next incident.',
};

function evidence(kind: ExpectedEvidence['kind'], description: string): ExpectedEvidence {
  return { kind, description };
}

function field(key: string, type: ObservationField['type'], description: string): ObservationField {
  return { key, type, description };
}

function expectedEvidenceFor(flow: RunbookFlow, step: RunbookStepKey): ExpectedEvidence[] {
  switch (step) {
    case 'confirm':
      return [
        evidence('har', 'HAR of the failing page or call, recorded with "Preserve log" on and saved with content (Stepwise redacts cookies and tokens before storing it).'),
        evidence('command-output', '`curl -v` output from each network tried: status, response headers and timings.'),
        evidence('screenshot', 'The error page as users see it; its branding tells which hop produced it.'),
      ];
    case 'upstream-health':
      return [
        evidence('command-output', "Direct request to the upstream from the gateway's network, bypassing the CDN/load balancer (curl output)."),
        evidence('screenshot', 'Upstream dashboards (error rate, latency, saturation) and the provider status page around the first occurrence.'),
        flow === 'http-504'
          ? evidence('log', 'Upstream application or database logs showing the slow operations (slow query log, traces).')
          : evidence('log', 'Upstream application logs around the first occurrence (crashes, restarts, errors).'),
      ];
    case 'gateway-config':
      return [
        evidence('config', 'Dump of the effective gateway configuration for the failing route (timeouts, keep-alive, retries, pool, TLS).'),
        evidence('note', 'Recent changes to the gateway or routing, with times, and whether one was rolled back.'),
      ];
    case 'isolate':
      return [
        evidence('command-output', 'Request to the simple upstream through the gateway, and the direct request to the original upstream, with status and timing.'),
      ];
    case 'restart-flush':
      return [
        evidence('note', 'Each action taken (reload, restart, purge, flush) in order, with its time and the error rate measured after it.'),
        evidence('command-output', 'Status counts measured after the action that changed the outcome.'),
      ];
    case 'verify-monitor':
      return [
        evidence('screenshot', 'Error-rate graph by generating hop, from before the incident until the end of the watch window.'),
        evidence('config', 'The alert rule that fires if the error rate climbs again.'),
        evidence('note', 'Root cause and what fixed it, for the postmortem.'),
      ];
  }
}

function observationsFor(flow: RunbookFlow, step: RunbookStepKey): ObservationField[] {
  switch (step) {
    case 'confirm':
      return [
        field('reproducedFrom', 'string[]', 'Networks, devices or regions the request was tried from, e.g. "office", "mobile hotspot", "VM in eu-west-1".'),
        field('answeringHop', 'string', 'The hop that generated the status (cdn, cloud-lb, ingress/mesh, gateway, app) and the header or page that shows it.'),
        field('firstSeenAt', 'string', 'When the error was first seen (ISO-8601, UTC).'),
        field('recentChange', 'string', 'Deploys, configuration, certificate or DNS changes shortly before the first occurrence.'),
        field('failureRate', 'number', 'Share of test requests that failed, from 0 to 1.'),
        ...(flow === 'http-503' ? [field('retryAfter', 'string', 'Value of the Retry-After response header, if any.')] : []),
        ...(flow === 'http-504'
          ? [field('secondsToError', 'number', 'How long a failing request took before the error; a round number names the timeout that fired.')]
          : []),
      ];
    case 'upstream-health':
      return [
        field('directRequestStatus', 'number', 'Status of the direct request to the upstream (0 if no HTTP response).'),
        field('directRequestLatencyMs', 'number', 'Total time of the direct request, in milliseconds.'),
        field('statusPage', 'string', "What the upstream's or provider's status page and dashboards showed."),
        field('unhealthyTargets', 'string[]', 'Upstream instances the gateway or load balancer reports as unhealthy.'),
        ...(flow === 'http-504' ? [field('slowestOperation', 'string', 'The slowest operation found behind the endpoint (query, downstream call).')] : []),
      ];
    case 'gateway-config':
      return [
        field('changedSettings', 'string[]', 'Settings found wrong or changed, e.g. "proxy_read_timeout 30s -> 60s".'),
        field('gatewayTimeouts', 'string[]', 'Timeouts in effect on the path, e.g. "ALB idle 60s", "upstream keepalive_timeout 60s", "app keep-alive 5s".'),
        field('rolledBackChange', 'string', 'The change that was rolled back, if any.'),
      ];
    case 'isolate':
      return [
        field('simpleUpstreamPassed', 'boolean', 'Whether the simple upstream answered correctly through the gateway.'),
        field('simpleUpstream', 'string', 'What the simple upstream was (host, port, route used).'),
        field('directUpstreamPassed', 'boolean', 'Whether the original upstream answered correctly when requested directly.'),
      ];
    case 'restart-flush':
      return [
        field('restarted', 'string[]', 'Components reloaded or restarted, in the order done.'),
        field('cachesFlushed', 'string[]', 'Caches purged or flushed (CDN paths, proxy caches, DNS caches).'),
      ];
    case 'verify-monitor':
      return [
        field('errorRate', 'number', 'Share of requests failing over the watch window after the fix, from 0 to 1.'),
        field('watchedMinutes', 'number', 'How long the error rate was watched after the fix.'),
        field('alertsConfigured', 'boolean', 'Whether an alert now fires if the error rate climbs again.'),
        field('rootCause', 'string', 'The root cause as understood now, in one or two sentences.'),
      ];
  }
}

/** The six steps of a flow, in order, with the given instructions (markdown) per step. */
export function buildRunbookSteps(flow: RunbookFlow, instructions: Record<RunbookStepKey, string>): RunbookStepDefinition[] {
  return RUNBOOK_STEP_KEYS.map((key, index) => ({
    position: index + 1,
    key,
    title: TITLES[key],
    instructions: instructions[key],
    tip: TIPS[key],
    expectedEvidence: expectedEvidenceFor(flow, key),
    outcomes: outcomesFor(flow, key),
    checks: checksForStep(flow, key),
    observations: observationsFor(flow, key),
    repeatable: REPEATABLE_STEP_KEYS.includes(key),
  }));
}
