import type { CauseEffects, OutcomeDefinition } from './runbook-types.js';
import type { RunbookFlow, RunbookStepKey } from './step-keys.js';

/**
 * Step outcomes (DESIGN §3) and what each does to the cause ranking (DESIGN §4).
 *
 * Effects are odds multipliers, kept within [0.1, 10] and modest: one outcome shifts the ranking,
 * it does not settle it alone. The strongest (×6 for `upstream_down`) is reserved for direct
 * observation of a cause; outcomes that only narrow the field stay between ×0.3 and ×3.
 * Where a flow changes what an outcome implies (a healthy upstream behind a 504 speaks against
 * slowness more than behind a 502), the flow gets its own numbers.
 */

function outcome(
  key: string,
  label: string,
  description: string,
  effects: CauseEffects,
  incidentEffect?: OutcomeDefinition['incidentEffect'],
): OutcomeDefinition {
  return { key, label, description, effects, ...(incidentEffect ? { incidentEffect } : {}) };
}

function confirmOutcomes(flow: RunbookFlow): OutcomeDefinition[] {
  const reproduced: Record<RunbookFlow, CauseEffects> = {
    // A hard, repeatable failure fits a dead upstream or a wrong setting better than a race.
    'http-502': { UPSTREAM_DOWN: 1.5, GATEWAY_CONFIG: 1.3, UPSTREAM_RESET: 0.7, CAPACITY: 0.8, CDN_EDGE: 0.8 },
    'http-503': { UPSTREAM_DOWN: 1.5, GATEWAY_CONFIG: 1.3, CAPACITY: 0.8, CDN_EDGE: 0.8 },
    // Every request timing out: a consistently slow endpoint or a timeout set below its latency.
    'http-504': { UPSTREAM_TIMEOUT: 1.3, GATEWAY_CONFIG: 1.4, CAPACITY: 0.9, UPSTREAM_RESET: 0.7 },
  };
  const intermittent: Record<RunbookFlow, CauseEffects> = {
    // Keep-alive races, one bad instance in a pool and load-dependent failures come and go.
    'http-502': { UPSTREAM_RESET: 1.8, CAPACITY: 1.6, UPSTREAM_TIMEOUT: 1.2, UPSTREAM_DOWN: 0.8, GATEWAY_CONFIG: 0.8 },
    'http-503': { CAPACITY: 1.8, UPSTREAM_RESET: 1.3, UPSTREAM_DOWN: 0.8, GATEWAY_CONFIG: 0.8 },
    'http-504': { CAPACITY: 1.6, UPSTREAM_TIMEOUT: 1.5, GATEWAY_CONFIG: 0.8 },
  };
  return [
    outcome(
      'reproduced',
      'Reproduced',
      'The error reproduces consistently from at least two networks or devices, and the hop that generated it is known.',
      reproduced[flow],
    ),
    outcome(
      'not_reproduced',
      'Not reproduced',
      'Every attempt from every network succeeds now: the error was transient, limited to some networks or regions (DNS, a CDN edge), or has already stopped.',
      // Transient and local failures: load spikes, resets, stale DNS, one edge location.
      { CAPACITY: 1.4, UPSTREAM_RESET: 1.4, CDN_EDGE: 1.3, DNS: 1.3, UPSTREAM_DOWN: 0.6, GATEWAY_CONFIG: 0.7 },
    ),
    outcome(
      'intermittent',
      'Intermittent',
      'Some requests fail and others succeed from the same place: typical of one bad instance in a pool, keep-alive races, or failures under load.',
      intermittent[flow],
    ),
  ];
}

