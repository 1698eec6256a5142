import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearer, http, keyFor, uniqueService } from '../support/app.js';
import { createIncident, transition } from '../support/factories.js';

const REFUSED =
  '2026/11/25 10:00:01 [error] 123#0: *45 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: shop, request: "GET /cart HTTP/1.1", upstream: "http://10.0.3.7:8080/cart", host: "shop.example.com"';

describe('has this happened before?', () => {
  it('finds earlier incidents like this one, with their confirmed cause and what fixed them', async () => {
    const key = bearer(await keyFor('responder'));
    const service = uniqueService('similar');
    const past = await createIncident({ service, gateway: 'nginx', symptom: { statusCode: 502 } });
    await (await http()).post(`/v1/incidents/${past.id}/evidence`).set(key).send({ kind: 'log', content: REFUSED });
    await (await http()).post(`/v1/incidents/${past.id}/root-causes`).set(key).send({ category: 'UPSTREAM_DOWN', description: 'cart pods crash-looped', status: 'confirmed', primary: true });
    const item = await (await http()).post(`/v1/incidents/${past.id}/action-items`).set(key).send({ title: 'Readiness probe on the cart pods', kind: 'prevent', priority: 'P1' });
    await (await http()).patch(`/v1/action-items/${item.body.id}`).set(key).send({ status: 'done', version: item.body.version });
    await transition(past.id, 'resolved', { note: 'Rolled back the cart deployment' });
    const unrelated = await createIncident({ service: uniqueService('other'), gateway: 'envoy', symptom: { statusCode: 504 } });
    const sibling = await createIncident({ service: uniqueService('sibling'), gateway: 'nginx', symptom: { statusCode: 502 } });

    const current = await createIncident({ service, gateway: 'nginx', symptom: { statusCode: 502 } });
    const atCreate = current.similar as Array<{ id: string; confirmedCause: unknown; fix: { resolution: string } }>;
    assert.equal(atCreate[0].id, past.id, 'the create answer already lists it');
    assert.deepEqual(atCreate[0].confirmedCause, { category: 'UPSTREAM_DOWN', description: 'cart pods crash-looped' });
    assert.equal(atCreate[0].fix.resolution, 'Rolled back the cart deployment');
    assert.ok(!atCreate.some((i) => i.id === unrelated.id));
    assert.equal(atCreate[1]?.id, sibling.id, 'another service behind the same gateway with the same symptom comes next');
    await (await http()).post(`/v1/incidents/${current.id}/evidence`).set(key).send({ kind: 'log', content: `${REFUSED}\n` });
    const res = await (await http()).get(`/v1/incidents/${current.ref}/similar`).set(bearer(await keyFor('viewer')));
    assert.equal(res.status, 200);
    const ids = res.body.items.map((i: { id: string }) => i.id);
    assert.equal(ids[0], past.id);
    assert.ok(!ids.includes(unrelated.id));
    const match = res.body.items[0];
    assert.deepEqual(match.confirmedCause, { category: 'UPSTREAM_DOWN', description: 'cart pods crash-looped' });
    assert.equal(match.fix.resolution, 'Rolled back the cart deployment');
    assert.deepEqual(match.fix.actionsDone, ['Readiness probe on the cart pods']);
    assert.ok(match.reasons.some((r: string) => r.includes('same service')));
    assert.ok(match.reasons.some((r: string) => r.includes('nginx.')), 'shared evidence signals are a reason');

    const first = await (await http()).get(`/v1/incidents/${past.id}/similar`).set(key);
    const got = await (await http()).get(`/v1/incidents/${current.id}`).set(key);
    assert.equal(got.body.similar, undefined, 'only the create answer carries the list; /similar has it on demand');
    assert.ok(!first.body.items.some((i: { id: string }) => i.id === current.id), 'only earlier incidents are answered');
  });
});
