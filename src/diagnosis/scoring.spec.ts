import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CAUSE_CATEGORIES, type CauseCategory } from './cause-category.js';
import type { CauseEffects, OutcomeDefinition, RunbookStepDefinition } from '../runbooks/content/runbook-types.js';
import {
  PRIOR_FLOOR,
  SIGNAL_FACTOR_CAP,
  UNKNOWN_CEILING,
  rankCauses,
  repeatExponent,
  signalLogFactor,
  type OutcomeObservation,
  type RankInput,
  type Ranking,
  type ScoredFinding,
} from './scoring.js';

/** Seed priors: upstream down high, gateway misconfiguration/timeouts medium, DNS/network low. */
const PRIORS: Record<CauseCategory, number> = {
  UPSTREAM_DOWN: 30,
  UPSTREAM_TIMEOUT: 15,
  UPSTREAM_RESET: 10,
  GATEWAY_CONFIG: 15,
  TLS: 5,
  DNS: 5,
  NETWORK: 5,
  CDN_EDGE: 5,
  CAPACITY: 5,
  UNKNOWN: 5,
};

const EQUAL_PRIORS = Object.fromEntries(CAUSE_CATEGORIES.map((c) => [c, 1])) as Record<CauseCategory, number>;

function finding(category: CauseCategory, signal: string, weight: number, n = 1, extra: Partial<ScoredFinding> = {}): ScoredFinding {
  return {
    category,
    signal,
    weight,
    excerpt: `${signal} line ${n}`,
    location: { line: n },
    observedAt: null,
    upstream: null,
    id: `${signal}-${n}`,
    ...extra,
  };
}

function many(category: CauseCategory, signal: string, weight: number, count: number): ScoredFinding[] {
  return Array.from({ length: count }, (_, i) => finding(category, signal, weight, i + 1));
}

function outcomeDef(key: string, effects: CauseEffects): OutcomeDefinition {
  return { key, label: key, description: key, effects };
}

function stepDef(position: number, key: string, outcomes: OutcomeDefinition[]): RunbookStepDefinition {
  return {
    position,
    key,
    title: `Title of ${key}`,
    instructions: '',
    tip: '',
    expectedEvidence: [],
    outcomes,
    checks: [],
    observations: [],
    repeatable: false,
  };
}

const UPSTREAM_HEALTH = stepDef(2, 'upstream-health', [
  outcomeDef('upstream_down', { UPSTREAM_DOWN: 5, GATEWAY_CONFIG: 0.5 }),
  outcomeDef('upstream_degraded', { UPSTREAM_TIMEOUT: 3, CAPACITY: 2 }),
  outcomeDef('upstream_healthy', { UPSTREAM_DOWN: 0.2, GATEWAY_CONFIG: 2 }),
]);
const GATEWAY_CONFIG = stepDef(3, 'gateway-config', [
  outcomeDef('misconfig_found', { GATEWAY_CONFIG: 6 }),
  outcomeDef('config_ok', { GATEWAY_CONFIG: 0.3 }),
]);
const ISOLATE = stepDef(4, 'isolate', [
  outcomeDef('simple_upstream_ok', { UPSTREAM_DOWN: 3, UPSTREAM_TIMEOUT: 2, GATEWAY_CONFIG: 0.3 }),
  outcomeDef('simple_upstream_fails', { UPSTREAM_DOWN: 0.3, GATEWAY_CONFIG: 3, NETWORK: 2 }),
]);
const RESTART = stepDef(5, 'restart-flush', [outcomeDef('recovered', {}), outcomeDef('no_change', {})]);

function scoreOf(ranking: Ranking, category: CauseCategory): number {
  const c = ranking.causes.find((x) => x.category === category);
  assert.ok(c, category);
  return c.score;
}

function order(ranking: Ranking): CauseCategory[] {
  return ranking.causes.map((c) => c.category);
}

function observed(step: RunbookStepDefinition, outcome: string, at?: string): OutcomeObservation {
  const def = step.outcomes.find((o) => o.key === outcome);
  assert.ok(def, outcome);
  return { step: step.key, outcome, effects: def.effects, ...(at ? { at } : {}) };
}

