import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyWebhookSignature } from '../../src/chatops/webhooks/webhook-signature.js';
import { WebhookDeliveryService } from '../../src/chatops/webhooks/webhook-delivery.service.js';
import { bearer, dataSource, getTestApp, http, keyFor } from '../support/app.js';
import { createIncident, transition } from '../support/factories.js';
import { startServer, stopServer } from '../support/process.js';
import { WebhookReceiver, waitFor, type ReceivedWebhook } from '../support/webhook-receiver.js';

const ALL_EVENTS = ['incident.created', 'incident.status_changed', 'step.completed', 'evidence.parsed', 'diagnosis.changed', 'postmortem.published', 'action_item.overdue'];
const REFUSED =
  '2026/11/25 10:00:01 [error] 123#0: *45 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: shop, request: "GET /cart HTTP/1.1", upstream: "http://10.0.3.7:8080/cart", host: "shop.example.com"';

async function subscribe(url: string, events = ALL_EVENTS, extra: Record<string, unknown> = {}) {
  const res = await (await http()).post('/v1/webhooks').set(bearer(await keyFor('admin'))).send({ url, events, ...extra });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; secret: string };
}

async function unsubscribe(id: string): Promise<void> {
  await (await http()).delete(`/v1/webhooks/${id}`).set(bearer(await keyFor('admin')));
}

async function deliveries(id: string) {
  const res = await (await http()).get(`/v1/webhooks/${id}/deliveries`).set(bearer(await keyFor('admin')));
  assert.equal(res.status, 200);
  return res.body.items as Array<{ id: string; eventId: string; eventType: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null }>;
}

function verify(hook: ReceivedWebhook, secret: string) {
  return verifyWebhookSignature({ header: hook.headers['stepwise-signature'] as string, body: hook.body, secret, nowSeconds: Math.floor(Date.now() / 1000) });
}

