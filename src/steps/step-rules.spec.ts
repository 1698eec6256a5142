import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OutcomeDefinition, RunbookStepDefinition } from '../runbooks/content/runbook-types.js';
import {
  STEP_ACTION_KINDS,
  STEP_STATUSES,
  allowedActions,
  applyStepDecision,
  decideStepAction,
  nextStep,
  type StepAction,
  type StepActionKind,
  type StepState,
  type StepStatus,
} from './step-rules.js';

function outcome(key: string, incidentEffect?: OutcomeDefinition['incidentEffect']): OutcomeDefinition {
  return { key, label: key, description: `${key} observed`, effects: {}, ...(incidentEffect ? { incidentEffect } : {}) };
}

function stepDefinition(position: number, key: string, outcomes: OutcomeDefinition[], repeatable = false): RunbookStepDefinition {
  return {
    position,
    key,
    title: key,
    instructions: '',
    tip: '',
    expectedEvidence: [],
    outcomes,
    checks: [],
    observations: [],
    repeatable,
  };
}

/** The shape of the 502 flow (DESIGN §3): six steps, 5 and 6 repeatable, `recurring` reopens. */
const DEFINITIONS: RunbookStepDefinition[] = [
  stepDefinition(1, 'confirm', [outcome('reproduced'), outcome('not_reproduced'), outcome('intermittent')]),
  stepDefinition(2, 'upstream-health', [outcome('upstream_down'), outcome('upstream_degraded'), outcome('upstream_healthy')]),
  stepDefinition(3, 'gateway-config', [outcome('misconfig_found'), outcome('recent_change_rolled_back', 'offer_mitigated'), outcome('config_ok')]),
  stepDefinition(4, 'isolate', [outcome('simple_upstream_ok'), outcome('simple_upstream_fails')]),
  stepDefinition(5, 'restart-flush', [outcome('recovered', 'offer_mitigated'), outcome('no_change')], true),
  stepDefinition(6, 'verify-monitor', [outcome('stable', 'allow_resolved'), outcome('recurring', 'reopen')], true),
];
const KEYS = DEFINITIONS.map((d) => d.key);

function state(key: string, status: StepStatus, extra: Partial<StepState> = {}): StepState {
  const position = KEYS.indexOf(key) + 1;
  const outcomeKey = status === 'done' ? DEFINITIONS[position - 1].outcomes[0].key : null;
  return { key, position, status, outcome: outcomeKey, attempts: status === 'pending' || status === 'skipped' ? 0 : 1, ...extra };
}

function freshSteps(): StepState[] {
  return KEYS.map((k) => state(k, 'pending'));
}

/** Builds steps from a status per position, e.g. ['done', 'skipped', 'in_progress', 'pending', ...]. */
function stepsWith(statuses: StepStatus[]): StepState[] {
  return KEYS.map((k, i) => state(k, statuses[i] ?? 'pending'));
}

function actionOf(kind: StepActionKind, position: number): StepAction {
  if (kind === 'start') return { kind };
  if (kind === 'skip') return { kind, reason: 'no access to the load balancer console' };
  // The last non-reopening outcome: keeps the systematic table free of reopen side effects.
  const plain = DEFINITIONS[position - 1].outcomes.filter((o) => o.incidentEffect !== 'reopen');
  return { kind, outcome: plain[plain.length - 1].key };
}

type Expected =
  | { verdict: 'ok'; status: StepStatus; attemptsDelta: number }
  | { verdict: 'OUT_OF_ORDER' }
  | { verdict: 'INVALID_STATE' };

/**
 * The stated rules as a table, written independently of the implementation:
 * status × action → (needs earlier steps finished?, resulting status, attempts added).
 */
const RULES: Record<StepStatus, Partial<Record<StepActionKind, { ordered: boolean; to: StepStatus; attempts: number }>>> = {
  pending: {
    start: { ordered: true, to: 'in_progress', attempts: 1 },
    complete: { ordered: true, to: 'done', attempts: 1 },
    skip: { ordered: true, to: 'skipped', attempts: 0 },
  },
  in_progress: {
    complete: { ordered: false, to: 'done', attempts: 0 },
    skip: { ordered: true, to: 'skipped', attempts: 0 },
  },
  blocked: {
    complete: { ordered: false, to: 'done', attempts: 0 },
    skip: { ordered: true, to: 'skipped', attempts: 0 },
  },
  done: {},
  skipped: {},
};
const REPEATABLE_DONE_START = { ordered: true, to: 'in_progress' as StepStatus, attempts: 1 };