describe('rankCauses: priors', () => {
  it('ranks priors alone as given, normalised, ties in category order', () => {
    const ranking = rankCauses({ priors: PRIORS, findings: [], outcomes: [] });
    assert.deepEqual(order(ranking), [
      'UPSTREAM_DOWN',
      'UPSTREAM_TIMEOUT',
      'GATEWAY_CONFIG',
      'UPSTREAM_RESET',
      'TLS',
      'DNS',
      'NETWORK',
      'CDN_EDGE',
      'CAPACITY',
      'UNKNOWN',
    ]);
    assert.equal(scoreOf(ranking, 'UPSTREAM_DOWN'), 0.3);
    assert.equal(scoreOf(ranking, 'DNS'), 0.05);
    for (const c of ranking.causes) assert.equal(c.prior, c.score);
    assert.equal(ranking.nextCheck, null);
  });

  it('treats all-zero or missing priors as uniform', () => {
    const zero = Object.fromEntries(CAUSE_CATEGORIES.map((c) => [c, 0])) as Record<CauseCategory, number>;
    const ranking = rankCauses({ priors: zero, findings: [], outcomes: [] });
    assert.deepEqual(order(ranking), [...CAUSE_CATEGORIES]);
    for (const c of ranking.causes) assert.equal(c.score, 0.1);
  });

  it('floors a zero prior so strong evidence can still raise that cause', () => {
    const priors = { ...PRIORS, TLS: 0 };
    const none = rankCauses({ priors, findings: [], outcomes: [] });
    assert.ok(scoreOf(none, 'TLS') > 0 && scoreOf(none, 'TLS') <= PRIOR_FLOOR);
    const withEvidence = rankCauses({
      priors,
      findings: [finding('TLS', 'nginx.ssl_handshake_failed', 40), finding('TLS', 'cloudflare.525', 40)],
      outcomes: [],
    });
    assert.equal(order(withEvidence)[0], 'TLS');
  });
});

describe('rankCauses: outcomes', () => {
  it('an outcome flips the ranking between the top two', () => {
    const before = rankCauses({ priors: PRIORS, findings: [], outcomes: [] });
    assert.ok(scoreOf(before, 'UPSTREAM_DOWN') > scoreOf(before, 'GATEWAY_CONFIG'));
    const after = rankCauses({ priors: PRIORS, findings: [], outcomes: [observed(ISOLATE, 'simple_upstream_fails')] });
    assert.equal(order(after)[0], 'GATEWAY_CONFIG');
    assert.ok(scoreOf(after, 'UPSTREAM_DOWN') < scoreOf(after, 'GATEWAY_CONFIG'));
  });

  it('applies the factor as an odds multiplier (two causes, exact)', () => {
    // With equal priors: posterior ratio of GATEWAY_CONFIG to UPSTREAM_DOWN is 6 / 1.
    const ranking = rankCauses({ priors: EQUAL_PRIORS, findings: [], outcomes: [observed(GATEWAY_CONFIG, 'misconfig_found')] });
    assert.equal(scoreOf(ranking, 'GATEWAY_CONFIG'), Math.round((6 / 15) * 1e4) / 1e4);
    assert.equal(scoreOf(ranking, 'UPSTREAM_DOWN'), Math.round((1 / 15) * 1e4) / 1e4);
  });

  it('lists outcomes for and against each cause with their factors', () => {
    const ranking = rankCauses({ priors: PRIORS, findings: [], outcomes: [observed(UPSTREAM_HEALTH, 'upstream_healthy')] });
    const down = ranking.causes.find((c) => c.category === 'UPSTREAM_DOWN');
    const config = ranking.causes.find((c) => c.category === 'GATEWAY_CONFIG');
    assert.deepEqual(down?.against, [{ step: 'upstream-health', outcome: 'upstream_healthy', factor: 0.2 }]);
    assert.deepEqual(down?.outcomes, []);
    assert.deepEqual(config?.outcomes, [{ step: 'upstream-health', outcome: 'upstream_healthy', factor: 2 }]);
  });

  it('counts the same outcome reported twice once', () => {
    const once = rankCauses({ priors: PRIORS, findings: [], outcomes: [observed(ISOLATE, 'simple_upstream_ok')] });
    const twice = rankCauses({
      priors: PRIORS,
      findings: [],
      outcomes: [observed(ISOLATE, 'simple_upstream_ok', '2025-01-01T10:00:00Z'), observed(ISOLATE, 'simple_upstream_ok', '2025-01-01T11:00:00Z')],
    });
    assert.deepEqual(twice.causes, once.causes);
    assert.ok(twice.explanation.some((l) => l.includes('reported 2 times, counted once')));
  });

  it('bounds a zero effect instead of ruling the cause out for good', () => {
    const ranking = rankCauses({
      priors: PRIORS,
      findings: many('UPSTREAM_DOWN', 'envoy.flag.UH', 50, 1).concat(many('UPSTREAM_DOWN', 'nginx.connect_refused', 50, 1)),
      outcomes: [{ step: 'upstream-health', outcome: 'upstream_healthy', effects: { UPSTREAM_DOWN: 0 } }],
    });
    // 0 counts as the strongest allowed evidence against (×0.001), not as impossible:
    // two strong signals (×50 each) still bring UPSTREAM_DOWN back on top.
    const down = ranking.causes.find((c) => c.category === 'UPSTREAM_DOWN');
    assert.deepEqual(down?.against, [{ step: 'upstream-health', outcome: 'upstream_healthy', factor: 0.001 }]);
    assert.equal(order(ranking)[0], 'UPSTREAM_DOWN');
  });
});

