import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_DIR } from '../../../test/support/shared.js';
import { CAUSE_CATEGORIES, GATEWAYS, isCauseCategory } from '../../diagnosis/cause-category.js';
import { CHECK_PLACEHOLDERS, SEEDED_RUNBOOKS, checksForGateway, findSeededRunbook, placeholdersIn, selectRunbookKey } from './index.js';
import { EVIDENCE_KINDS, type RunbookDefinition, type RunbookStepDefinition } from './runbook-types.js';


const STEP_KEYS = ['confirm', 'upstream-health', 'gateway-config', 'isolate', 'restart-flush', 'verify-monitor'];

/** DESIGN §3 outcome keys, hard-coded so that a drift on either side fails a test. */
const OUTCOME_KEYS: Record<string, string[]> = {
  confirm: ['reproduced', 'not_reproduced', 'intermittent'],
  'upstream-health': ['upstream_down', 'upstream_degraded', 'upstream_healthy'],
  'gateway-config': ['misconfig_found', 'recent_change_rolled_back', 'config_ok'],
  isolate: ['simple_upstream_ok', 'simple_upstream_fails'],
  'restart-flush': ['recovered', 'no_change'],
  'verify-monitor': ['stable', 'recurring'],
};

/** Gateways that must have their own checks: all but `other`. */
const NAMED_GATEWAYS = GATEWAYS.filter((g) => g !== 'other');

/** Steps where every named gateway must contribute a check. */
const GATEWAY_STEPS = ['confirm', 'upstream-health', 'gateway-config', 'restart-flush'];

function runbook(key: string): RunbookDefinition {
  const found = findSeededRunbook(key);
  assert.ok(found, `seeded runbook ${key} exists`);
  return found;
}

function step(rb: RunbookDefinition, key: string): RunbookStepDefinition {
  const found = rb.steps.find((s) => s.key === key);
  assert.ok(found, `${rb.key} has step ${key}`);
  return found;
}

/** Every check text of a step for one gateway, lower-cased, for content assertions. */
function gatewayText(rb: RunbookDefinition, stepKey: string, gateway: string): string {
  return step(rb, stepKey)
    .checks.filter((c) => c.gateway === gateway)
    .map((c) => `${c.title}\n${c.command}\n${c.lookFor}`)
    .join('\n');
}

