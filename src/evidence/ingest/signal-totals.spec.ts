import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../parsers/finding.js';
import { signalTotals, withOccurrences } from './signal-totals.js';

const finding = (signal: string): Finding => ({ category: 'UPSTREAM_RESET', signal, weight: 8, excerpt: signal, location: {}, observedAt: null, upstream: null });

describe('signalTotals', () => {
  it('reads a log summary and a HAR summary', () => {
    assert.deepEqual([...signalTotals({ signals: { 'nginx.a': { count: 4999, category: 'UPSTREAM_RESET' }, 'nginx.b': { count: 2 } } })], [
      ['nginx.a', 4999],
      ['nginx.b', 2],
    ]);
    assert.deepEqual([...signalTotals({ signalCounts: { 'har.net.ERR_NAME_NOT_RESOLVED': 30 } })], [['har.net.ERR_NAME_NOT_RESOLVED', 30]]);
  });

  it('ignores summaries without counts and values that are not counts', () => {
    assert.equal(signalTotals(null).size, 0);
    assert.equal(signalTotals({ imageType: 'png' }).size, 0);
    assert.equal(signalTotals({ signals: { a: { count: 'many' }, b: null, c: { count: -1 } }, signalCounts: { d: Number.NaN } }).size, 0);
  });
});

describe('withOccurrences', () => {
  it("tells each finding how often its signal was seen, and leaves others as they are", () => {
    const out = withOccurrences([finding('nginx.a'), finding('nginx.c')], new Map([['nginx.a', 4999]]));
    assert.equal(out[0].occurrences, 4999);
    assert.equal('occurrences' in out[1], false);
  });
});