function upstreamHealthOutcomes(flow: RunbookFlow): OutcomeDefinition[] {
  const healthy: Record<RunbookFlow, CauseEffects> = {
    // The upstream answers well directly, so the fault sits between the client and it.
    'http-502': { UPSTREAM_DOWN: 0.15, UPSTREAM_TIMEOUT: 0.5, CAPACITY: 0.6, GATEWAY_CONFIG: 2.5, NETWORK: 1.8, DNS: 1.8, TLS: 1.8, CDN_EDGE: 1.8, UPSTREAM_RESET: 1.5 },
    // A healthy upstream behind a 503: the gateway believes it unusable (checks, routing, limits).
    'http-503': { UPSTREAM_DOWN: 0.15, UPSTREAM_TIMEOUT: 0.6, GATEWAY_CONFIG: 3, NETWORK: 1.5, DNS: 1.5, TLS: 1.3, CDN_EDGE: 1.5 },
    // Fast direct answers behind a 504: a timeout set too low, or packets lost on the way.
    'http-504': { UPSTREAM_DOWN: 0.3, UPSTREAM_TIMEOUT: 0.4, CAPACITY: 0.7, GATEWAY_CONFIG: 2.5, NETWORK: 2, DNS: 1.3, CDN_EDGE: 1.5 },
  };
  return [
    outcome(
      'upstream_down',
      'Upstream down',
      'The upstream refuses connections, is unreachable, crashes or reports an outage: requests sent directly to it fail too.',
      flow === 'http-504'
        ? { UPSTREAM_DOWN: 5, UPSTREAM_TIMEOUT: 0.7, GATEWAY_CONFIG: 0.5, TLS: 0.5, DNS: 0.6, CDN_EDGE: 0.5, UNKNOWN: 0.5 }
        : { UPSTREAM_DOWN: 6, UPSTREAM_TIMEOUT: 0.6, UPSTREAM_RESET: 0.7, GATEWAY_CONFIG: 0.5, TLS: 0.5, DNS: 0.6, CDN_EDGE: 0.5, UNKNOWN: 0.5 },
    ),
    outcome(
      'upstream_degraded',
      'Upstream degraded',
      'The upstream answers, but slowly, with errors, or only some of its instances are healthy.',
      flow === 'http-504'
        ? { UPSTREAM_TIMEOUT: 3, CAPACITY: 2.5, UPSTREAM_DOWN: 1.2, GATEWAY_CONFIG: 0.8 }
        : { UPSTREAM_TIMEOUT: 2, CAPACITY: 2.5, UPSTREAM_RESET: 1.5, UPSTREAM_DOWN: 1.3, GATEWAY_CONFIG: 0.8 },
    ),
    outcome(
      'upstream_healthy',
      'Upstream healthy',
      "Requests sent directly to every upstream instance, from the gateway's network, succeed quickly; dashboards show no errors or saturation.",
      healthy[flow],
    ),
  ];
}

function gatewayConfigOutcomes(flow: RunbookFlow): OutcomeDefinition[] {
  const misconfig: Record<RunbookFlow, CauseEffects> = {
    // Keep-alive and idle-timeout mismatches are found here but surface as resets.
    'http-502': { GATEWAY_CONFIG: 5, UPSTREAM_RESET: 1.3, UPSTREAM_DOWN: 0.6, UNKNOWN: 0.5 },
    // Limits set too low are a configuration finding that shows as overload.
    'http-503': { GATEWAY_CONFIG: 5, CAPACITY: 1.2, UPSTREAM_DOWN: 0.6, UNKNOWN: 0.5 },
    // A timeout below the endpoint's real latency: the gateway's setting, not a slow upstream.
    'http-504': { GATEWAY_CONFIG: 5, UPSTREAM_TIMEOUT: 0.7, UPSTREAM_DOWN: 0.6, UNKNOWN: 0.5 },
  };
  return [
    outcome(
      'misconfig_found',
      'Misconfiguration found',
      'A gateway setting explains the error: a timeout, keep-alive, retry, pool, routing, buffer or TLS setting that does not match the upstream.',
      misconfig[flow],
    ),
    outcome(
      'recent_change_rolled_back',
      'Recent change rolled back',
      'A gateway or routing change lined up with the first errors and has been rolled back; whether that fixed it shows in the next steps.',
      // The change may have touched TLS or name resolution settings as well.
      { GATEWAY_CONFIG: 4, TLS: 1.2, DNS: 1.2, UPSTREAM_DOWN: 0.7, UNKNOWN: 0.6 },
    ),
    outcome(
      'config_ok',
      'Configuration OK',
      'Timeouts, keep-alive, retries, pool, routing and TLS settings fit the upstream, and nothing relevant changed recently.',
      { GATEWAY_CONFIG: 0.3, UPSTREAM_DOWN: 1.3, UPSTREAM_TIMEOUT: 1.2, CAPACITY: 1.2, NETWORK: 1.2 },
    ),
  ];
}

