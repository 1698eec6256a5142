import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLogLine } from './index.js';

const httpLog = (timers: string, status: number, term: string) =>
  `May  6 07:08:09 lb1 haproxy[4721]: 203.0.113.9:51234 [06/May/2024:07:08:09.321] www~ be_app/app3 ${timers} ${status} 212 - - ${term} 12/11/3/1/0 0/0 "GET /api/orders HTTP/1.1"`;

describe('HAProxy log', () => {
  it('reads sH as a server timeout, with server and accept date', () => {
    const r = analyzeLogLine(httpLog('0/0/1/-1/30001', 504, 'sH--'));
    assert.equal(r.format, 'haproxy');
    assert.equal(r.findings[0]?.signal, 'haproxy.term.sH');
    assert.equal(r.findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(r.findings[0]?.upstream, 'be_app/app3');
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.321Z');
    assert.equal(r.findings[0]?.detail?.Ta, 30001);
  });

  it('maps termination states to causes', () => {
    const cases: Array<[string, string, number, string]> = [
      ['SC--', '0/0/-1/-1/3003', 503, 'UPSTREAM_DOWN'],
      ['SH--', '0/0/1/-1/12', 502, 'UPSTREAM_RESET'],
      ['SD--', '0/0/1/20/340', 200, 'UPSTREAM_RESET'],
      ['PH--', '0/0/1/8/9', 502, 'UPSTREAM_RESET'],
      ['sQ--', '0/5000/-1/-1/5000', 503, 'CAPACITY'],
      ['sC--', '0/0/-1/-1/5001', 503, 'UPSTREAM_TIMEOUT'],
      ['PC--', '0/0/-1/-1/0', 503, 'CAPACITY'],
    ];
    for (const [term, timers, status, category] of cases) {
      assert.equal(analyzeLogLine(httpLog(timers, status, term)).findings[0]?.category, category, term);
    }
  });

  it('gives nothing for normal endings, client aborts and local responses', () => {
    for (const [term, status] of [
      ['----', 200],
      ['CD--', 200],
      ['cD--', 200],
      ['LR--', 204],
    ] as const) {
      const r = analyzeLogLine(httpLog('0/0/1/20/40', status, term));
      assert.equal(r.format, 'haproxy');
      assert.deepEqual(r.findings, [], term);
    }
  });

  it('reads the TCP log layout', () => {
    const r = analyzeLogLine('May  6 07:08:09 lb1 haproxy[4721]: 203.0.113.9:51234 [06/May/2024:07:08:09.321] pg_front pg_back/db1 1/-1/3002 0 sC 3/3/2/0/3 0/0');
    assert.equal(r.findings[0]?.signal, 'haproxy.term.sC');
  });

  it('reads health-check and alert messages', () => {
    assert.equal(analyzeLogLine('[WARNING]  (8) : Server be_app/app2 is DOWN, reason: Layer4 timeout, check duration: 2001ms. 1 active and 0 backup servers left.').findings[0]?.category, 'UPSTREAM_DOWN');
    assert.equal(analyzeLogLine('[WARNING]  (8) : Server be_app/app2 is DOWN, reason: Layer7 timeout, check duration: 2001ms.').findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(analyzeLogLine('[WARNING]  (8) : Server be_app/app2 is DOWN, reason: Layer6 invalid response, info: "SSL handshake failure"').findings[0]?.category, 'TLS');
    assert.equal(analyzeLogLine('[ALERT]    (8) : backend \'be_app\' has no server available!').findings[0]?.upstream, 'be_app');
    assert.equal(analyzeLogLine('<html><body><h1>504 Gateway Time-out</h1>\nThe server didn\'t respond in time.\n</body></html>').findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.deepEqual(analyzeLogLine('May  6 07:08:09 lb1 haproxy[4721]: Server be_app/app2 is UP, reason: Layer7 check passed').findings, []);
  });
});
