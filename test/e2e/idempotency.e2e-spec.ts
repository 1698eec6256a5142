import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { apiKey, bearer, dataSource, http, keyFor, uniqueService } from '../support/app.js';

const body = (service: string) => ({ title: 'Gateway answering 502', severity: 'SEV2', service, symptom: { statusCode: 502 } });

async function countFor(service: string): Promise<number> {
  const [{ count }] = await (await dataSource()).query('SELECT count(*)::int AS count FROM incidents WHERE service = $1', [service]);
  return count;
}

describe('Idempotency-Key', () => {
  it('answers a retry with the first response and creates one incident', async () => {
    const service = uniqueService('idem');
    const key = randomUUID();
    const bot = bearer(await keyFor('bot'));
    const first = await (await http()).post('/v1/incidents').set({ ...bot, 'idempotency-key': key }).send(body(service));
    const again = await (await http()).post('/v1/incidents').set({ ...bot, 'idempotency-key': key }).send(body(service));
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(await countFor(service), 1);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const service = uniqueService('idem');
    const key = randomUUID();
    const bot = bearer(await keyFor('bot'));
    const first = await (await http()).post('/v1/incidents').set({ ...bot, 'idempotency-key': key }).send({ service, severity: 'SEV2', title: 'Gateway answering 502' });
    const again = await (await http()).post('/v1/incidents').set({ ...bot, 'idempotency-key': key }).send({ title: 'Gateway answering 502', service, severity: 'SEV2' });
    assert.equal(again.body.id, first.body.id);
  });

  it('refuses the same key with a different body with 422 and creates nothing more', async () => {
    const service = uniqueService('idem');
    const key = randomUUID();
    const bot = bearer(await keyFor('bot'));
    await (await http()).post('/v1/incidents').set({ ...bot, 'idempotency-key': key }).send(body(service));
    const other = await (await http()).post('/v1/incidents').set({ ...bot, 'idempotency-key': key }).send({ ...body(service), severity: 'SEV1' });
    assert.equal(other.status, 422);
    assert.match(other.headers['content-type'], /application\/problem\+json/);
    assert.equal(await countFor(service), 1);
  });

  it('creates exactly one incident from ten concurrent requests with one key', async () => {
    const service = uniqueService('idem');
    const key = randomUUID();
    const bot = bearer(await keyFor('bot'));
    const results = await Promise.all(
      Array.from({ length: 10 }, async () => (await http()).post('/v1/incidents').set({ ...bot, 'idempotency-key': key }).send(body(service))),
    );
    assert.deepEqual(results.map((r) => r.status), Array(10).fill(201));
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal(await countFor(service), 1);
  });

  it('keys belong to one API key: another key with the same Idempotency-Key makes its own incident', async () => {
    const service = uniqueService('idem');
    const key = randomUUID();
    const a = await (await http()).post('/v1/incidents').set({ ...bearer(await apiKey('bot')), 'idempotency-key': key }).send(body(service));
    const b = await (await http()).post('/v1/incidents').set({ ...bearer(await apiKey('bot')), 'idempotency-key': key }).send(body(service));
    assert.notEqual(a.body.id, b.body.id);
    assert.equal(await countFor(service), 2);
  });

  it('lets a client retry a request that failed validation with the same key', async () => {
    const service = uniqueService('idem');
    const key = randomUUID();
    const bot = bearer(await keyFor('bot'));
    const bad = await (await http()).post('/v1/incidents').set({ ...bot, 'idempotency-key': key }).send({ ...body(service), severity: 'nope' });
    assert.equal(bad.status, 400);
    const fixed = await (await http()).post('/v1/incidents').set({ ...bot, 'idempotency-key': key }).send({ ...body(service), severity: 'nope' });
    assert.equal(fixed.status, 400, 'the same bad body fails the same way');
    const good = await (await http()).post('/v1/incidents').set({ ...bot, 'idempotency-key': `${key}-2` }).send(body(service));
    assert.equal(good.status, 201);
    assert.equal(await countFor(service), 1);
  });

  it('works on other POST routes: a retried note is written once', async () => {
    const responder = bearer(await keyFor('responder'));
    const incident = await (await http()).post('/v1/incidents').set(responder).send(body(uniqueService('idem')));
    const key = randomUUID();
    for (let i = 0; i < 3; i++) {
      const res = await (await http()).post(`/v1/incidents/${incident.body.id}/timeline`).set({ ...responder, 'idempotency-key': key }).send({ message: 'Restarted nginx' });
      assert.equal(res.status, 201);
    }
    const timeline = await (await http()).get(`/v1/incidents/${incident.body.id}/timeline`).set(responder);
    assert.equal(timeline.body.items.filter((e: { kind: string }) => e.kind === 'note').length, 1);
  });

  it('rejects a malformed key', async () => {
    const res = await (await http()).post('/v1/incidents').set({ ...bearer(await keyFor('bot')), 'idempotency-key': 'x'.repeat(300) }).send(body(uniqueService()));
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'Idempotency-Key');
  });
});