function expectedFor(status: StepStatus, kind: StepActionKind, repeatable: boolean, earlierFinished: boolean): Expected {
  const rule = status === 'done' && repeatable && kind === 'start' ? REPEATABLE_DONE_START : RULES[status][kind];
  if (!rule) return { verdict: 'INVALID_STATE' };
  if (rule.ordered && !earlierFinished) return { verdict: 'OUT_OF_ORDER' };
  return { verdict: 'ok', status: rule.to, attemptsDelta: rule.attempts };
}

function expectedAllowed(status: StepStatus, repeatable: boolean, earlierFinished: boolean): StepActionKind[] {
  return STEP_ACTION_KINDS.filter((kind) => expectedFor(status, kind, repeatable, earlierFinished).verdict === 'ok');
}

describe('decideStepAction: every step × action × status × order of earlier steps', () => {
  let cases = 0;
  for (const definition of DEFINITIONS) {
    const position = definition.position;
    for (const status of STEP_STATUSES) {
      // Position 1 has no earlier step, so "earlier steps unfinished" cannot be built for it.
      const orderVariants = position === 1 ? [true] : [true, false];
      for (const earlierFinished of orderVariants) {
        for (const kind of STEP_ACTION_KINDS) {
          cases += 1;
          const label = `${definition.key} (${position}) ${status}, earlier ${earlierFinished ? 'finished' : 'unfinished'}: ${kind}`;
          it(label, () => {
            // Earlier steps alternate done/skipped when finished; when unfinished, the step just
            // before the target is in progress (a realistic way to get ahead of oneself).
            const statuses: StepStatus[] = KEYS.map((_, i) => {
              const p = i + 1;
              if (p < position) {
                if (!earlierFinished && p === position - 1) return 'in_progress';
                return p % 2 === 0 ? 'skipped' : 'done';
              }
              if (p === position) return status;
              return 'pending';
            });
            const steps = stepsWith(statuses);
            const target = steps[position - 1];
            const expected = expectedFor(status, kind, definition.repeatable, earlierFinished);
            const decision = decideStepAction(steps, DEFINITIONS, definition.key, actionOf(kind, position));

            if (expected.verdict === 'ok') {
              assert.equal(decision.ok, true, JSON.stringify(decision));
              if (!decision.ok) return;
              assert.equal(decision.action, kind);
              assert.equal(decision.from, status);
              assert.equal(decision.step.key, definition.key);
              assert.equal(decision.step.status, expected.status);
              assert.equal(decision.step.attempts, target.attempts + expected.attemptsDelta);
              assert.deepEqual(decision.reset, []);
              if (kind === 'complete') {
                const sent = (actionOf(kind, position) as { outcome: string }).outcome;
                const def = definition.outcomes.find((o) => o.key === sent);
                assert.equal(decision.step.outcome, sent);
                assert.equal(decision.incidentEffect, def?.incidentEffect ?? null);
              } else {
                assert.equal(decision.step.outcome, null);
                assert.equal(decision.incidentEffect, null);
              }
              assert.equal(decision.skipReason, kind === 'skip' ? 'no access to the load balancer console' : null);
            } else if (expected.verdict === 'OUT_OF_ORDER') {
              assert.equal(decision.ok, false);
              if (decision.ok) return;
              assert.equal(decision.error.code, 'OUT_OF_ORDER');
              if (decision.error.code !== 'OUT_OF_ORDER') return;
              assert.equal(decision.error.key, definition.key);
              assert.equal(decision.error.mustFirst, KEYS[position - 2]);
            } else {
              assert.equal(decision.ok, false);
              if (decision.ok) return;
              assert.equal(decision.error.code, 'INVALID_STATE');
              if (decision.error.code !== 'INVALID_STATE') return;
              assert.equal(decision.error.status, status);
              assert.deepEqual(decision.error.allowed, expectedAllowed(status, definition.repeatable, earlierFinished));
            }
            // allowedActions agrees with the table for the same situation.
            assert.deepEqual(
              allowedActions(steps, DEFINITIONS, definition.key),
              expectedAllowed(status, definition.repeatable, earlierFinished),
            );
          });
        }
      }
    }
  }
  it('covers 6 steps × 5 statuses × 3 actions, both order variants where they exist', () => {
    assert.equal(cases, (1 + 5 * 2) * 5 * 3);
  });
});