/** Step keys and outcome keys read from the table in DESIGN.md §3. */
function designOutcomes(): Map<string, string[]> {
  const design = readFileSync(path.join(SHARED_DIR, 'DESIGN.md'), 'utf8');
  const section = design.slice(design.indexOf('## 3.'), design.indexOf('## 4.'));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !/^\d+$/.test(cells[1])) continue;
    const stepKey = cells[2].replace(/`/g, '');
    const outcomes = [...cells[4].matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((k) => /^[a-z]+(_[a-z]+)*$/.test(k));
    rows.set(stepKey, outcomes);
  }
  return rows;
}

describe('seeded runbooks', () => {
  it('are http-502, http-503 and http-504, each at version 1', () => {
    assert.deepEqual(
      SEEDED_RUNBOOKS.map((rb) => [rb.key, rb.version]),
      [
        ['http-502', 1],
        ['http-503', 1],
        ['http-504', 1],
      ],
    );
  });

  it('survive a JSON round trip unchanged (they are stored as data)', () => {
    for (const rb of SEEDED_RUNBOOKS) assert.deepEqual(JSON.parse(JSON.stringify(rb)), rb, rb.key);
  });

  it('have a title and a description', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      assert.ok(rb.title.trim().length > 0, rb.key);
      assert.ok(rb.description.length > 200, `${rb.key} description explains the status`);
    }
    assert.match(runbook('http-503').description, /502/, 'the 503 runbook explains 503 vs 502');
    assert.match(runbook('http-502').description, /503/, 'the 502 runbook explains 502 vs 503');
  });

  it('apply to every gateway, and list only status codes that selectRunbookKey sends to them', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      assert.deepEqual([...rb.appliesTo.gateways].sort(), [...GATEWAYS].sort(), rb.key);
      assert.ok(rb.appliesTo.statusCodes.length > 0, rb.key);
      for (const code of rb.appliesTo.statusCodes) assert.equal(selectRunbookKey(code), rb.key, `status ${code}`);
    }
  });
});

describe('runbook steps', () => {
  it('are the six steps in order with the exact keys and positions 1..6', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      assert.deepEqual(
        rb.steps.map((s) => s.key),
        STEP_KEYS,
        rb.key,
      );
      assert.deepEqual(
        rb.steps.map((s) => s.position),
        [1, 2, 3, 4, 5, 6],
        rb.key,
      );
    }
  });

  it('are repeatable only for restart-flush and verify-monitor', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      assert.deepEqual(
        rb.steps.filter((s) => s.repeatable).map((s) => s.key),
        ['restart-flush', 'verify-monitor'],
        rb.key,
      );
    }
  });

  it('each have a title, instructions, a tip, expected evidence and observation fields', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      for (const s of rb.steps) {
        const where = `${rb.key}/${s.key}`;
        assert.ok(s.title.trim().length > 0, `${where} title`);
        assert.ok(s.instructions.trim().length > 100, `${where} instructions`);
        assert.ok(s.tip.trim().length > 20, `${where} tip`);
        assert.ok(s.expectedEvidence.length > 0, `${where} expected evidence`);
        for (const e of s.expectedEvidence) {
          assert.ok((EVIDENCE_KINDS as readonly string[]).includes(e.kind), `${where} evidence kind ${e.kind}`);
          assert.ok(e.description.trim().length > 0, `${where} evidence description`);
        }
        assert.ok(s.observations.length > 0, `${where} observations`);
        const keys = s.observations.map((o) => o.key);
        assert.equal(new Set(keys).size, keys.length, `${where} observation keys are unique`);
      }
    }
  });

  it('record the observations the design names', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      const fields = (key: string) => Object.fromEntries(step(rb, key).observations.map((o) => [o.key, o.type]));
      assert.deepEqual(
        { reproducedFrom: fields('confirm').reproducedFrom, answeringHop: fields('confirm').answeringHop },
        { reproducedFrom: 'string[]', answeringHop: 'string' },
        rb.key,
      );
      assert.equal(fields('upstream-health').directRequestStatus, 'number', rb.key);
      assert.equal(fields('gateway-config').changedSettings, 'string[]', rb.key);
      assert.equal(fields('isolate').simpleUpstreamPassed, 'boolean', rb.key);
      assert.equal(fields('restart-flush').restarted, 'string[]', rb.key);
      assert.equal(fields('restart-flush').cachesFlushed, 'string[]', rb.key);
      assert.equal(fields('verify-monitor').alertsConfigured, 'boolean', rb.key);
      assert.equal(fields('verify-monitor').errorRate, 'number', rb.key);
    }
  });

  it('ask for a HAR or curl output when confirming', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      const kinds = step(rb, 'confirm').expectedEvidence.map((e) => e.kind);
      assert.ok(kinds.includes('har') && kinds.includes('command-output'), rb.key);
    }
  });
});

describe('step outcomes', () => {
  it('match DESIGN §3 exactly', () => {
    const design = designOutcomes();
    assert.deepEqual(Object.fromEntries(design), OUTCOME_KEYS, 'DESIGN.md §3 table as read');
    for (const rb of SEEDED_RUNBOOKS) {
      for (const s of rb.steps) assert.deepEqual(s.outcomes.map((o) => o.key), OUTCOME_KEYS[s.key], `${rb.key}/${s.key}`);
    }
  });

  it('each have a label, a description and effects on known causes within [0.1, 10]', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      for (const s of rb.steps) {
        assert.ok(s.outcomes.length >= 2, `${rb.key}/${s.key} has at least two outcomes`);
        for (const o of s.outcomes) {
          const where = `${rb.key}/${s.key}/${o.key}`;
          assert.ok(o.label.trim().length > 0, `${where} label`);
          assert.ok(o.description.trim().length > 20, `${where} description`);
          const entries = Object.entries(o.effects);
          assert.ok(entries.length > 0, `${where} has effects`);
          for (const [category, factor] of entries) {
            assert.ok(isCauseCategory(category), `${where} effect on ${category}`);
            assert.ok(typeof factor === 'number' && factor >= 0.1 && factor <= 10 && factor !== 1, `${where} ${category} x${factor}`);
          }
        }
      }
    }
  });

  it('change the incident only where the design says: recovered, stable, recurring', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      const effects = rb.steps.flatMap((s) => s.outcomes.filter((o) => o.incidentEffect).map((o) => [s.key, o.key, o.incidentEffect]));
      assert.deepEqual(
        effects,
        [
          ['restart-flush', 'recovered', 'offer_mitigated'],
          ['verify-monitor', 'stable', 'allow_resolved'],
          ['verify-monitor', 'recurring', 'reopen'],
        ],
        rb.key,
      );
    }
  });

  it('move the ranking in the direction each observation implies', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      const effects = (stepKey: string, outcomeKey: string) => {
        const found = step(rb, stepKey).outcomes.find((o) => o.key === outcomeKey);
        assert.ok(found, `${rb.key}/${stepKey}/${outcomeKey}`);
        return found.effects;
      };
      assert.ok((effects('upstream-health', 'upstream_down').UPSTREAM_DOWN ?? 1) >= 5, `${rb.key} upstream_down strongly for UPSTREAM_DOWN`);
      assert.ok((effects('upstream-health', 'upstream_healthy').UPSTREAM_DOWN ?? 1) < 0.5, `${rb.key} upstream_healthy against UPSTREAM_DOWN`);
      assert.ok((effects('gateway-config', 'misconfig_found').GATEWAY_CONFIG ?? 1) > 2, `${rb.key} misconfig_found for GATEWAY_CONFIG`);
      assert.ok((effects('gateway-config', 'config_ok').GATEWAY_CONFIG ?? 1) < 1, `${rb.key} config_ok against GATEWAY_CONFIG`);

      const ok = effects('isolate', 'simple_upstream_ok');
      const fails = effects('isolate', 'simple_upstream_fails');
      for (const c of ['UPSTREAM_DOWN', 'UPSTREAM_TIMEOUT', 'UPSTREAM_RESET'] as const) assert.ok((ok[c] ?? 1) > 1, `${rb.key} simple_upstream_ok for ${c}`);
      for (const c of ['GATEWAY_CONFIG', 'NETWORK', 'DNS', 'TLS'] as const) {
        assert.ok((ok[c] ?? 1) < 1, `${rb.key} simple_upstream_ok against ${c}`);
        assert.ok((fails[c] ?? 1) > 1, `${rb.key} simple_upstream_fails for ${c}`);
      }
      assert.ok((fails.UPSTREAM_DOWN ?? 1) < 1, `${rb.key} simple_upstream_fails against UPSTREAM_DOWN`);

      for (const transient of ['not_reproduced', 'intermittent']) {
        assert.ok((effects('confirm', transient).CAPACITY ?? 1) > 1, `${rb.key} ${transient} for CAPACITY`);
      }
      assert.ok((effects('confirm', 'not_reproduced').UPSTREAM_RESET ?? 1) > 1, `${rb.key} not_reproduced for UPSTREAM_RESET`);
    }
  });
});

describe('priors', () => {
  it('give every cause category a positive prior, summing to 1', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      assert.deepEqual(Object.keys(rb.priors).sort(), [...CAUSE_CATEGORIES].sort(), rb.key);
      for (const [category, prior] of Object.entries(rb.priors)) assert.ok(prior > 0 && prior < 1, `${rb.key} ${category}`);
      const sum = Object.values(rb.priors).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-9, `${rb.key} priors sum to ${sum}`);
    }
  });

  it('follow the seed for 502: upstream down high, gateway misconfiguration medium, DNS and network low', () => {
    const p = runbook('http-502').priors;
    const highest = Object.entries(p).sort((a, b) => b[1] - a[1])[0][0];
    assert.equal(highest, 'UPSTREAM_DOWN');
    assert.ok(p.GATEWAY_CONFIG > p.DNS && p.GATEWAY_CONFIG > p.NETWORK);
    assert.ok(p.UPSTREAM_DOWN > p.GATEWAY_CONFIG);
  });

  it('put timeouts first for 504 and overload higher for 503 than for 502', () => {
    const p504 = runbook('http-504').priors;
    assert.equal(Object.entries(p504).sort((a, b) => b[1] - a[1])[0][0], 'UPSTREAM_TIMEOUT');
    assert.ok(p504.UPSTREAM_TIMEOUT > runbook('http-502').priors.UPSTREAM_TIMEOUT);
    assert.ok(runbook('http-503').priors.CAPACITY > runbook('http-502').priors.CAPACITY);
  });
});

describe('checks', () => {
  it('cover every named gateway in confirm, upstream-health, gateway-config and restart-flush', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      for (const stepKey of GATEWAY_STEPS) {
        const gateways = new Set(step(rb, stepKey).checks.map((c) => c.gateway));
        for (const gateway of NAMED_GATEWAYS) assert.ok(gateways.has(gateway), `${rb.key}/${stepKey} has a ${gateway} check`);
      }
    }
  });

  it('include vendor-neutral checks in every step and none for `other`', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      for (const s of rb.steps) {
        assert.ok(s.checks.some((c) => c.gateway === 'any'), `${rb.key}/${s.key} has an any check`);
        assert.ok(!s.checks.some((c) => c.gateway === 'other'), `${rb.key}/${s.key} has no check for other`);
      }
    }
  });

  it('each have a title, a command and what to look for', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      for (const s of rb.steps) {
        for (const c of s.checks) {
          const where = `${rb.key}/${s.key}/${c.gateway}/${c.title}`;
          assert.ok(c.title.trim().length > 0, where);
          assert.ok(c.command.trim().length > 0, where);
          assert.ok(c.lookFor.trim().length > 20, where);
          assert.doesNotMatch(`${c.command}\n${c.lookFor}`, /undefined|\[object /, where);
        }
      }
    }
  });

  it('use only known placeholders', () => {
    const known: readonly string[] = CHECK_PLACEHOLDERS;
    for (const rb of SEEDED_RUNBOOKS) {
      for (const s of rb.steps) {
        for (const c of s.checks) {
          for (const name of placeholdersIn(c.command)) assert.ok(known.includes(name), `${rb.key}/${s.key}/${c.title}: {{${name}}}`);
          assert.doesNotMatch(c.command.replace(/\{\{[A-Za-z]+\}\}/g, ''), /\{\{/, `${rb.key}/${s.key}/${c.title}: malformed placeholder`);
        }
      }
    }
  });

  it('are filtered per incident gateway, vendor-neutral ones first', () => {
    const confirm = step(runbook('http-502'), 'confirm');
    const forHaproxy = checksForGateway(confirm, 'haproxy');
    assert.ok(forHaproxy.length > 1);
    assert.ok(forHaproxy.every((c) => c.gateway === 'any' || c.gateway === 'haproxy'));
    assert.equal(forHaproxy[0].gateway, 'any');
    assert.ok(forHaproxy.some((c) => c.gateway === 'haproxy'));
    assert.ok(checksForGateway(confirm, 'other').every((c) => c.gateway === 'any'));
    assert.ok(checksForGateway(confirm).every((c) => c.gateway === 'any'));
  });
});

describe('check content an SRE relies on', () => {
  it('502: nginx tells refused, reset and timed out apart, with the default timeouts and the keep-alive rule', () => {
    const rb = runbook('http-502');
    const confirm = gatewayText(rb, 'confirm', 'nginx');
    assert.match(confirm, /Connection refused/);
    assert.match(confirm, /Connection reset by peer/);
    assert.match(confirm, /prematurely closed/);
    assert.match(confirm, /no live upstreams/);
    const config = gatewayText(rb, 'gateway-config', 'nginx');
    assert.match(config, /proxy_read_timeout` 60 s/);
    assert.match(config, /proxy_http_version 1\.1/);
    assert.match(config, /keep-alive timeout must be longer/);
    assert.match(gatewayText(rb, 'gateway-config', 'any'), /must be longer than the time the gateway keeps idle upstream connections/);
  });

  it('502: Envoy flags, HAProxy termination states, ALB reasons and Cloudflare 52x are explained', () => {
    const rb = runbook('http-502');
    const envoy = gatewayText(rb, 'confirm', 'envoy');
    for (const flag of ['UF', 'UH', 'UC', 'URX', 'UPE', 'via_upstream']) assert.match(envoy, new RegExp(`[\` ]${flag}[\` ]`), flag);
    const haproxy = gatewayText(rb, 'confirm', 'haproxy');
    for (const state of ['SC', 'sC', 'SH', 'sH', 'SD', 'PH']) assert.match(haproxy, new RegExp(`\`${state}\``), state);
    const alb = gatewayText(rb, 'upstream-health', 'aws-alb');
    assert.match(alb, /Target\.Timeout/);
    assert.match(alb, /Target\.ResponseCodeMismatch/);
    assert.match(gatewayText(rb, 'gateway-config', 'aws-alb'), /defaults to 60/);
    const cloudflare = gatewayText(rb, 'confirm', 'cloudflare');
    for (const code of ['520', '521', '523', '525', '526']) assert.match(cloudflare, new RegExp(code), code);
    assert.match(cloudflare, /branded/);
  });

  it('503: no healthy upstream, no server available, no registered targets, rate limiting', () => {
    const rb = runbook('http-503');
    assert.match(gatewayText(rb, 'confirm', 'envoy'), /`UH`: no healthy upstream/);
    assert.match(gatewayText(rb, 'confirm', 'envoy'), /`UO`/);
    assert.match(gatewayText(rb, 'upstream-health', 'haproxy'), /No server is available to handle this request/);
    assert.match(gatewayText(rb, 'confirm', 'haproxy'), /`sQ`/);
    assert.match(gatewayText(rb, 'upstream-health', 'aws-alb'), /no registered targets/);
    assert.match(gatewayText(rb, 'confirm', 'nginx'), /limit_req/);
    assert.match(gatewayText(rb, 'confirm', 'any'), /Retry-After/i);
    assert.match(gatewayText(rb, 'restart-flush', 'nginx'), /maintenance/i);
  });

  it('504: UT, sH, the ALB idle timeout and the Cloudflare 524 limit', () => {
    const rb = runbook('http-504');
    assert.match(gatewayText(rb, 'confirm', 'envoy'), /`504 UT`/);
    assert.match(gatewayText(rb, 'confirm', 'envoy'), /15 s/);
    assert.match(gatewayText(rb, 'confirm', 'haproxy'), /`sH`: `timeout server`/);
    assert.match(gatewayText(rb, 'confirm', 'aws-alb'), /idle timeout \(60 s by default\)/);
    assert.match(gatewayText(rb, 'confirm', 'cloudflare'), /524/);
    assert.match(gatewayText(rb, 'confirm', 'cloudflare'), /100 s/);
    assert.match(gatewayText(rb, 'confirm', 'nginx'), /upstream timed out/);
    assert.match(gatewayText(rb, 'upstream-health', 'any'), /pg_stat_activity/);
  });

  it('bypass a CDN while keeping Host and SNI', () => {
    for (const rb of SEEDED_RUNBOOKS) {
      const commands = step(rb, 'upstream-health').checks.map((c) => c.command);
      assert.ok(commands.some((c) => c.includes('--resolve {{host}}:{{port}}:{{originIp}} {{url}}')), rb.key);
      assert.ok(commands.some((c) => c.includes('--connect-to ::{{originIp}} {{url}}')), rb.key);
    }
  });
});