describe('rankCauses: findings and diminishing returns', () => {
  it('documents the repeat exponent: 1, 1.5 at 10, capped at 2 from 100', () => {
    assert.equal(repeatExponent(1), 1);
    assert.equal(repeatExponent(10), 1.5);
    assert.equal(repeatExponent(100), 2);
    assert.equal(repeatExponent(100_000), 2);
    assert.ok(repeatExponent(3) > 1 && repeatExponent(3) < repeatExponent(4));
  });

  it('caps a single signal at ×100 either way', () => {
    assert.equal(signalLogFactor(1000, 1), Math.log(SIGNAL_FACTOR_CAP));
    assert.equal(signalLogFactor(0.001, 1), -Math.log(SIGNAL_FACTOR_CAP));
    assert.equal(signalLogFactor(4, 1), Math.log(4));
  });

  it('many duplicates of one signal count at most as its weight squared', () => {
    const ranking = rankCauses({ priors: PRIORS, findings: many('UPSTREAM_TIMEOUT', 'nginx.upstream_timed_out', 4, 5000), outcomes: [] });
    const timeout = ranking.causes.find((c) => c.category === 'UPSTREAM_TIMEOUT');
    assert.equal(timeout?.findings.length, 1);
    assert.equal(timeout?.findings[0].count, 5000);
    assert.equal(timeout?.findings[0].weight, 4);
    assert.equal(timeout?.findings[0].factor, 16);
    // Same effect as 100 copies: nothing beyond the cap.
    const hundred = rankCauses({ priors: PRIORS, findings: many('UPSTREAM_TIMEOUT', 'nginx.upstream_timed_out', 4, 100), outcomes: [] });
    assert.deepEqual(
      hundred.causes.map((c) => c.score),
      ranking.causes.map((c) => c.score),
    );
  });

  it('counts the occurrences a parser reported, not only the findings it kept, per piece of evidence', () => {
    // A parser kept 20 findings of a signal it saw 4,999 times; a second file kept 3 of 3.
    const kept = many('UPSTREAM_RESET', 'nginx.upstream_prematurely_closed', 8, 20).map((f) => ({ ...f, evidenceId: 'e1', occurrences: 4999 }));
    const other = many('UPSTREAM_RESET', 'nginx.upstream_prematurely_closed', 8, 3).map((f, i) => ({ ...f, id: `e2-${i}`, evidenceId: 'e2', occurrences: 3 }));
    const ranking = rankCauses({ priors: PRIORS, findings: [...kept, ...other], outcomes: [] });
    const reset = ranking.causes.find((c) => c.category === 'UPSTREAM_RESET')!.findings[0];
    assert.equal(reset.count, 5002);
    assert.equal(reset.factor, 64, 'past 100 occurrences a signal counts as its weight squared');
    assert.ok(ranking.explanation.some((line) => line.includes('seen 5002 times')));
    // Kept alone, the same 20 findings count as 20.
    const alone = rankCauses({ priors: PRIORS, findings: many('UPSTREAM_RESET', 'nginx.upstream_prematurely_closed', 8, 20), outcomes: [] });
    const aloneReset = alone.causes.find((c) => c.category === 'UPSTREAM_RESET')!.findings[0];
    assert.equal(aloneReset.count, 20);
    assert.ok(aloneReset.factor < 64);
    // A reported count below the findings kept never lowers the count.
    const low = rankCauses({ priors: PRIORS, findings: many('UPSTREAM_RESET', 'nginx.upstream_prematurely_closed', 8, 5).map((f) => ({ ...f, evidenceId: 'e3', occurrences: 1 })), outcomes: [] });
    assert.equal(low.causes.find((c) => c.category === 'UPSTREAM_RESET')!.findings[0].count, 5);
  });

  it('10,000 duplicate weak findings do not outweigh one strong distinct finding of another category', () => {
    const ranking = rankCauses({
      priors: EQUAL_PRIORS,
      findings: [...many('UPSTREAM_TIMEOUT', 'nginx.upstream_timed_out', 4, 10_000), finding('UPSTREAM_DOWN', 'envoy.flag.UH', 20)],
      outcomes: [],
    });
    assert.deepEqual(order(ranking).slice(0, 2), ['UPSTREAM_DOWN', 'UPSTREAM_TIMEOUT']);
    // Without aggregation the 10,000 findings would have made UPSTREAM_TIMEOUT ~4^10000 times likelier.
    assert.ok(scoreOf(ranking, 'UPSTREAM_DOWN') / scoreOf(ranking, 'UPSTREAM_TIMEOUT') > 1.2);
  });

  it('distinct signals for one category add up', () => {
    const one = rankCauses({ priors: EQUAL_PRIORS, findings: [finding('DNS', 'nginx.no_resolver', 5)], outcomes: [] });
    const two = rankCauses({
      priors: EQUAL_PRIORS,
      findings: [finding('DNS', 'nginx.no_resolver', 5), finding('DNS', 'cloudflare.523', 5)],
      outcomes: [],
    });
    assert.ok(scoreOf(two, 'DNS') > scoreOf(one, 'DNS'));
  });

  it('keeps at most 3 distinct excerpts and 20 finding ids, strongest first', () => {
    const findings = many('UPSTREAM_RESET', 'nginx.upstream_prematurely_closed', 3, 40);
    findings.push(finding('UPSTREAM_RESET', 'nginx.upstream_prematurely_closed', 6, 99, { excerpt: 'the strongest one', id: 'strong' }));
    findings.push(finding('UPSTREAM_RESET', 'nginx.upstream_prematurely_closed', 3, 1)); // exact duplicate excerpt
    const ranking = rankCauses({ priors: PRIORS, findings, outcomes: [] });
    const reset = ranking.causes.find((c) => c.category === 'UPSTREAM_RESET')?.findings[0];
    assert.ok(reset);
    assert.equal(reset.count, 42);
    assert.equal(reset.weight, 6);
    assert.deepEqual(reset.excerpts, [
      'the strongest one',
      'nginx.upstream_prematurely_closed line 1',
      'nginx.upstream_prematurely_closed line 2',
    ]);
    assert.equal(reset.findingIds.length, 20);
    assert.equal(reset.findingIds[0], 'strong');
  });

  it('ignores findings with invalid weights and says so', () => {
    const ranking = rankCauses({
      priors: PRIORS,
      findings: [finding('DNS', 'x', Number.NaN), finding('DNS', 'y', 0), finding('DNS', 'z', -3)],
      outcomes: [],
    });
    assert.deepEqual(
      ranking.causes.map((c) => c.score),
      rankCauses({ priors: PRIORS, findings: [], outcomes: [] }).causes.map((c) => c.score),
    );
    assert.ok(ranking.explanation.some((l) => l.startsWith('Ignored 3 findings')));
  });
});

