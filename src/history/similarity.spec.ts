import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_SIMILARITY, similarity } from './similarity.js';

const base = { service: 'checkout', gateway: 'nginx', statusCode: 502, signals: new Set<string>() };

describe('incident similarity', () => {
  it('scores service, gateway, symptom and shared signals, with reasons', () => {
    const result = similarity({ ...base, signals: new Set(['nginx.connect_refused', 'x']) }, { ...base, signals: new Set(['nginx.connect_refused']) });
    assert.equal(result.score, 3 + 2 + 2 + 1);
    assert.equal(result.reasons.length, 4);
    assert.match(result.reasons[3], /nginx.connect_refused/);
  });

  it('counts at most three shared signals', () => {
    const signals = new Set(['a', 'b', 'c', 'd', 'e']);
    assert.equal(similarity({ ...base, signals }, { ...base, signals }).score, 3 + 2 + 2 + 3);
  });

  it('does not call a different service on another gateway with another symptom similar', () => {
    const other = similarity(base, { service: 'search', gateway: 'envoy', statusCode: 504, signals: new Set() });
    assert.equal(other.score, 0);
    assert.ok(other.score < MIN_SIMILARITY);
    const sameServiceOnly = similarity(base, { service: 'checkout', gateway: 'envoy', statusCode: 504, signals: new Set() });
    assert.ok(sameServiceOnly.score < MIN_SIMILARITY, 'the service alone is not enough');
  });

  it('ignores a missing gateway or status on the current incident', () => {
    const result = similarity({ ...base, gateway: null, statusCode: null }, { ...base, gateway: null, statusCode: null });
    assert.equal(result.score, 3);
  });
});