describe('decideStepAction: payload and lookup errors', () => {
  it('names the known steps for an unknown key, in position order', () => {
    const decision = decideStepAction(freshSteps(), DEFINITIONS, 'reboot-everything', { kind: 'start' });
    assert.equal(decision.ok, false);
    if (decision.ok) return;
    assert.equal(decision.error.code, 'UNKNOWN_STEP');
    if (decision.error.code !== 'UNKNOWN_STEP') return;
    assert.deepEqual(decision.error.known, KEYS);
  });

  it('treats a step with no definition as unknown', () => {
    const steps = [...freshSteps(), { key: 'legacy', position: 7, status: 'pending' as const, outcome: null, attempts: 0 }];
    const decision = decideStepAction(steps, DEFINITIONS, 'legacy', { kind: 'start' });
    assert.equal(!decision.ok && decision.error.code, 'UNKNOWN_STEP');
  });

  it('rejects an outcome the step does not have and lists the valid ones', () => {
    const steps = stepsWith(['in_progress']);
    const decision = decideStepAction(steps, DEFINITIONS, 'confirm', { kind: 'complete', outcome: 'upstream_down' });
    assert.equal(decision.ok, false);
    if (decision.ok) return;
    assert.equal(decision.error.code, 'UNKNOWN_OUTCOME');
    if (decision.error.code !== 'UNKNOWN_OUTCOME') return;
    assert.deepEqual(decision.error.validOutcomes, ['reproduced', 'not_reproduced', 'intermittent']);
    assert.equal(decision.error.outcome, 'upstream_down');
  });

  for (const reason of ['', '   ', '\n\t']) {
    it(`requires a non-blank skip reason (${JSON.stringify(reason)})`, () => {
      const decision = decideStepAction(freshSteps(), DEFINITIONS, 'confirm', { kind: 'skip', reason });
      assert.equal(!decision.ok && decision.error.code, 'REASON_REQUIRED');
    });
  }

  it('trims the skip reason it returns', () => {
    const decision = decideStepAction(freshSteps(), DEFINITIONS, 'confirm', { kind: 'skip', reason: '  seen by 40 users already \n' });
    assert.equal(decision.ok && decision.skipReason, 'seen by 40 users already');
  });

  it('reports the state before the order when both are wrong', () => {
    const steps = stepsWith(['pending', 'pending', 'done']);
    const decision = decideStepAction(steps, DEFINITIONS, 'gateway-config', { kind: 'start' });
    assert.equal(!decision.ok && decision.error.code, 'INVALID_STATE');
  });

  it('reports the order before the payload', () => {
    const decision = decideStepAction(freshSteps(), DEFINITIONS, 'isolate', { kind: 'complete', outcome: 'nonsense' });
    assert.equal(!decision.ok && decision.error.code, 'OUT_OF_ORDER');
  });

  it('names the earliest unfinished earlier step in OUT_OF_ORDER', () => {
    const steps = stepsWith(['done', 'pending', 'pending', 'pending']);
    const decision = decideStepAction(steps, DEFINITIONS, 'isolate', { kind: 'start' });
    assert.equal(!decision.ok && decision.error.code === 'OUT_OF_ORDER' && decision.error.mustFirst, 'upstream-health');
  });

  it('does not depend on the order the steps are listed in', () => {
    const steps = stepsWith(['done', 'skipped', 'pending']).reverse();
    const decision = decideStepAction(steps, DEFINITIONS, 'gateway-config', { kind: 'start' });
    assert.equal(decision.ok && decision.step.status, 'in_progress');
  });
});