describe('rankCauses: UNKNOWN', () => {
  // Outcomes that only lower named causes: nothing speaks for any cause.
  const againstEverything: OutcomeObservation[] = [
    { step: 'upstream-health', outcome: 'upstream_healthy', effects: { UPSTREAM_DOWN: 0.2 } },
    observed(GATEWAY_CONFIG, 'config_ok'),
    { step: 'confirm', outcome: 'not_reproduced', effects: { UPSTREAM_TIMEOUT: 0.3, UPSTREAM_RESET: 0.3, CAPACITY: 0.3, CDN_EDGE: 0.3 } },
  ];

  it('rises when the evidence only speaks against the named causes', () => {
    const base = rankCauses({ priors: PRIORS, findings: [], outcomes: [] });
    const after = rankCauses({ priors: PRIORS, findings: [], outcomes: againstEverything });
    assert.ok(scoreOf(after, 'UNKNOWN') > scoreOf(base, 'UNKNOWN') * 1.5);
  });

  it('can win when nothing speaks for any cause', () => {
    assert.equal(order(rankCauses({ priors: EQUAL_PRIORS, findings: [], outcomes: [] })).at(-1), 'UNKNOWN');
    const halve = Object.fromEntries(CAUSE_CATEGORIES.filter((c) => c !== 'UNKNOWN').map((c) => [c, 0.5])) as CauseEffects;
    const ranking = rankCauses({ priors: EQUAL_PRIORS, findings: [], outcomes: [{ step: 's', outcome: 'o', effects: halve }] });
    assert.equal(order(ranking)[0], 'UNKNOWN');
    assert.equal(scoreOf(ranking, 'UNKNOWN'), Math.round((1 / 5.5) * 1e4) / 1e4);
  });

  it('does not win once evidence speaks for a named cause', () => {
    const priors = { ...PRIORS, UNKNOWN: 60 };
    const ranking = rankCauses({ priors, findings: [finding('DNS', 'nginx.no_resolver', 1.5)], outcomes: againstEverything });
    // Without the ceiling UNKNOWN (60) would lead DNS (5 × 1.5) by far.
    assert.equal(order(ranking)[0], 'DNS');
    assert.ok(Math.abs(scoreOf(ranking, 'UNKNOWN') / scoreOf(ranking, 'DNS') - UNKNOWN_CEILING) < 0.01);
    assert.ok(ranking.explanation.some((l) => l.startsWith('UNKNOWN held to')));
  });

  it('is not held down when a finding speaks for UNKNOWN itself', () => {
    const priors = { ...PRIORS, UNKNOWN: 60 };
    const ranking = rankCauses({
      priors,
      findings: [finding('DNS', 'nginx.no_resolver', 1.5), finding('UNKNOWN', 'har.unexplained_502', 1.5)],
      outcomes: [],
    });
    assert.equal(order(ranking)[0], 'UNKNOWN');
  });
});