describe('outbound webhooks', () => {
  const receiver = new WebhookReceiver();
  let url = '';
  before(async () => {
    url = await receiver.start();
  });
  after(async () => {
    await receiver.stop();
  });

  it('validates registrations and never shows the secret again', async () => {
    const admin = bearer(await keyFor('admin'));
    for (const [body, field] of [
      [{ url: 'ftp://example.com/hook', events: ['incident.created'] }, 'url'],
      [{ url: 'http://user:pw@example.com/hook', events: ['incident.created'] }, 'url'],
      [{ url, events: ['incident.exploded'] }, 'events'],
      [{ url, events: [] }, 'events'],
      [{ url, events: ['incident.created'], secret: 'short' }, 'secret'],
    ] as const) {
      const res = await (await http()).post('/v1/webhooks').set(admin).send(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body.errors.some((e: { field: string }) => e.field.startsWith(field)), JSON.stringify(res.body));
    }
    const created = await subscribe(url, ['incident.created']);
    assert.match(created.secret, /^whsec_/);
    const listed = await (await http()).get('/v1/webhooks').set(admin);
    const mine = listed.body.items.find((w: { id: string }) => w.id === created.id);
    assert.ok(mine);
    assert.ok(!JSON.stringify(listed.body).includes(created.secret), 'the secret is shown once');
    await unsubscribe(created.id);
    assert.equal((await (await http()).get(`/v1/webhooks/${created.id}`).set(admin)).status, 404);
  });

  it('announces changes once each, signed so the receiver can verify them', async () => {
    const hook = await subscribe(url);
    try {
      const incident = await createIncident();
      await transition(incident.id, 'acknowledged');
      const responder = bearer(await keyFor('responder'));
      const step = await (await http()).post(`/v1/incidents/${incident.id}/steps/confirm/complete`).set(responder).send({ outcome: 'intermittent' });
      assert.equal(step.status, 200, JSON.stringify(step.body));
      await (await http()).post(`/v1/incidents/${incident.id}/evidence`).set(responder).send({ kind: 'log', content: REFUSED });

      const types = ['incident.created', 'incident.status_changed', 'step.completed', 'evidence.parsed', 'diagnosis.changed'];
      await waitFor(() => types.every((t) => receiver.about(incident.id, t).length > 0), 15_000, `events ${types.join(', ')}`);
      const received = receiver.about(incident.id);
      for (const r of received) {
        assert.deepEqual(verify(r, hook.secret), { ok: true }, 'the receiver verifies the signature with its secret');
        assert.equal(r.headers['stepwise-event-id'], r.json.id);
        assert.equal(r.headers['stepwise-event'], r.json.type);
        assert.equal(r.json.data.incident?.ref, incident.ref);
        assert.equal(verify(r, 'whsec_someone-elses-secret-000000000').ok, false);
      }
      const ids = received.map((r) => r.json.id);
      assert.equal(new Set(ids).size, ids.length, 'each event once, each with its own id');
      const status = receiver.about(incident.id, 'incident.status_changed');
      assert.ok(status.some((r) => JSON.stringify(r.json.data).includes('acknowledged')));
      // The step's outcome spoke first, then the refused connections in the log moved the top cause.
      const topOf = (r: ReceivedWebhook) => (r.json.data.top as { category: string }).category;
      const changes = await waitFor(() => {
        const all = receiver.about(incident.id, 'diagnosis.changed');
        return all.length > 0 && topOf(all[all.length - 1]) === 'UPSTREAM_DOWN' ? all : null;
      }, 10_000, 'diagnosis.changed to UPSTREAM_DOWN');
      for (let i = 1; i < changes.length; i++) {
        assert.equal(changes[i].json.data.previous, topOf(changes[i - 1]), 'each change names the cause it replaced');
        assert.notEqual(topOf(changes[i]), topOf(changes[i - 1]), 'announced only when the top cause changes');
      }

      const log = await deliveries(hook.id);
      const mine = log.filter((d) => ids.includes(d.eventId));
      assert.equal(mine.length, ids.length);
      assert.ok(mine.every((d) => d.status === 'delivered' && d.attempts === 1 && d.lastStatusCode === 200));
      const admin = bearer(await keyFor('admin'));
      const failed = await (await http()).get(`/v1/webhooks/${hook.id}/deliveries`).query({ status: 'failed' }).set(admin);
      assert.deepEqual(failed.body.items, [], 'the status filter keeps only failed deliveries');
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await (await http())
          .get(`/v1/webhooks/${hook.id}/deliveries`)
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(admin);
        assert.equal(page.status, 200);
        seen.push(...page.body.items.map((d) => d.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual([...seen].sort(), log.map((d) => d.id).sort(), 'pages of two cover the log once');
    } finally {
      await unsubscribe(hook.id);
    }
  });

  it('retries after a 500 and after a timeout, then records the delivery', async () => {
    const hook = await subscribe(url, ['incident.created']);
    try {
      receiver.script.push(500, 'hang');
      const incident = await createIncident();
      const got = await waitFor(() => (receiver.about(incident.id).length >= 3 ? receiver.about(incident.id) : null), 20_000, 'three attempts');
      assert.equal(new Set(got.map((r) => r.json.id)).size, 1, 'every attempt carries the same event id');
      const done = await waitFor(async () => (await deliveries(hook.id)).find((d) => d.eventId === got[0].json.id && d.status === 'delivered'), 10_000, 'delivered');
      assert.equal(done.attempts, 3);
      assert.equal(done.lastStatusCode, 200);
    } finally {
      receiver.script.length = 0;
      await unsubscribe(hook.id);
    }
  });

  it('signs with both secrets while a rotation overlaps, then with the new one only', async () => {
    const hook = await subscribe(url, ['incident.created']);
    try {
      const admin = bearer(await keyFor('admin'));
      const rotated = await (await http()).post(`/v1/webhooks/${hook.id}/rotate-secret`).set(admin).send({ overlapHours: 1 });
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      assert.notEqual(rotated.body.secret, hook.secret);
      const during = await createIncident();
      const [signed] = await waitFor(() => (receiver.about(during.id).length ? receiver.about(during.id) : null), 10_000, 'delivery during the overlap');
      assert.equal((String(signed.headers['stepwise-signature']).match(/v1=/g) ?? []).length, 2);
      assert.deepEqual(verify(signed, hook.secret), { ok: true }, 'receivers on the old secret still verify');
      assert.deepEqual(verify(signed, rotated.body.secret), { ok: true });

      const again = await (await http()).post(`/v1/webhooks/${hook.id}/rotate-secret`).set(admin).send({ overlapHours: 0 });
      const after = await createIncident();
      const [only] = await waitFor(() => (receiver.about(after.id).length ? receiver.about(after.id) : null), 10_000, 'delivery after the overlap');
      assert.deepEqual(verify(only, again.body.secret), { ok: true });
      assert.equal(verify(only, rotated.body.secret).ok, false, 'the dropped secret no longer verifies');
    } finally {
      await unsubscribe(hook.id);
    }
  });

  it('stops delivering once the subscription is deleted', async () => {
    const hook = await subscribe(url, ['incident.created']);
    receiver.script.push(500);
    const incident = await createIncident();
    await waitFor(() => receiver.about(incident.id).length === 1, 10_000, 'first attempt');
    await unsubscribe(hook.id);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // past the retry's backoff
    assert.equal(receiver.about(incident.id).length, 1, 'no retry after the delete');
    const log = await deliveries(hook.id);
    assert.equal(log.find((d) => d.eventType === 'incident.created' && d.attempts === 1)?.status, 'cancelled');
    const later = await createIncident();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(receiver.about(later.id).length, 0, 'no new events either');
  });

  it('announces an action item that became overdue, once', async () => {
    const hook = await subscribe(url, ['action_item.overdue']);
    try {
      const incident = await createIncident();
      const responder = bearer(await keyFor('responder'));
      const item = await (await http()).post(`/v1/incidents/${incident.id}/action-items`).set(responder).send({ title: 'Health checks on the pool', kind: 'prevent', priority: 'P2' });
      assert.equal(item.status, 201, JSON.stringify(item.body));
      const patched = await (await http()).patch(`/v1/action-items/${item.body.id}`).set(responder).send({ version: item.body.version, dueDate: '2026-01-01' });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const [overdue] = await waitFor(() => (receiver.about(incident.id, 'action_item.overdue').length ? receiver.about(incident.id, 'action_item.overdue') : null), 15_000, 'overdue event');
      assert.equal((overdue.json.data.actionItem as { id: string }).id, item.body.id);
      await new Promise((resolve) => setTimeout(resolve, 7_000)); // another sweep
      assert.equal(receiver.about(incident.id, 'action_item.overdue').length, 1);
    } finally {
      await unsubscribe(hook.id);
    }
  });
});

describe('webhook and Slack record retention', () => {
  it('forgets settled events and old Slack receipts after the retention, never an event still being delivered', async () => {
    const db = await dataSource();
    const [subscription] = await db.query(
      `INSERT INTO webhook_subscriptions (url, events, secrets, created_by, active, deleted_at) VALUES ('http://127.0.0.1:9/x', '{incident.created}', '{whsec_retention_test_secret_000000}', 'test', false, now()) RETURNING id`,
    );
    const event = async (ageDays: number, status: string) => {
      const [row] = await db.query(
        `INSERT INTO outbox_events (id, type, incident_id, data, created_at) VALUES (gen_random_uuid(), 'incident.created', NULL, '{}', now() - make_interval(days => $1)) RETURNING id`,
        [ageDays],
      );
      await db.query(`INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, status) VALUES ($1, $2, 'incident.created', $3)`, [subscription.id, row.id, status]);
      return row.id as string;
    };
    const oldDelivered = await event(40, 'delivered');
    const oldFailed = await event(40, 'failed');
    const oldPending = await event(40, 'pending');
    const recent = await event(2, 'delivered');
    await db.query(
      `INSERT INTO slack_command_receipts (trigger_id, team_id, user_id, text, response, created_at) VALUES ('retention-old', 'T1', 'U1', 'help', '{}', now() - interval '40 days'), ('retention-new', 'T1', 'U1', 'help', '{}', now())`,
    );

    await (await getTestApp()).get(WebhookDeliveryService).sweep();

    const left = (await db.query('SELECT id FROM outbox_events WHERE id = ANY($1::uuid[])', [[oldDelivered, oldFailed, oldPending, recent]])).map((r: { id: string }) => r.id);
    assert.deepEqual(new Set(left), new Set([oldPending, recent]), 'settled old events go (with their deliveries); a pending one and recent ones stay');
    assert.equal((await db.query('SELECT 1 FROM webhook_deliveries WHERE event_id = $1', [oldDelivered])).length, 0);
    const receipts = (await db.query(`SELECT trigger_id FROM slack_command_receipts WHERE trigger_id LIKE 'retention-%'`)).map((r: { trigger_id: string }) => r.trigger_id);
    assert.deepEqual(receipts, ['retention-new']);
    await db.query('DELETE FROM webhook_subscriptions WHERE id = $1', [subscription.id]);
    await db.query(`DELETE FROM slack_command_receipts WHERE trigger_id = 'retention-new'`);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('webhook delivery across a restart', () => {
  it('re-sends an attempt cut off by a crash with the same event id, and never re-sends a delivered one', async () => {
    const receiver = new WebhookReceiver();
    const url = await receiver.start();
    const adminKey = `sw_restart_${'k'.repeat(32)}`;
    const env = {
      STEPWISE_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'stepwise-restart-')),
      STEPWISE_ADMIN_KEY: adminKey,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      STEPWISE_WEBHOOK_TIMEOUT_MS: '1000',
      STEPWISE_WEBHOOK_RETRY_BASE_MS: '200',
      STEPWISE_JOB_POLL_SECONDS: '0.5',
      LOG_LEVEL: 'warn',
    };
    const port = await freePort();
    let server = await startServer(env, port);
    const call = (method: string, route: string, body?: unknown) =>
      fetch(`${server.baseUrl}${route}`, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    try {
      const hook = (await (await call('POST', '/v1/webhooks', { url, events: ['incident.created'] })).json()) as { id: string };
      const first = (await (await call('POST', '/v1/incidents', { title: 'before the crash', severity: 'SEV2', service: 'restart-a' })).json()) as { id: string };
      await waitFor(() => receiver.about(first.id).length === 1, 20_000, 'first delivery');

      receiver.script.push('hang');
      const second = (await (await call('POST', '/v1/incidents', { title: 'crash mid-delivery', severity: 'SEV2', service: 'restart-b' })).json()) as { id: string };
      await waitFor(() => receiver.about(second.id).length === 1, 20_000, 'the attempt that will be cut off');
      await stopServer(server, 'SIGKILL');

      server = await startServer(env, port);
      const [, retried] = await waitFor(() => (receiver.about(second.id).length >= 2 ? receiver.about(second.id) : null), 30_000, 'the retry after the restart');
      assert.equal(retried.json.id, receiver.about(second.id)[0].json.id, 'the same event id, so the receiver can drop the duplicate');
      type DeliveryLog = { items: Array<{ eventId: string; status: string; attempts: number }> };
      const cut = await waitFor(async () => {
        const items = ((await (await call('GET', `/v1/webhooks/${hook.id}/deliveries`)).json()) as DeliveryLog).items;
        return items.find((d) => d.eventId === retried.json.id && d.status === 'delivered');
      }, 10_000, 'the cut-off delivery recorded as delivered');
      assert.equal(cut.attempts, 2);
      assert.equal(receiver.about(first.id).length, 1, 'the delivery completed before the crash is not sent again');
    } finally {
      await stopServer(server, 'SIGKILL').catch(() => undefined);
      await receiver.stop();
    }
  });
});
