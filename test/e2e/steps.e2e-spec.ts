import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SEEDED_RUNBOOKS } from '../../src/runbooks/content/index.js';
import { bearer, http, keyFor } from '../support/app.js';
import { createIncident, transition } from '../support/factories.js';

async function act(id: string, key: string, action: 'start' | 'complete' | 'skip', body: Record<string, unknown> = {}) {
  return (await http()).post(`/v1/incidents/${id}/steps/${key}/${action}`).set(bearer(await keyFor('responder'))).send(body);
}

async function get(path: string) {
  return (await http()).get(path).set(bearer(await keyFor('viewer')));
}

const FIRST_OUTCOME_PASS: Record<string, string> = {
  confirm: 'reproduced',
  'upstream-health': 'upstream_healthy',
  'gateway-config': 'config_ok',
  isolate: 'simple_upstream_ok',
  'restart-flush': 'recovered',
  'verify-monitor': 'stable',
};

describe('guided runbook steps', () => {
  for (const [statusCode, runbookKey] of [
    [502, 'http-502'],
    [503, 'http-503'],
    [504, 'http-504'],
    [524, 'http-504'],
  ] as const) {
    it(`a ${statusCode} incident starts ${runbookKey} with its six steps in the same answer`, async () => {
      const incident = await createIncident({ symptom: { statusCode, url: 'https://api.example.com/v1/orders' } });
      assert.deepEqual(incident.runbook, { key: runbookKey, version: 1 });
      const steps = incident.steps as Array<{ key: string; position: number; status: string; title: string }>;
      assert.deepEqual(steps.map((s) => s.key), ['confirm', 'upstream-health', 'gateway-config', 'isolate', 'restart-flush', 'verify-monitor']);
      assert.ok(steps.every((s) => s.status === 'pending' && s.title));
    });
  }

  it('picks http-502 when the symptom is unknown', async () => {
    const incident = await createIncident({ symptom: undefined });
    assert.deepEqual(incident.runbook, { key: 'http-502', version: 1 });
  });

  for (const runbook of SEEDED_RUNBOOKS) {
    it(`walks all six steps of ${runbook.key} from open to resolved`, async () => {
      const code = runbook.appliesTo.statusCodes[0];
      const incident = await createIncident({ symptom: { statusCode: code, method: 'GET', url: 'https://shop.example.com/api/cart' } });
      for (const step of runbook.steps) {
        const guidance = await get(`/v1/incidents/${incident.id}/next-step`);
        assert.equal(guidance.status, 200);
        assert.equal(guidance.body.step.key, step.key, 'next-step points at the step to do');
        const started = await act(incident.id, step.key, 'start');
        assert.equal(started.status, 200, JSON.stringify(started.body));
        assert.equal(started.body.status, 'in_progress');
        const done = await act(incident.id, step.key, 'complete', { outcome: FIRST_OUTCOME_PASS[step.key], notes: `done ${step.key}`, version: started.body.version });
        assert.equal(done.status, 200, JSON.stringify(done.body));
        assert.equal(done.body.status, 'done');
        assert.equal(done.body.outcome, FIRST_OUTCOME_PASS[step.key]);
        assert.ok(done.body.performedBy);
        assert.ok(done.body.completedAt);
        assert.equal(typeof done.body.timeSpentSeconds, 'number');
        if (step.key === 'confirm') assert.equal(done.body.incident.status, 'investigating', 'starting the first step moves the incident to investigating');
        if (step.key === 'restart-flush') assert.equal(done.body.incident.status, 'mitigated', 'recovered mitigates the incident');
        if (step.key === 'verify-monitor') assert.deepEqual(done.body.suggestedTransition?.to, 'resolved');
      }
      const finished = await get(`/v1/incidents/${incident.id}/next-step`);
      assert.equal(finished.body.step, null);
      assert.equal(finished.body.suggestedTransition.to, 'resolved');
      assert.deepEqual(finished.body.progress, { done: 6, skipped: 0, total: 6 });
      const resolved = await transition(incident.id, 'resolved');
      assert.equal(resolved.status, 200);
      const view = await get(`/v1/incidents/${incident.id}`);
      assert.ok(view.body.steps.every((s: { status: string; performedBy: string }) => s.status === 'done' && s.performedBy));

      const timeline = await get(`/v1/incidents/${incident.id}/timeline`);
      const kinds = timeline.body.items.map((e: { kind: string }) => e.kind);
      assert.equal(kinds.filter((k: string) => k === 'step.completed').length, 6);
      assert.equal(kinds.filter((k: string) => k === 'step.started').length, 6);
      const completed = timeline.body.items.find((e: { kind: string; data: { step: string } }) => e.kind === 'step.completed' && e.data.step === 'isolate');
      assert.match(completed.message, /Step 4/);
      assert.equal(typeof completed.data.timeSpentSeconds, 'number');
    });
  }

  it('shows the same step state in the incident as in its step list', async () => {
    const incident = await createIncident();
    const key = bearer(await keyFor('responder'));
    await (await http()).post(`/v1/incidents/${incident.id}/steps/confirm/start`).set(key).send({});
    const done = await (await http()).post(`/v1/incidents/${incident.id}/steps/confirm/complete`).set(key).send({ outcome: 'intermittent', notes: 'one in five' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const [one, list] = await Promise.all([
      (await http()).get(`/v1/incidents/${incident.ref}`).set(key),
      (await http()).get(`/v1/incidents/${incident.id}/steps`).set(key),
    ]);
    const summaries = list.body.items.map(({ history: _h, observations: _o, ...summary }: Record<string, unknown>) => summary);
    assert.deepEqual(one.body.steps, summaries);
    assert.equal(one.body.steps[0].status, 'done');
    assert.match(one.body.steps[0].completedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('refuses a step out of order with 409 naming the step to do first', async () => {
    const incident = await createIncident();
    const res = await act(incident.id, 'isolate', 'start');
    assert.equal(res.status, 409);
    assert.equal(res.body.mustFirst, 'confirm');
    const direct = await act(incident.id, 'upstream-health', 'complete', { outcome: 'upstream_down' });
    assert.equal(direct.status, 409);
    assert.equal(direct.body.mustFirst, 'confirm');
  });

  it('requires a reason to skip, then lets the next step go', async () => {
    const incident = await createIncident();
    const noReason = await act(incident.id, 'confirm', 'skip', {});
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.errors[0].field, 'reason');
    const blank = await act(incident.id, 'confirm', 'skip', { reason: '   ' });
    assert.equal(blank.status, 400);
    const skipped = await act(incident.id, 'confirm', 'skip', { reason: 'Alert already shows 100% 502 from every region' });
    assert.equal(skipped.status, 200);
    assert.equal(skipped.body.status, 'skipped');
    assert.equal(skipped.body.skipReason, 'Alert already shows 100% 502 from every region');
    const next = await act(incident.id, 'upstream-health', 'start');
    assert.equal(next.status, 200);
  });

  it('refuses an unknown outcome with 400 listing the valid ones', async () => {
    const incident = await createIncident();
    await act(incident.id, 'confirm', 'start');
    const res = await act(incident.id, 'confirm', 'complete', { outcome: 'maybe' });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'outcome');
    assert.deepEqual(res.body.validOutcomes, ['reproduced', 'not_reproduced', 'intermittent']);
  });

  it('answers 404 for an unknown step and 400 for unknown observations', async () => {
    const incident = await createIncident();
    const unknown = await act(incident.id, 'reboot-everything', 'start');
    assert.equal(unknown.status, 404);
    const bad = await act(incident.id, 'confirm', 'complete', { outcome: 'reproduced', observations: { mood: 'grim' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'observations.mood');
    const wrongType = await act(incident.id, 'confirm', 'complete', { outcome: 'reproduced', observations: { reproducedFrom: 'office' } });
    assert.equal(wrongType.status, 400);
  });

  it('records structured observations', async () => {
    const incident = await createIncident();
    const res = await act(incident.id, 'confirm', 'complete', {
      outcome: 'reproduced',
      observations: { reproducedFrom: ['office wifi', 'LTE hotspot'], answeringHop: 'nginx' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.observations.reproducedFrom, ['office wifi', 'LTE hotspot']);
    const steps = await get(`/v1/incidents/${incident.id}/steps`);
    assert.equal(steps.body.items[0].observations.answeringHop, 'nginx');
  });

  it('refuses a stale step version with 409 and changes nothing', async () => {
    const incident = await createIncident();
    const started = await act(incident.id, 'confirm', 'start');
    const stale = await act(incident.id, 'confirm', 'complete', { outcome: 'reproduced', version: started.body.version - 1 });
    assert.equal(stale.status, 409);
    const steps = await get(`/v1/incidents/${incident.id}/steps`);
    assert.equal(steps.body.items[0].status, 'in_progress');
  });

  it('lets one of two concurrent completions of a step win', async () => {
    const incident = await createIncident();
    const started = await act(incident.id, 'confirm', 'start');
    const results = await Promise.all([
      act(incident.id, 'confirm', 'complete', { outcome: 'reproduced', version: started.body.version }),
      act(incident.id, 'confirm', 'complete', { outcome: 'intermittent', version: started.body.version }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
  });

  async function walkTo(incidentId: string, untilKey: string) {
    for (const key of Object.keys(FIRST_OUTCOME_PASS)) {
      if (key === untilKey) return;
      const res = await act(incidentId, key, 'complete', { outcome: FIRST_OUTCOME_PASS[key] });
      assert.equal(res.status, 200, `${key}: ${JSON.stringify(res.body)}`);
    }
  }

  it('repeats restart-flush and verify-monitor, keeping earlier attempts', async () => {
    const incident = await createIncident();
    await walkTo(incident.id, 'restart-flush');
    const first = await act(incident.id, 'restart-flush', 'complete', { outcome: 'no_change', notes: 'restarted nginx only' });
    assert.equal(first.body.incident.status, 'investigating');
    const again = await act(incident.id, 'restart-flush', 'start');
    assert.equal(again.status, 200);
    assert.equal(again.body.attempts, 2);
    const second = await act(incident.id, 'restart-flush', 'complete', { outcome: 'recovered', notes: 'restarted the app pods too' });
    assert.equal(second.body.incident.status, 'mitigated');
    assert.equal(second.body.history.length, 1);
    assert.equal(second.body.history[0].outcome, 'no_change');
    const verify = await act(incident.id, 'verify-monitor', 'complete', { outcome: 'stable' });
    assert.equal(verify.status, 200);
    const verifyAgain = await act(incident.id, 'verify-monitor', 'start');
    assert.equal(verifyAgain.status, 200);
    assert.equal(verifyAgain.body.attempts, 2);
    const notRepeatable = await act(incident.id, 'confirm', 'start');
    assert.equal(notRepeatable.status, 409);
  });

  it('reopens steps 2-6 and sends the incident back to investigating when the error recurs', async () => {
    const incident = await createIncident();
    await walkTo(incident.id, 'verify-monitor');
    const recurring = await act(incident.id, 'verify-monitor', 'complete', { outcome: 'recurring', notes: '502s back after 20 minutes' });
    assert.equal(recurring.status, 200);
    assert.equal(recurring.body.incident.status, 'investigating');
    const steps = await get(`/v1/incidents/${incident.id}/steps`);
    assert.deepEqual(steps.body.items.map((s: { status: string }) => s.status), ['done', 'pending', 'pending', 'pending', 'pending', 'pending']);
    assert.equal(steps.body.items[5].history.at(-1).outcome, 'recurring');
    const next = await get(`/v1/incidents/${incident.id}/next-step`);
    assert.equal(next.body.step.key, 'upstream-health');
    const timeline = await get(`/v1/incidents/${incident.id}/timeline`);
    assert.ok(timeline.body.items.some((e: { kind: string }) => e.kind === 'steps.reopened'));
  });

  it('guides with checks for the incident gateway, its own URL, outcomes, missing evidence and ranked causes', async () => {
    const incident = await createIncident({ gateway: 'haproxy', symptom: { statusCode: 502, method: 'GET', url: 'https://pay.example.org/api/charge?x=1' } });
    const res = await get(`/v1/incidents/${incident.ref}/next-step`);
    assert.equal(res.status, 200);
    const { step } = res.body;
    assert.equal(step.key, 'confirm');
    assert.ok(step.instructions.length > 100);
    assert.ok(step.tip);
    assert.deepEqual(step.outcomes.map((o: { key: string }) => o.key), ['reproduced', 'not_reproduced', 'intermittent']);
    assert.ok(step.checks.some((c: { gateway: string }) => c.gateway === 'haproxy'));
    assert.ok(step.checks.every((c: { gateway: string }) => c.gateway === 'haproxy' || c.gateway === 'any'));
    assert.ok(step.checks.some((c: { command: string }) => c.command.includes('pay.example.org')), 'commands carry the incident host');
    assert.ok(!step.checks.some((c: { command: string }) => c.command.includes('{{')), 'no placeholder is left');
    assert.ok(res.body.missingEvidence.some((e: { kind: string }) => e.kind === 'har'));
    assert.equal(res.body.topCauses[0].category, 'UPSTREAM_DOWN', 'the seed ranks upstream down first');
    assert.ok(res.body.nextCheck === null || typeof res.body.nextCheck.step === 'string');
  });

  it('moves the ranking with outcomes: simple upstream ok points at the upstream, fails at the gateway path', async () => {
    const upstream = await createIncident();
    await walkTo(upstream.id, 'isolate');
    await act(upstream.id, 'isolate', 'complete', { outcome: 'simple_upstream_ok' });
    const up = await get(`/v1/incidents/${upstream.id}/next-step`);
    assert.match(up.body.topCauses[0].category, /^UPSTREAM_/);

    const gateway = await createIncident();
    await act(gateway.id, 'confirm', 'complete', { outcome: 'reproduced' });
    await act(gateway.id, 'upstream-health', 'complete', { outcome: 'upstream_healthy' });
    await act(gateway.id, 'gateway-config', 'complete', { outcome: 'misconfig_found' });
    await act(gateway.id, 'isolate', 'complete', { outcome: 'simple_upstream_fails' });
    const gw = await get(`/v1/incidents/${gateway.id}/next-step`);
    assert.equal(gw.body.topCauses[0].category, 'GATEWAY_CONFIG');
    assert.ok(gw.body.topCauses[0].outcomes.some((o: { outcome: string }) => o.outcome === 'misconfig_found'));

    const down = await createIncident();
    await act(down.id, 'confirm', 'complete', { outcome: 'reproduced' });
    const before = (await get(`/v1/incidents/${down.id}/next-step`)).body.topCauses.find((c: { category: string }) => c.category === 'UPSTREAM_DOWN').score;
    await act(down.id, 'upstream-health', 'complete', { outcome: 'upstream_down' });
    const after = (await get(`/v1/incidents/${down.id}/next-step`)).body.topCauses.find((c: { category: string }) => c.category === 'UPSTREAM_DOWN').score;
    assert.ok(after > before, `upstream_down raises UPSTREAM_DOWN (${before} → ${after})`);
  });

  it('keeps an open incident on its runbook version when a new version is published', async () => {
    const before = await createIncident();
    const current = await get('/v1/runbooks/http-502');
    assert.equal(current.status, 200);
    const { key, title, description, appliesTo, priors, steps } = current.body;
    const newTitle = `${steps[0].title} (v-next)`;
    const published = await (await http())
      .post('/v1/runbooks')
      .set(bearer(await keyFor('admin')))
      .send({ key, title, description, appliesTo, priors, steps: steps.map((s: Record<string, unknown>, i: number) => ({ ...s, position: undefined, title: i === 0 ? newTitle : s.title })) });
    assert.equal(published.status, 201, JSON.stringify(published.body).slice(0, 500));
    assert.equal(published.body.version, current.body.version + 1);

    const after = await createIncident();
    assert.deepEqual(after.runbook, { key: 'http-502', version: published.body.version });
    const oldGuide = await get(`/v1/incidents/${before.id}/next-step`);
    assert.deepEqual(oldGuide.body.runbook, { key: 'http-502', version: before.runbook && (before.runbook as { version: number }).version });
    assert.notEqual(oldGuide.body.step.title, newTitle);
    const newGuide = await get(`/v1/incidents/${after.id}/next-step`);
    assert.equal(newGuide.body.step.title, newTitle);
    const older = await get(`/v1/runbooks/http-502?version=1`);
    assert.equal(older.body.version, 1);
  });
});

describe('runbooks', () => {
  it('lists the seeded runbooks with their steps', async () => {
    const res = await get('/v1/runbooks');
    assert.equal(res.status, 200);
    const keys = res.body.items.map((r: { key: string }) => r.key);
    for (const key of ['http-502', 'http-503', 'http-504']) assert.ok(keys.includes(key), key);
    const r502 = res.body.items.find((r: { key: string }) => r.key === 'http-502');
    assert.equal(r502.steps.length, 6);
    assert.ok(r502.versions.includes(1));
  });

  it('answers one runbook with checks and outcomes, 404 for an unknown one', async () => {
    const res = await get('/v1/runbooks/http-503?version=1');
    assert.equal(res.status, 200);
    assert.equal(res.body.steps[0].key, 'confirm');
    assert.ok(res.body.steps[0].checks.length > 0);
    const unknown = await get('/v1/runbooks/http-999');
    assert.equal(unknown.status, 404);
  });

  it('validates a new runbook version', async () => {
    const admin = bearer(await keyFor('admin'));
    const res = await (await http())
      .post('/v1/runbooks')
      .set(admin)
      .send({
        key: 'custom-502',
        title: 'Custom',
        description: 'x',
        appliesTo: { statusCodes: [502], gateways: ['nginx'] },
        steps: [
          { key: 'only', title: 'Only', instructions: 'Do it', tip: 't', expectedEvidence: [], checks: [{ gateway: 'nginx', title: 'x', command: 'curl {{nope}}', lookFor: 'y' }], outcomes: [{ key: 'ok', label: 'OK', description: 'fine', effects: { UPSTREAM_DOWN: 50, MADE_UP: 2 } }] },
        ],
      });
    assert.equal(res.status, 400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    assert.ok(fields.includes('steps.0.outcomes.0.effects.UPSTREAM_DOWN'));
    assert.ok(fields.includes('steps.0.outcomes.0.effects.MADE_UP'));
    assert.ok(fields.includes('steps.0.checks.0.command'));
    const missing = await (await http()).post('/v1/runbooks').set(admin).send({ key: 'x' });
    assert.equal(missing.status, 400);
  });
});
