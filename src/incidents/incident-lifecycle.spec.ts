import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedTransitions, INCIDENT_STATUSES, planTransition, type IncidentStatus, type LifecycleTimestamps } from './incident-lifecycle.js';

const blank = (): LifecycleTimestamps => ({ acknowledgedAt: null, investigatingAt: null, mitigatedAt: null, resolvedAt: null, closedAt: null });
const now = new Date('2026-01-01T10:00:00Z');

/** The lifecycle of DESIGN §2, written out independently of the implementation's table. */
const EXPECTED: Record<IncidentStatus, IncidentStatus[]> = {
  open: ['acknowledged', 'investigating', 'resolved'],
  acknowledged: ['investigating', 'mitigated', 'resolved'],
  investigating: ['mitigated', 'resolved'],
  mitigated: ['investigating', 'resolved'],
  resolved: ['investigating', 'closed'],
  closed: [],
};

describe('incident lifecycle', () => {
  for (const from of INCIDENT_STATUSES) {
    for (const to of INCIDENT_STATUSES) {
      const expected = EXPECTED[from].includes(to);
      it(`${from} → ${to} is ${expected ? 'allowed' : 'refused'}`, () => {
        const plan = planTransition(from, to, blank(), now, 'a note');
        assert.equal(plan.ok, expected);
        if (!plan.ok) assert.deepEqual(plan.allowed, EXPECTED[from]);
      });
    }
  }

  it('lists the allowed moves', () => {
    assert.deepEqual(allowedTransitions('open'), ['acknowledged', 'investigating', 'resolved']);
    assert.deepEqual(allowedTransitions('closed'), []);
  });

  it('resolving without mitigation needs a note; from mitigated it does not', () => {
    const refused = planTransition('investigating', 'resolved', blank(), now);
    assert.equal(refused.ok, false);
    assert.match(!refused.ok ? refused.reason : '', /resolution note/);
    assert.equal(planTransition('mitigated', 'resolved', { ...blank(), acknowledgedAt: now, mitigatedAt: now }, now).ok, true);
  });

  it('moving past open acknowledges the incident, and timestamps are set once', () => {
    const plan = planTransition('open', 'investigating', blank(), now);
    assert.ok(plan.ok);
    assert.deepEqual(plan.set, { acknowledgedAt: now, investigatingAt: now });

    const earlier = new Date('2026-01-01T09:00:00Z');
    const again = planTransition('resolved', 'investigating', { ...blank(), acknowledgedAt: earlier, investigatingAt: earlier, resolvedAt: earlier }, now);
    assert.ok(again.ok);
    assert.deepEqual(again.set, {}, 'a reopen keeps the first timestamps');
    assert.equal(again.reopened, true);
  });

  it('resolving sets resolvedAt, closing sets closedAt', () => {
    const resolved = planTransition('open', 'resolved', blank(), now, 'false alarm');
    assert.ok(resolved.ok);
    assert.equal(resolved.set.resolvedAt, now);
    assert.equal(resolved.set.acknowledgedAt, now);
    const closed = planTransition('resolved', 'closed', { ...blank(), acknowledgedAt: now, resolvedAt: now }, now);
    assert.ok(closed.ok);
    assert.deepEqual(closed.set, { closedAt: now });
  });

  it('refuses a move to the same status', () => {
    const plan = planTransition('investigating', 'investigating', blank(), now);
    assert.equal(plan.ok, false);
  });
});