describe('decideStepAction: outcomes with incident effects', () => {
  it('offers mitigation when a restart recovered the service', () => {
    const steps = stepsWith(['done', 'done', 'done', 'done', 'in_progress']);
    const decision = decideStepAction(steps, DEFINITIONS, 'restart-flush', { kind: 'complete', outcome: 'recovered' });
    assert.equal(decision.ok && decision.incidentEffect, 'offer_mitigated');
  });

  it('allows resolution when monitoring is stable', () => {
    const steps = stepsWith(['done', 'done', 'done', 'done', 'done', 'in_progress']);
    const decision = decideStepAction(steps, DEFINITIONS, 'verify-monitor', { kind: 'complete', outcome: 'stable' });
    assert.equal(decision.ok && decision.incidentEffect, 'allow_resolved');
  });
});

describe('repeatable steps', () => {
  it('starts a done repeatable step again as a new attempt with its old outcome cleared', () => {
    const steps = stepsWith(['done', 'done', 'skipped', 'done', 'done', 'pending']);
    steps[4] = { ...steps[4], outcome: 'no_change', attempts: 1 };
    const decision = decideStepAction(steps, DEFINITIONS, 'restart-flush', { kind: 'start' });
    assert.equal(decision.ok, true);
    if (!decision.ok) return;
    assert.deepEqual(decision.step, { key: 'restart-flush', position: 5, status: 'in_progress', outcome: null, attempts: 2 });
    assert.equal(decision.from, 'done');
  });

  it('lets a repeated restart finish with a different outcome and counts the attempts', () => {
    let steps = stepsWith(['done', 'done', 'done', 'done', 'done', 'done']);
    for (const [action, attempts] of [
      [{ kind: 'start' }, 2],
      [{ kind: 'complete', outcome: 'recovered' }, 2],
      [{ kind: 'start' }, 3],
    ] as const) {
      const decision = decideStepAction(steps, DEFINITIONS, 'restart-flush', action);
      assert.equal(decision.ok, true);
      if (!decision.ok) return;
      assert.equal(decision.step.attempts, attempts);
      steps = applyStepDecision(steps, decision);
    }
    assert.equal(steps[4].status, 'in_progress');
  });

  it('refuses to restart a done step that is not repeatable, allowing nothing', () => {
    const steps = stepsWith(['done', 'done']);
    const decision = decideStepAction(steps, DEFINITIONS, 'upstream-health', { kind: 'start' });
    assert.equal(decision.ok, false);
    if (decision.ok) return;
    assert.deepEqual(decision.error, {
      code: 'INVALID_STATE',
      key: 'upstream-health',
      status: 'done',
      allowed: [],
      message: 'Cannot start step "upstream-health" while it is done; nothing is allowed.',
    });
  });

  it('keeps step 6 from being redone while step 5 is being redone', () => {
    const steps = stepsWith(['done', 'done', 'done', 'done', 'in_progress', 'done']);
    const decision = decideStepAction(steps, DEFINITIONS, 'verify-monitor', { kind: 'start' });
    assert.equal(!decision.ok && decision.error.code === 'OUT_OF_ORDER' && decision.error.mustFirst, 'restart-flush');
  });
});

