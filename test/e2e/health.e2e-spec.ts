import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearer, http, keyFor } from '../support/app.js';
import { createIncident } from '../support/factories.js';

describe('health and metrics', () => {
  it('answers liveness and readiness', async () => {
    const live = await (await http()).get('/health/live');
    assert.deepEqual(live.body, { status: 'ok' });
    const ready = await (await http()).get('/health/ready');
    assert.deepEqual(ready.body, { status: 'ok', database: 'up' });
  });

  it('echoes a request id, or makes one', async () => {
    const given = await (await http()).get('/health/live').set('x-request-id', 'trace-abc-123');
    assert.equal(given.headers['x-request-id'], 'trace-abc-123');
    const made = await (await http()).get('/health/live');
    assert.match(made.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  });

  it('exposes request counts and latencies by route pattern and status, and incidents by status', async () => {
    await createIncident();
    await (await http()).get('/v1/incidents/00000000-0000-4000-8000-000000000000').set(bearer(await keyFor('viewer')));
    const res = await (await http()).get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /text\/plain/);
    assert.equal(res.headers['cache-control'], 'no-store', 'scrapes are never served from a cache');
    assert.match(res.text, /stepwise_http_requests_total\{method="POST",route="\/v1\/incidents",status="201"\} \d+/);
    assert.match(res.text, /stepwise_http_requests_total\{method="GET",route="\/v1\/incidents\/:id",status="404"\} \d+/);
    assert.match(res.text, /stepwise_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/v1\/incidents",status="201"\}/);
    const open = /stepwise_incidents\{status="open"\} (\d+)/.exec(res.text);
    assert.ok(open && Number(open[1]) >= 1, 'open incidents are counted');
    assert.match(res.text, /stepwise_incidents\{status="closed"\} \d+/);
  });
});