describe('rankCauses: determinism', () => {
  const input: RankInput = {
    priors: PRIORS,
    findings: [
      ...many('UPSTREAM_TIMEOUT', 'nginx.upstream_timed_out', 4, 30),
      finding('UPSTREAM_DOWN', 'envoy.flag.UH', 8, 1, { observedAt: '2025-03-01T10:00:00Z', evidenceId: 'e2' }),
      finding('UPSTREAM_DOWN', 'envoy.flag.UH', 8, 2, { observedAt: '2025-03-01T09:00:00Z', evidenceId: 'e1' }),
      finding('CDN_EDGE', 'cloudflare.branded_502', 3),
      finding('TLS', 'alb.ssl_handshake_timeout', 2),
    ],
    outcomes: [observed(UPSTREAM_HEALTH, 'upstream_degraded'), observed(ISOLATE, 'simple_upstream_ok')],
    pendingSteps: [GATEWAY_CONFIG, RESTART],
  };

  it('gives the same output for the same input', () => {
    assert.deepEqual(rankCauses(input), rankCauses(structuredClone(input)));
  });

  it('does not depend on the order of findings, outcomes or pending steps', () => {
    const reference = rankCauses(input);
    for (let rotation = 1; rotation < 7; rotation += 1) {
      const rotate = <T>(xs: T[]): T[] => xs.map((_, i) => xs[(i * 7 + rotation) % xs.length]);
      const shuffled: RankInput = {
        priors: input.priors,
        findings: rotate([...input.findings].reverse()),
        outcomes: [...input.outcomes].reverse(),
        pendingSteps: [...(input.pendingSteps ?? [])].reverse(),
      };
      assert.deepEqual(rankCauses(shuffled), reference);
    }
  });

  it('lists the earliest excerpt first among equally strong findings', () => {
    const down = rankCauses(input).causes.find((c) => c.category === 'UPSTREAM_DOWN');
    assert.deepEqual(down?.findings[0].findingIds, ['envoy.flag.UH-2', 'envoy.flag.UH-1']);
  });

  it('scores sum to about 1 and every category appears once', () => {
    for (const i of [input, { priors: PRIORS, findings: [], outcomes: [] }, { priors: EQUAL_PRIORS, findings: [], outcomes: [] }]) {
      const ranking = rankCauses(i);
      const sum = ranking.causes.reduce((a, c) => a + c.score, 0);
      assert.ok(Math.abs(sum - 1) < 0.001, String(sum));
      assert.deepEqual([...order(ranking)].sort(), [...CAUSE_CATEGORIES].sort());
      for (let k = 1; k < ranking.causes.length; k += 1) assert.ok(ranking.causes[k - 1].score >= ranking.causes[k].score);
    }
  });
});

