import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearer, http, keyFor, uniqueService } from '../support/app.js';
import { createIncident, transition } from '../support/factories.js';

const NGINX_RESET =
  '2026/11/25 10:00:01 [error] 77#0: *9 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: shop, request: "GET /cart HTTP/1.1", upstream: "http://10.0.3.7:8080/cart", host: "shop.example.com"';

async function responder() {
  return bearer(await keyFor('responder'));
}

async function post(path: string, body: Record<string, unknown> = {}) {
  return (await http()).post(path).set(await responder()).send(body);
}

async function get(path: string, accept?: string) {
  const req = (await http()).get(path).set(await responder());
  return accept ? req.set('accept', accept) : req;
}

/** An incident walked to resolved with evidence, as a team would leave it. */
async function resolvedIncident(overrides: Record<string, unknown> = {}) {
  const incident = await createIncident(overrides);
  await (await http())
    .post(`/v1/incidents/${incident.id}/evidence`)
    .set(await responder())
    .send({ kind: 'log', filename: 'error.log', content: `${NGINX_RESET}\n${NGINX_RESET.replace('*9', '*10')}\n` });
  for (const [key, outcome] of [
    ['confirm', 'intermittent'],
    ['upstream-health', 'upstream_healthy'],
    ['gateway-config', 'misconfig_found'],
    ['isolate', 'simple_upstream_ok'],
    ['restart-flush', 'recovered'],
    ['verify-monitor', 'stable'],
  ]) {
    const res = await post(`/v1/incidents/${incident.id}/steps/${key}/complete`, { outcome, notes: `${key} done` });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  const resolved = await transition(incident.id, 'resolved', { note: 'Raised the upstream keep-alive timeout above the gateway idle timeout' });
  assert.equal(resolved.status, 200);
  return incident;
}

describe('root causes, postmortems and prevention', () => {
  it('goes from a resolved incident to a published postmortem, and closes the incident', async () => {
    const incident = await resolvedIncident();
    const accepted = await post(`/v1/incidents/${incident.id}/root-causes/accept-suggestion`, { status: 'confirmed' });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.equal(accepted.body.primary, true);
    assert.equal(accepted.body.status, 'confirmed');
    assert.ok(accepted.body.findingIds.length >= 1, 'the accepted cause links the findings behind it');
    const contributing = await post(`/v1/incidents/${incident.id}/root-causes`, {
      category: 'GATEWAY_CONFIG',
      description: 'Gateway idle timeout longer than the upstream keep-alive timeout',
      status: 'confirmed',
      stepKeys: ['gateway-config'],
    });
    assert.equal(contributing.status, 201);
    assert.equal(contributing.body.primary, false);

    const proposed = await post(`/v1/incidents/${incident.id}/action-items/propose`);
    assert.equal(proposed.status, 201);
    assert.ok(proposed.body.items.length >= 3);
    assert.ok(proposed.body.items.every((i: { dueDate: string; status: string }) => /^\d{4}-\d{2}-\d{2}$/.test(i.dueDate) && i.status === 'open'));
    const categories = new Set(proposed.body.items.map((i: { category: string | null }) => i.category));
    assert.ok(categories.has('GATEWAY_CONFIG'), 'items for a confirmed cause carry its category (recurrence uses it)');
    assert.ok(categories.has(null), 'general practice items carry none');
    const again = await post(`/v1/incidents/${incident.id}/action-items/propose`);
    assert.equal(again.body.items.length, 0, 'items already proposed are not proposed twice');

    const generated = await post(`/v1/incidents/${incident.id}/postmortem`);
    assert.equal(generated.status, 201, JSON.stringify(generated.body).slice(0, 500));
    assert.equal(generated.body.status, 'draft');
    assert.equal(generated.body.revision, 1);
    const keys = generated.body.sections.map((s: { key: string }) => s.key);
    for (const key of ['summary', 'impact', 'detection', 'response', 'timeline', 'root-cause', 'contributing-factors', 'trigger', 'resolution', 'metrics', 'action-items', 'appendix-evidence']) {
      assert.ok(keys.includes(key), `section ${key}`);
    }
    assert.ok(keys.indexOf('summary') < keys.indexOf('timeline') && keys.indexOf('timeline') < keys.indexOf('action-items'), 'sections in DESIGN §5 order');
    assert.match(generated.body.markdown, /upstream prematurely closed/, 'the root cause quotes its evidence');
    assert.equal(typeof generated.body.metrics.timeToResolveSeconds, 'number');

    const markdown = await get(`/v1/incidents/${incident.id}/postmortem`, 'text/markdown');
    assert.equal(markdown.status, 200);
    assert.match(markdown.headers['content-type'], /text\/markdown/);
    assert.match(markdown.text, new RegExp(incident.ref));
    const html = await get(`/v1/incidents/${incident.id}/postmortem`, 'text/html');
    assert.match(html.headers['content-type'], /text\/html/);
    assert.match(html.text, /<html/);

    const early = await post(`/v1/incidents/${incident.id}/postmortem/publish`);
    assert.equal(early.status, 409, 'a draft is reviewed before it is published');
    const review = await post(`/v1/incidents/${incident.id}/postmortem/review`);
    assert.equal(review.status, 200);
    assert.equal(review.body.status, 'in_review');
    const published = await post(`/v1/incidents/${incident.id}/postmortem/publish`);
    assert.equal(published.status, 200, JSON.stringify(published.body));
    assert.equal(published.body.status, 'published');
    const closed = await get(`/v1/incidents/${incident.id}`);
    assert.equal(closed.body.status, 'closed');

    const edit = await (await http()).patch(`/v1/incidents/${incident.id}/postmortem`).set(await responder()).send({ version: published.body.version, sections: { wentWell: 'x' } });
    assert.equal(edit.status, 409, 'a published postmortem is read-only');
    const next = await post(`/v1/incidents/${incident.id}/postmortem`);
    assert.equal(next.status, 200);
    assert.equal(next.body.revision, 2);
    assert.equal(next.body.status, 'draft');
    const first = await get(`/v1/incidents/${incident.id}/postmortem?revision=1`);
    assert.equal(first.body.revision, 1);
    assert.equal(first.body.status, 'published');
  });

  it('keeps human edits across regeneration and bumps the revision', async () => {
    const incident = await resolvedIncident();
    const first = await post(`/v1/incidents/${incident.id}/postmortem`);
    const edited = await (await http())
      .patch(`/v1/incidents/${incident.id}/postmortem`)
      .set(await responder())
      .send({ version: first.body.version, sections: { wentWell: 'The isolate step pointed at the upstream within ten minutes.', gotLucky: 'Traffic was low.' } });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    const stale = await (await http()).patch(`/v1/incidents/${incident.id}/postmortem`).set(await responder()).send({ version: first.body.version, sections: { wentWell: 'lost update' } });
    assert.equal(stale.status, 409);
    const unknown = await (await http()).patch(`/v1/incidents/${incident.id}/postmortem`).set(await responder()).send({ version: edited.body.version, sections: { rootCause: 'x' } });
    assert.equal(unknown.status, 400);

    await (await http()).post(`/v1/incidents/${incident.id}/evidence`).set(await responder()).send({ kind: 'note', content: 'New evidence after the first draft' });
    const regenerated = await post(`/v1/incidents/${incident.id}/postmortem`);
    assert.equal(regenerated.status, 200);
    assert.equal(regenerated.body.revision, 2);
    assert.equal(regenerated.body.humanSections.wentWell, 'The isolate step pointed at the upstream within ten minutes.');
    assert.match(regenerated.body.markdown, /pointed at the upstream within ten minutes/);
    const revisions = await get(`/v1/incidents/${incident.id}/postmortem/revisions`);
    assert.deepEqual(revisions.body.items.map((r: { revision: number }) => r.revision), [1, 2]);
  });

  it('refuses to publish with every reason at once', async () => {
    const incident = await createIncident();
    await post(`/v1/incidents/${incident.id}/postmortem`);
    await post(`/v1/incidents/${incident.id}/postmortem/review`);
    const res = await post(`/v1/incidents/${incident.id}/postmortem/publish`);
    assert.equal(res.status, 409);
    const reasons = res.body.reasons.join(' | ');
    assert.match(reasons, /resolved/);
    assert.match(reasons, /primary root cause/);
    assert.match(reasons, /action item/);
  });

  it('flags blaming language and needs an explicit override to publish with it', async () => {
    const incident = await resolvedIncident();
    await post(`/v1/incidents/${incident.id}/root-causes/accept-suggestion`, { status: 'confirmed' });
    await post(`/v1/incidents/${incident.id}/action-items`, { title: 'Alert on upstream resets', kind: 'detect', priority: 'P2', owner: 'sre' });
    const first = await post(`/v1/incidents/${incident.id}/postmortem`);
    assert.deepEqual(first.body.blameFlags, [], 'the generated text is blameless');
    const edited = await (await http())
      .patch(`/v1/incidents/${incident.id}/postmortem`)
      .set(await responder())
      .send({ version: first.body.version, sections: { wentPoorly: 'This was human error: the on-call engineer should have checked the config.' } });
    assert.ok(edited.body.blameFlags.length >= 2, JSON.stringify(edited.body.blameFlags));
    const flag = edited.body.blameFlags[0];
    assert.ok(flag.sentence && flag.suggestion);
    await post(`/v1/incidents/${incident.id}/postmortem/review`);
    const refused = await post(`/v1/incidents/${incident.id}/postmortem/publish`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.reasons.join(' '), /blameless/);
    const noReason = await post(`/v1/incidents/${incident.id}/postmortem/publish`, { overrideBlameless: true });
    assert.equal(noReason.status, 409);
    const overridden = await post(`/v1/incidents/${incident.id}/postmortem/publish`, { overrideBlameless: true, overrideReason: 'Quoted from the customer report verbatim' });
    assert.equal(overridden.status, 200);
  });

  it('escapes user text in the HTML postmortem', async () => {
    const incident = await resolvedIncident({ title: '<script>alert(1)</script> 502 on checkout' });
    await post(`/v1/incidents/${incident.id}/postmortem`);
    const html = await get(`/v1/incidents/${incident.id}/postmortem`, 'text/html');
    assert.equal(html.text.includes('<script>alert(1)</script>'), false);
    assert.match(html.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('tracks action items across incidents and flags a recurrence on both incidents', async () => {
    const service = uniqueService('recur');
    const earlier = await resolvedIncident({ service });
    await post(`/v1/incidents/${earlier.id}/root-causes`, { category: 'UPSTREAM_RESET', description: 'keep-alive race', status: 'confirmed', primary: true });
    const item = await post(`/v1/incidents/${earlier.id}/action-items`, { title: 'Raise upstream keep-alive above the ALB idle timeout', kind: 'prevent', priority: 'P1', owner: 'alice', dueDate: '2020-01-01' });
    assert.equal(item.status, 201);

    const overdue = await get(`/v1/action-items?status=open&overdue=true&owner=alice&service=${service}`);
    assert.deepEqual(overdue.body.items.map((i: { id: string }) => i.id), [item.body.id]);
    assert.equal(overdue.body.items[0].overdue, true);

    const later = await createIncident({ service });
    const cause = await post(`/v1/incidents/${later.id}/root-causes`, { category: 'UPSTREAM_RESET', description: 'same race again', status: 'suspected', primary: true });
    const confirmed = await (await http()).patch(`/v1/incidents/${later.id}/root-causes/${cause.body.id}`).set(await responder()).send({ status: 'confirmed', version: cause.body.version });
    assert.equal(confirmed.status, 200);
    for (const id of [earlier.id, later.id]) {
      const timeline = await get(`/v1/incidents/${id}/timeline`);
      const flag = timeline.body.items.find((e: { kind: string }) => e.kind === 'recurrence.flagged');
      assert.ok(flag, `recurrence flagged on ${id}`);
      assert.deepEqual(flag.data.openActionItemIds, [item.body.id]);
    }

    const done = await (await http()).patch(`/v1/action-items/${item.body.id}`).set(await responder()).send({ status: 'done', version: item.body.version });
    assert.equal(done.status, 200);
    assert.ok(done.body.completedAt);
    const stale = await (await http()).patch(`/v1/action-items/${item.body.id}`).set(await responder()).send({ status: 'open', version: item.body.version });
    assert.equal(stale.status, 409);
    const open = await get(`/v1/action-items?status=open&service=${service}`);
    assert.equal(open.body.items.length, 0);
  });

  it('validates root causes', async () => {
    const incident = await createIncident();
    const bad = await post(`/v1/incidents/${incident.id}/root-causes`, { category: 'GREMLINS', description: '' });
    assert.equal(bad.status, 400);
    const foreign = await post(`/v1/incidents/${incident.id}/root-causes`, { category: 'DNS', description: 'x', findingIds: ['00000000-0000-4000-8000-000000000000'] });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.errors[0].field, 'findingIds');
    const missing = await get(`/v1/incidents/${incident.id}/postmortem`);
    assert.equal(missing.status, 404);
  });
});
