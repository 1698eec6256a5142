import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nearGatewayTimeout, normalizeTimings, slowestPhase } from './har-timings.js';

describe('normalizeTimings', () => {
  it('treats -1 and missing phases as not applicable', () => {
    assert.deepEqual(normalizeTimings({ blocked: -1, dns: -1, connect: -1, send: 0.5, wait: 20, receive: 1 }), {
      blocked: null,
      dns: null,
      connect: null,
      ssl: null,
      send: 0.5,
      wait: 20,
      receive: 1,
    });
    assert.deepEqual(normalizeTimings(undefined), { blocked: null, dns: null, connect: null, ssl: null, send: null, wait: null, receive: null });
  });

  it('takes ssl out of connect, as HAR 1.2 counts it in both', () => {
    const timings = normalizeTimings({ connect: 309.07583236694336, ssl: 358.97302627563477 - 100, send: 1, wait: 1, receive: 1 });
    assert.equal(timings.connect, 50.103);
    assert.equal(timings.ssl, 258.97302627563477);
  });

  it('keeps connect as it is when a tool reports ssl larger than connect (it did not include it)', () => {
    const timings = normalizeTimings({ connect: 309, ssl: 359, send: 2, wait: 3039, receive: 3 });
    assert.equal(timings.connect, 309);
    assert.equal(timings.ssl, 359);
  });

  it('reads numeric strings, as some exporters write them', () => {
    assert.equal(normalizeTimings({ wait: '120.5' }).wait, 120.5);
    assert.equal(normalizeTimings({ wait: 'n/a' }).wait, null);
  });
});

describe('slowestPhase', () => {
  it('names the phase that took longest, or null when nothing took time', () => {
    assert.equal(slowestPhase(normalizeTimings({ blocked: 2, dns: 900, connect: 40, send: 0, wait: 300, receive: 1 })), 'dns');
    assert.equal(slowestPhase(normalizeTimings({ send: 0, wait: 0, receive: 0 })), null);
  });
});

describe('nearGatewayTimeout', () => {
  it('matches waits just around 30 s, 60 s and the Cloudflare timeouts', () => {
    assert.equal(nearGatewayTimeout(30_050), 30);
    assert.equal(nearGatewayTimeout(59_400), 60);
    assert.equal(nearGatewayTimeout(61_900), 60);
    assert.equal(nearGatewayTimeout(100_300), 100);
    assert.equal(nearGatewayTimeout(45_000), null);
    assert.equal(nearGatewayTimeout(800), null);
  });
});