describe('rankCauses: nextCheck', () => {
  it('picks the pending step whose outcomes best separate the top two causes', () => {
    // Top two with seed priors: UPSTREAM_DOWN, then UPSTREAM_TIMEOUT (tie with GATEWAY_CONFIG, category order).
    const ranking = rankCauses({ priors: PRIORS, findings: [], outcomes: [], pendingSteps: [RESTART, GATEWAY_CONFIG, UPSTREAM_HEALTH, ISOLATE] });
    assert.deepEqual(order(ranking).slice(0, 2), ['UPSTREAM_DOWN', 'UPSTREAM_TIMEOUT']);
    // upstream-health: |ln 5| + |ln(1/3)| + |ln 0.2| over 3 ≈ 1.44; isolate: |ln 1.5| + |ln 0.3| over 2 ≈ 0.81.
    assert.equal(ranking.nextCheck?.step, 'upstream-health');
    assert.equal(ranking.nextCheck?.title, 'Title of upstream-health');
    assert.deepEqual(ranking.nextCheck?.separates, ['UPSTREAM_DOWN', 'UPSTREAM_TIMEOUT']);
    assert.equal(ranking.nextCheck?.separation, Math.round(((Math.log(5) + Math.log(3) + Math.log(5)) / 3) * 1e4) / 1e4);
    assert.match(ranking.nextCheck?.reason ?? '', /UPSTREAM_DOWN/);
    assert.match(ranking.nextCheck?.reason ?? '', /UPSTREAM_TIMEOUT/);
    assert.match(ranking.nextCheck?.reason ?? '', /upstream_down would favour UPSTREAM_DOWN 5× over UPSTREAM_TIMEOUT/);
    assert.match(ranking.nextCheck?.reason ?? '', /upstream_healthy would favour UPSTREAM_TIMEOUT 5× over UPSTREAM_DOWN/);
  });

  it('follows the top two when evidence changes them', () => {
    const ranking = rankCauses({
      priors: PRIORS,
      findings: [],
      outcomes: [observed(UPSTREAM_HEALTH, 'upstream_healthy')],
      pendingSteps: [GATEWAY_CONFIG, ISOLATE, RESTART],
    });
    assert.deepEqual(ranking.nextCheck?.separates, order(ranking).slice(0, 2) as [CauseCategory, CauseCategory]);
    assert.equal(order(ranking)[0], 'GATEWAY_CONFIG');
    assert.deepEqual(ranking.nextCheck?.separates, ['GATEWAY_CONFIG', 'UPSTREAM_TIMEOUT']);
    // gateway-config: (|ln 6| + |ln 0.3|) / 2 = ln(20) / 2; isolate: (|ln(0.3 / 2)| + |ln 3|) / 2 = ln(20) / 2.
    // An exact tie up to float noise: the earlier step wins.
    assert.equal(ranking.nextCheck?.step, 'gateway-config');
    assert.equal(ranking.nextCheck?.separation, Math.round((Math.log(20) / 2) * 1e4) / 1e4);
  });

  it('breaks ties by the earliest position', () => {
    const a = stepDef(4, 'later', [outcomeDef('x', { UPSTREAM_DOWN: 2 }), outcomeDef('y', { UPSTREAM_DOWN: 0.5 })]);
    const b = stepDef(3, 'earlier', [outcomeDef('x', { UPSTREAM_TIMEOUT: 2 }), outcomeDef('y', { UPSTREAM_TIMEOUT: 0.5 })]);
    const ranking = rankCauses({ priors: PRIORS, findings: [], outcomes: [], pendingSteps: [a, b] });
    assert.equal(ranking.nextCheck?.step, 'earlier');
  });

  it('is null when no pending step separates the top two', () => {
    const ranking = rankCauses({ priors: PRIORS, findings: [], outcomes: [], pendingSteps: [RESTART, GATEWAY_CONFIG] });
    assert.equal(ranking.nextCheck, null);
    assert.ok(ranking.explanation.some((l) => l.includes('no pending step separates UPSTREAM_DOWN from UPSTREAM_TIMEOUT')));
  });

  it('names an outcome for each of the two causes', () => {
    const ranking = rankCauses({ priors: PRIORS, findings: [], outcomes: [], pendingSteps: [ISOLATE] });
    // isolate: simple_upstream_ok favours UPSTREAM_DOWN 1.5× over UPSTREAM_TIMEOUT, simple_upstream_fails 0.3×.
    assert.equal(ranking.nextCheck?.step, 'isolate');
    assert.match(ranking.nextCheck?.reason ?? '', /simple_upstream_ok would favour UPSTREAM_DOWN 1\.5× over UPSTREAM_TIMEOUT/);
    assert.match(ranking.nextCheck?.reason ?? '', /simple_upstream_fails would favour UPSTREAM_TIMEOUT 3\.33× over UPSTREAM_DOWN/);
  });
});