describe('reopen (verify-monitor → recurring)', () => {
  const before = stepsWith(['done', 'done', 'skipped', 'done', 'done', 'in_progress']);

  it('records the outcome on the step and resets steps 2–6 to pending', () => {
    const decision = decideStepAction(before, DEFINITIONS, 'verify-monitor', { kind: 'complete', outcome: 'recurring' });
    assert.equal(decision.ok, true);
    if (!decision.ok) return;
    assert.equal(decision.incidentEffect, 'reopen');
    assert.deepEqual(decision.step, { key: 'verify-monitor', position: 6, status: 'done', outcome: 'recurring', attempts: 1 });
    assert.deepEqual(
      decision.reset.map((s) => [s.key, s.status, s.outcome]),
      KEYS.slice(1).map((k) => [k, 'pending', null]),
    );
    // Attempts survive the reset so the next pass counts on.
    assert.deepEqual(
      decision.reset.map((s) => s.attempts),
      [1, 0, 1, 1, 1],
    );
  });

  it('leaves the first step done and makes upstream-health the next step', () => {
    const decision = decideStepAction(before, DEFINITIONS, 'verify-monitor', { kind: 'complete', outcome: 'recurring' });
    assert.equal(decision.ok, true);
    if (!decision.ok) return;
    const after = applyStepDecision(before, decision);
    assert.deepEqual(
      after.map((s) => s.status),
      ['done', 'pending', 'pending', 'pending', 'pending', 'pending'],
    );
    assert.equal(after[0].outcome, before[0].outcome);
    assert.equal(nextStep(after)?.key, 'upstream-health');
    // Input untouched.
    assert.equal(before[5].status, 'in_progress');
  });

  it('second pass: starting upstream-health again counts a second attempt', () => {
    const decision = decideStepAction(before, DEFINITIONS, 'verify-monitor', { kind: 'complete', outcome: 'recurring' });
    assert.equal(decision.ok, true);
    if (!decision.ok) return;
    const after = applyStepDecision(before, decision);
    const restart = decideStepAction(after, DEFINITIONS, 'upstream-health', { kind: 'start' });
    assert.equal(restart.ok && restart.step.attempts, 2);
  });

  it('reopens from pending too (start and complete in one call)', () => {
    const steps = stepsWith(['done', 'done', 'done', 'done', 'done', 'pending']);
    const decision = decideStepAction(steps, DEFINITIONS, 'verify-monitor', { kind: 'complete', outcome: 'recurring' });
    assert.equal(decision.ok, true);
    if (!decision.ok) return;
    assert.equal(decision.step.attempts, 1);
    assert.equal(decision.reset.length, 5);
    assert.equal(decision.reset[4].attempts, 1);
  });
});

describe('nextStep', () => {
  it('is the first step of a fresh incident', () => {
    assert.equal(nextStep(freshSteps())?.key, 'confirm');
  });

  it('prefers a step in progress, even a repeated earlier one', () => {
    assert.equal(nextStep(stepsWith(['done', 'done', 'done', 'done', 'in_progress', 'done']))?.key, 'restart-flush');
  });

  it('moves past skipped steps', () => {
    assert.equal(nextStep(stepsWith(['done', 'skipped', 'skipped']))?.key, 'isolate');
  });

  it('points at a blocked step when nothing else can proceed', () => {
    assert.equal(nextStep(stepsWith(['done', 'done', 'blocked']))?.key, 'gateway-config');
  });

  it('is null when every step is finished', () => {
    assert.equal(nextStep(stepsWith(['done', 'skipped', 'done', 'done', 'done', 'done'])), null);
  });

  it('ignores the order the steps are listed in', () => {
    assert.equal(nextStep(stepsWith(['done', 'done']).reverse())?.key, 'gateway-config');
  });
});

describe('allowedActions', () => {
  it('allows nothing for an unknown step', () => {
    assert.deepEqual(allowedActions(freshSteps(), DEFINITIONS, 'nope'), []);
  });

  it('walks a whole pass in order using only allowed actions', () => {
    let steps = freshSteps();
    const plan: Array<[string, StepAction]> = [
      ['confirm', { kind: 'complete', outcome: 'reproduced' }],
      ['upstream-health', { kind: 'start' }],
      ['upstream-health', { kind: 'complete', outcome: 'upstream_healthy' }],
      ['gateway-config', { kind: 'skip', reason: 'config owned by another team' }],
      ['isolate', { kind: 'complete', outcome: 'simple_upstream_ok' }],
      ['restart-flush', { kind: 'complete', outcome: 'recovered' }],
      ['verify-monitor', { kind: 'complete', outcome: 'stable' }],
    ];
    for (const [key, action] of plan) {
      assert.ok(allowedActions(steps, DEFINITIONS, key).includes(action.kind), `${key} ${action.kind}`);
      const decision = decideStepAction(steps, DEFINITIONS, key, action);
      assert.equal(decision.ok, true, JSON.stringify(decision));
      if (!decision.ok) return;
      steps = applyStepDecision(steps, decision);
    }
    assert.equal(nextStep(steps), null);
    assert.deepEqual(
      steps.map((s) => s.status),
      ['done', 'done', 'skipped', 'done', 'done', 'done'],
    );
  });
});