function isolateOutcomes(flow: RunbookFlow): OutcomeDefinition[] {
  return [
    outcome(
      'simple_upstream_ok',
      'Simple upstream works',
      'A minimal upstream behind the same gateway, listener and TLS answers correctly: the fault is in the original upstream (or how it handles connections).',
      {
        UPSTREAM_DOWN: 3,
        UPSTREAM_TIMEOUT: flow === 'http-504' ? 3 : 2.5,
        UPSTREAM_RESET: 2,
        CAPACITY: 1.5,
        GATEWAY_CONFIG: 0.3,
        NETWORK: 0.5,
        DNS: 0.4,
        TLS: 0.4,
        CDN_EDGE: 0.3,
      },
    ),
    outcome(
      'simple_upstream_fails',
      'Simple upstream fails too',
      'Even a trivial upstream fails through the gateway: the fault is in the gateway, the network path, DNS, TLS or the CDN.',
      // The gateway host itself may be out of sockets or ports, hence the small CAPACITY rise.
      { GATEWAY_CONFIG: 3, NETWORK: 2, DNS: 1.5, TLS: 2, CDN_EDGE: 2.5, CAPACITY: 1.3, UPSTREAM_DOWN: 0.2, UPSTREAM_TIMEOUT: 0.4, UPSTREAM_RESET: 0.5 },
    ),
  ];
}

function restartFlushOutcomes(): OutcomeDefinition[] {
  return [
    outcome(
      'recovered',
      'Recovered',
      'After the restart, reload or flush, requests succeed again from every network tested.',
      // What a restart clears: leaked or exhausted resources, stale DNS answers, dead pooled
      // connections, cached errors.
      { CAPACITY: 1.5, DNS: 1.5, UPSTREAM_RESET: 1.3, CDN_EDGE: 1.3, UNKNOWN: 0.8 },
      'offer_mitigated',
    ),
    outcome(
      'no_change',
      'No change',
      'The errors continue at the same rate after the restart, reload or flush.',
      // A fault that survives a restart lives in configuration or in a persistently dead upstream.
      { CAPACITY: 0.8, DNS: 0.7, CDN_EDGE: 0.8, GATEWAY_CONFIG: 1.3, UPSTREAM_DOWN: 1.2 },
    ),
  ];
}

function verifyMonitorOutcomes(flow: RunbookFlow): OutcomeDefinition[] {
  return [
    outcome(
      'stable',
      'Stable',
      'The error rate stayed at its pre-incident baseline for at least one or two alert windows, alerts are in place, and the root cause is written down.',
      // A fix that holds means the cause was among what the fix addressed.
      { UNKNOWN: 0.7 },
      'allow_resolved',
    ),
    outcome(
      'recurring',
      'Recurring',
      'The errors came back after the fix: the incident returns to investigating for another pass through the steps.',
      // Returning errors fit causes that build up again: idle-connection races, load, slowness.
      flow === 'http-504'
        ? { UPSTREAM_TIMEOUT: 1.5, CAPACITY: 1.5, UNKNOWN: 1.2 }
        : { UPSTREAM_RESET: 1.5, CAPACITY: 1.5, UPSTREAM_TIMEOUT: 1.2, UNKNOWN: 1.2 },
      'reopen',
    ),
  ];
}

/** The outcomes of a step of a flow, freshly built (callers may keep or alter them). */
export function outcomesFor(flow: RunbookFlow, step: RunbookStepKey): OutcomeDefinition[] {
  switch (step) {
    case 'confirm':
      return confirmOutcomes(flow);
    case 'upstream-health':
      return upstreamHealthOutcomes(flow);
    case 'gateway-config':
      return gatewayConfigOutcomes(flow);
    case 'isolate':
      return isolateOutcomes(flow);
    case 'restart-flush':
      return restartFlushOutcomes();
    case 'verify-monitor':
      return verifyMonitorOutcomes(flow);
  }
}