describe('rankCauses: explanation', () => {
  it('mentions the priors, each outcome, each signal with its count, and the result', () => {
    const ranking = rankCauses({
      priors: PRIORS,
      findings: [...many('UPSTREAM_DOWN', 'nginx.connect_refused', 6, 312), finding('TLS', 'nginx.ssl_handshake_failed', 1000)],
      outcomes: [observed(UPSTREAM_HEALTH, 'upstream_down'), observed(RESTART, 'no_change')],
      pendingSteps: [ISOLATE],
    });
    const text = ranking.explanation.join('\n');
    assert.match(text, /^Priors \(normalised\): UPSTREAM_DOWN 0\.3000/);
    assert.match(text, /Step upstream-health → upstream_down: UPSTREAM_DOWN ×5, GATEWAY_CONFIG ×0\.5\./);
    assert.match(text, /Step restart-flush → no_change: no effect on the ranking\./);
    assert.match(text, /Finding nginx\.connect_refused for UPSTREAM_DOWN: seen 312 times, weight 6 → ×36 \(repeats add with diminishing returns\)/);
    assert.match(text, /Finding nginx\.ssl_handshake_failed for TLS: seen 1 time, weight 1000 → ×100 \(capped at ×100\)/);
    assert.match(text, /Result: UPSTREAM_DOWN /);
    assert.match(text, /Next check: isolate — /);
  });
});
