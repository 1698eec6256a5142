import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearer, dataSource, http, keyFor, uniqueService } from '../support/app.js';
import { createIncident, transition } from '../support/factories.js';

describe('incidents', () => {
  it('creates an incident with a ref, status open, version 1, and a timeline event', async () => {
    const service = uniqueService();
    const created = await createIncident({ service, tags: ['checkout', 'edge'], environment: 'prod' });
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.match(created.ref, /^INC-\d+$/);
    assert.equal(created.status, 'open');
    assert.equal(created.version, 1);
    assert.equal(created.service, service);
    assert.equal(created.severity, 'SEV2');
    assert.deepEqual(created.tags, ['checkout', 'edge']);
    assert.ok(Array.isArray(created.steps));
    assert.ok(created.createdAt);

    const timeline = await (await http()).get(`/v1/incidents/${created.id}/timeline`).set(bearer(await keyFor('viewer')));
    assert.equal(timeline.status, 200);
    assert.equal(timeline.body.items[0].kind, 'incident.created');
    assert.match(timeline.body.items[0].message, new RegExp(created.ref));
  });

  it('reads an incident by id and by ref', async () => {
    const created = await createIncident();
    const viewer = bearer(await keyFor('viewer'));
    const byId = await (await http()).get(`/v1/incidents/${created.id}`).set(viewer);
    const byRef = await (await http()).get(`/v1/incidents/${created.ref.toLowerCase()}`).set(viewer);
    assert.equal(byId.status, 200);
    assert.equal(byRef.status, 200);
    assert.equal(byRef.body.id, created.id);
    assert.deepEqual(byId.body.steps, created.steps, 'the create answer shows the steps as they are stored');
    assert.ok(Array.isArray(created.similar), 'the create answer adds the similar past incidents');
    const { similar: _similar, ...createdIncident } = created;
    assert.deepEqual({ ...byId.body, steps: undefined }, { ...createdIncident, steps: undefined });
  });

  it('answers 404 for an unknown id or ref and 400 for a malformed one', async () => {
    const viewer = bearer(await keyFor('viewer'));
    const unknown = await (await http()).get('/v1/incidents/00000000-0000-4000-8000-000000000000').set(viewer);
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers['content-type'], /application\/problem\+json/);
    const unknownRef = await (await http()).get('/v1/incidents/INC-999999999').set(viewer);
    assert.equal(unknownRef.status, 404);
    const malformed = await (await http()).get("/v1/incidents/1' OR '1'='1").set(viewer);
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.errors[0].field, 'id');
  });

  it('validates the body and names the offending fields', async () => {
    const res = await (await http())
      .post('/v1/incidents')
      .set(bearer(await keyFor('responder')))
      .send({ title: 'x', severity: 'SEV9', service: 'ok', symptom: { statusCode: 1000 }, unexpected: true });
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    const fields = new Set(res.body.errors.map((e: { field: string }) => e.field));
    assert.ok(fields.has('severity'));
    assert.ok(fields.has('symptom.statusCode'));
    assert.ok(fields.has('unexpected'));
    assert.equal(res.body.status, 400);
    assert.ok(res.body.title);
    assert.ok(res.body.detail);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await (await http())
      .post('/v1/incidents')
      .set({ ...bearer(await keyFor('responder')), 'content-type': 'application/json' })
      .send('{"title": ');
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
  });

  it('takes a JSON content type with no body as no body: action routes work, required fields are named', async () => {
    // curl with a shared header set and bots that always send the header POST like this.
    const json = { ...bearer(await keyFor('responder')), 'content-type': 'application/json' };
    const incident = await createIncident();
    const started = await (await http()).post(`/v1/incidents/${incident.id}/steps/confirm/start`).set(json);
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.status, 'in_progress');
    const generated = await (await http()).post(`/v1/incidents/${incident.id}/postmortem`).set(json);
    assert.equal(generated.status, 201, JSON.stringify(generated.body));

    const missing = await (await http()).post('/v1/incidents').set(json);
    assert.equal(missing.status, 400);
    const fields = new Set(missing.body.errors.map((e: { field: string }) => e.field));
    assert.ok(fields.has('title') && fields.has('severity') && fields.has('service'), JSON.stringify(missing.body));
    // A body that is only whitespace is still not JSON.
    const blank = await (await http()).post('/v1/incidents').set(json).send('  ');
    assert.equal(blank.status, 400);
  });

  it('answers an oversize body with 413 and creates nothing', async () => {
    const service = uniqueService('huge');
    const res = await (await http())
      .post('/v1/incidents')
      .set(bearer(await keyFor('responder')))
      .send({ title: 'big', severity: 'SEV3', service, summary: 'x'.repeat(11 * 1024 * 1024) });
    assert.equal(res.status, 413);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    const [{ count }] = await (await dataSource()).query('SELECT count(*)::int AS count FROM incidents WHERE service = $1', [service]);
    assert.equal(count, 0);
  });

  it('lists with filters and cursor pagination, newest first', async () => {
    const service = uniqueService('list');
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createIncident({ service, severity: i % 2 ? 'SEV1' : 'SEV3', title: `Edge 502 number ${i}` }));
    const viewer = bearer(await keyFor('viewer'));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await (await http())
        .get('/v1/incidents')
        .query({ service, limit: 2, ...(cursor ? { cursor } : {}) })
        .set(viewer);
      assert.equal(res.status, 200);
      assert.ok(res.body.items.length <= 2);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, made.map((m) => m.id).reverse());

    const sev1 = await (await http()).get('/v1/incidents').query({ service, severity: 'SEV1' }).set(viewer);
    assert.deepEqual(sev1.body.items.map((i: { severity: string }) => i.severity), ['SEV1', 'SEV1']);

    const q = await (await http()).get('/v1/incidents').query({ service, q: 'number 3' }).set(viewer);
    assert.deepEqual(q.body.items.map((i: { id: string }) => i.id), [made[3].id]);

    const byRef = await (await http()).get('/v1/incidents').query({ q: made[2].ref }).set(viewer);
    assert.deepEqual(byRef.body.items.map((i: { id: string }) => i.id), [made[2].id]);

    await transition(made[0].id, 'acknowledged');
    const acked = await (await http()).get('/v1/incidents').query({ service, status: 'acknowledged' }).set(viewer);
    assert.deepEqual(acked.body.items.map((i: { id: string }) => i.id), [made[0].id]);

    const future = await (await http()).get('/v1/incidents').query({ service, from: new Date(Date.now() + 3_600_000).toISOString() }).set(viewer);
    assert.equal(future.body.items.length, 0);
    const past = await (await http()).get('/v1/incidents').query({ service, to: new Date(Date.now() + 3_600_000).toISOString() }).set(viewer);
    assert.equal(past.body.items.length, 5);

    const badCursor = await (await http()).get('/v1/incidents').query({ cursor: 'not-a-cursor' }).set(viewer);
    assert.equal(badCursor.status, 400);
    const badLimit = await (await http()).get('/v1/incidents').query({ limit: 500 }).set(viewer);
    assert.equal(badLimit.status, 400);
  });

  it('updates with the current version, writes the timeline, and bumps the version', async () => {
    const created = await createIncident();
    const res = await (await http())
      .patch(`/v1/incidents/${created.id}`)
      .set(bearer(await keyFor('responder')))
      .send({ version: created.version, severity: 'SEV1', summary: 'Checkout returns 502 for 30% of requests', impact: { errorRatePercent: 30 } });
    assert.equal(res.status, 200);
    assert.equal(res.body.severity, 'SEV1');
    assert.equal(res.body.impact.errorRatePercent, 30);
    assert.equal(res.body.version, created.version + 1);
    const timeline = await (await http()).get(`/v1/incidents/${created.id}/timeline`).set(bearer(await keyFor('viewer')));
    const updated = timeline.body.items.find((e: { kind: string }) => e.kind === 'incident.updated');
    assert.ok(updated);
    assert.match(updated.message, /SEV2 → SEV1/);
  });

  it('accepts the version as If-Match and requires one', async () => {
    const created = await createIncident();
    const responder = bearer(await keyFor('responder'));
    const ok = await (await http()).patch(`/v1/incidents/${created.id}`).set({ ...responder, 'if-match': `"${created.version}"` }).send({ title: 'Renamed' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.title, 'Renamed');
    const missing = await (await http()).patch(`/v1/incidents/${created.id}`).set(responder).send({ title: 'Again' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].field, 'version');
  });

  it('refuses a stale version with 409 and changes nothing', async () => {
    const created = await createIncident();
    const responder = bearer(await keyFor('responder'));
    const first = await (await http()).patch(`/v1/incidents/${created.id}`).set(responder).send({ version: 1, title: 'First edit' });
    assert.equal(first.status, 200);
    const stale = await (await http()).patch(`/v1/incidents/${created.id}`).set(responder).send({ version: 1, title: 'Second edit', severity: 'SEV5' });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.currentVersion, 2);
    const now = await (await http()).get(`/v1/incidents/${created.id}`).set(responder);
    assert.equal(now.body.title, 'First edit');
    assert.equal(now.body.severity, 'SEV2');
    assert.equal(now.body.version, 2);
  });

  it('lets exactly one of two concurrent edits of the same version win', async () => {
    const created = await createIncident();
    const responder = bearer(await keyFor('responder'));
    const results = await Promise.all(
      ['Edit A', 'Edit B'].map(async (title) => (await http()).patch(`/v1/incidents/${created.id}`).set(responder).send({ version: 1, title })),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const now = await (await http()).get(`/v1/incidents/${created.id}`).set(responder);
    assert.equal(now.body.title, winner.body.title);
  });

  it('moves through the lifecycle, stamping each transition once and writing the timeline', async () => {
    const created = await createIncident();
    for (const to of ['acknowledged', 'investigating', 'mitigated', 'resolved', 'closed']) {
      const res = await transition(created.id, to);
      assert.equal(res.status, 200, `${to}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.status, to);
    }
    const final = await (await http()).get(`/v1/incidents/${created.id}`).set(bearer(await keyFor('viewer')));
    for (const field of ['acknowledgedAt', 'investigatingAt', 'mitigatedAt', 'resolvedAt', 'closedAt']) assert.ok(final.body[field], field);
    assert.deepEqual(final.body.allowedTransitions, []);
    const timeline = await (await http()).get(`/v1/incidents/${created.id}/timeline`).set(bearer(await keyFor('viewer')));
    const changes = timeline.body.items.filter((e: { kind: string }) => e.kind === 'incident.status_changed');
    assert.deepEqual(changes.map((e: { data: { to: string } }) => e.data.to), ['acknowledged', 'investigating', 'mitigated', 'resolved', 'closed']);
  });

  it('refuses a transition that is not allowed with 409 and the allowed moves', async () => {
    const created = await createIncident();
    const res = await transition(created.id, 'mitigated');
    assert.equal(res.status, 409);
    assert.deepEqual(res.body.allowed, ['acknowledged', 'investigating', 'resolved']);
    const invalid = await transition(created.id, 'exploded');
    assert.equal(invalid.status, 400);
  });

  it('resolves from any unresolved state with a note, and reopens', async () => {
    const created = await createIncident();
    const noNote = await transition(created.id, 'resolved');
    assert.equal(noNote.status, 409);
    const resolved = await transition(created.id, 'resolved', { note: 'False alarm: synthetic check misconfigured' });
    assert.equal(resolved.status, 200);
    assert.equal(resolved.body.resolution, 'False alarm: synthetic check misconfigured');
    const reopened = await transition(created.id, 'investigating', { note: '502s are back' });
    assert.equal(reopened.status, 200);
    assert.equal(reopened.body.status, 'investigating');
    assert.ok(reopened.body.resolvedAt, 'the first resolution stays on record');
  });

  it('records a transition at an earlier instant, but never in the future', async () => {
    const created = await createIncident({ detectedAt: new Date(Date.now() - 3_600_000).toISOString() });
    const at = new Date(Date.now() - 1_800_000).toISOString();
    const res = await transition(created.id, 'acknowledged', { at });
    assert.equal(res.status, 200);
    assert.equal(res.body.acknowledgedAt, at);
    const future = await transition(created.id, 'investigating', { at: new Date(Date.now() + 3_600_000).toISOString() });
    assert.equal(future.status, 400);
    assert.equal(future.body.errors[0].field, 'at');
  });

  it('adds notes to the timeline in order', async () => {
    const created = await createIncident();
    const bot = bearer(await keyFor('bot'));
    const first = await (await http()).post(`/v1/incidents/${created.id}/timeline`).set(bot).send({ message: 'Paged the payments team' });
    assert.equal(first.status, 201);
    assert.equal(first.body.kind, 'note');
    assert.ok(first.body.actor);
    await (await http()).post(`/v1/incidents/${created.ref}/timeline`).set({ ...bot, 'x-actor': 'alice' }).send({ message: 'Rolled back nginx config' });
    const blank = await (await http()).post(`/v1/incidents/${created.id}/timeline`).set(bot).send({ message: '   ' });
    assert.equal(blank.status, 400);
    const timeline = await (await http()).get(`/v1/incidents/${created.id}/timeline`).set(bot);
    const notes = timeline.body.items.filter((e: { kind: string }) => e.kind === 'note');
    assert.deepEqual(notes.map((n: { message: string }) => n.message), ['Paged the payments team', 'Rolled back nginx config']);
    assert.equal(notes[1].actor, 'alice');
  });

  it('pages the timeline', async () => {
    const created = await createIncident();
    const bot = bearer(await keyFor('bot'));
    for (let i = 0; i < 4; i++) await (await http()).post(`/v1/incidents/${created.id}/timeline`).set(bot).send({ message: `note ${i}` });
    const messages: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ message: string }>; nextCursor: string | null } } = await (await http()).get(`/v1/incidents/${created.id}/timeline`).query({ limit: 2, ...(cursor ? { cursor } : {}) }).set(bot);
      messages.push(...res.body.items.map((e: { message: string }) => e.message));
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.equal(messages.length, 5);
    assert.deepEqual(messages.slice(1), ['note 0', 'note 1', 'note 2', 'note 3']);
  });
});
