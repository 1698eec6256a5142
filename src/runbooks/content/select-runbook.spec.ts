import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GATEWAYS } from '../../diagnosis/cause-category.js';
import { SEEDED_RUNBOOKS, selectRunbookKey } from './index.js';

describe('selectRunbookKey', () => {
  it('maps 502, 503 and 504 to their runbooks', () => {
    assert.equal(selectRunbookKey(502), 'http-502');
    assert.equal(selectRunbookKey(503), 'http-503');
    assert.equal(selectRunbookKey(504), 'http-504');
  });

  it('uses the 502 flow when the status is unknown', () => {
    assert.equal(selectRunbookKey(undefined), 'http-502');
    assert.equal(selectRunbookKey(undefined, 'nginx'), 'http-502');
  });

  it('sends Cloudflare timeouts 522 and 524 to http-504 and the other 52x codes to http-502', () => {
    const expected: Record<number, string> = {
      520: 'http-502',
      521: 'http-502',
      522: 'http-504',
      523: 'http-502',
      524: 'http-504',
      525: 'http-502',
      526: 'http-502',
      527: 'http-502',
    };
    for (const [code, key] of Object.entries(expected)) assert.equal(selectRunbookKey(Number(code), 'cloudflare'), key, code);
  });

  it('keeps the same choice whatever gateway the incident names', () => {
    for (const gateway of GATEWAYS) {
      assert.equal(selectRunbookKey(524, gateway), 'http-504', gateway);
      assert.equal(selectRunbookKey(503, gateway), 'http-503', gateway);
      assert.equal(selectRunbookKey(520, gateway), 'http-502', gateway);
    }
  });

  it('falls back to http-502 for any other status', () => {
    for (const code of [0, 200, 404, 429, 500, 501, 505, 530, 599, Number.NaN]) assert.equal(selectRunbookKey(code), 'http-502', String(code));
  });

  it('only ever answers keys of seeded runbooks', () => {
    const keys = new Set(SEEDED_RUNBOOKS.map((rb) => rb.key));
    for (let code = 100; code < 600; code++) assert.ok(keys.has(selectRunbookKey(code)), String(code));
  });
});
