import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWebhookEventName, serializeEnvelope, WEBHOOK_EVENTS, type WebhookEnvelope } from './webhook-events.js';

describe('webhook event names', () => {
  it('lists the seven events', () => {
    assert.deepEqual(
      [...WEBHOOK_EVENTS],
      ['incident.created', 'incident.status_changed', 'step.completed', 'evidence.parsed', 'diagnosis.changed', 'postmortem.published', 'action_item.overdue'],
    );
  });

  it('recognises exactly those names', () => {
    for (const name of WEBHOOK_EVENTS) assert.equal(isWebhookEventName(name), true, name);
    for (const name of ['', 'incident', 'incident.*', 'INCIDENT.CREATED', 'incident.created ', 'toString', '__proto__']) {
      assert.equal(isWebhookEventName(name), false, name);
    }
  });
});

describe('serializeEnvelope', () => {
  const envelope: WebhookEnvelope = {
    id: 'evt_1',
    type: 'incident.created',
    createdAt: '2024-05-01T12:00:00.000Z',
    data: { title: 'Checkout 502s', incidentId: 'inc_1', severity: 2 },
  };

  it('writes envelope keys in a fixed order and sorts nested keys', () => {
    assert.equal(
      serializeEnvelope(envelope),
      '{"id":"evt_1","type":"incident.created","createdAt":"2024-05-01T12:00:00.000Z","data":{"incidentId":"inc_1","severity":2,"title":"Checkout 502s"}}',
    );
  });

  it('is independent of insertion order at every depth', () => {
    const a = serializeEnvelope({ ...envelope, data: { z: { b: 1, a: [{ y: 1, x: 2 }] }, a: null } });
    const b = serializeEnvelope({ data: { a: null, z: { a: [{ x: 2, y: 1 }], b: 1 } }, createdAt: envelope.createdAt, type: envelope.type, id: envelope.id });
    assert.equal(a, b);
    assert.equal(a.slice(a.indexOf('"data":')), '"data":{"a":null,"z":{"a":[{"x":2,"y":1}],"b":1}}}');
  });

  it('sorts integer-like keys as strings, unlike plain object key order', () => {
    assert.equal(serializeEnvelope({ ...envelope, data: { b: 1, 10: 'ten', 2: 'two' } }).endsWith('"data":{"10":"ten","2":"two","b":1}}'), true);
  });

  it('parses back to the same value', () => {
    const data = { note: 'quote " backslash \\ newline \n unicode ✓ \u2028', nested: { list: [1, 'two', true, null, { k: 'v' }] } };
    assert.deepEqual(JSON.parse(serializeEnvelope({ ...envelope, data })), { ...envelope, data });
  });

  it('follows JSON.stringify for dates, undefined, functions, non-finite numbers and boxed primitives', () => {
    const data = {
      at: new Date('2024-05-01T12:00:00.000Z'),
      gone: undefined,
      fn: () => 1,
      list: [undefined, () => 1, Number.NaN, Infinity],
      boxed: Object('text') as unknown,
    };
    const json = serializeEnvelope({ ...envelope, data });
    assert.ok(json.endsWith('"data":{"at":"2024-05-01T12:00:00.000Z","boxed":"text","list":[null,null,null,null]}}'), json);
  });

  it('throws on cycles and bigints', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    assert.throws(() => serializeEnvelope({ ...envelope, data: cyclic }), TypeError);
    assert.throws(() => serializeEnvelope({ ...envelope, data: { n: 10n } }), TypeError);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    assert.ok(serializeEnvelope({ ...envelope, data: { a: shared, b: shared } }).endsWith('"data":{"a":{"x":1},"b":{"x":1}}}'));
  });
});
