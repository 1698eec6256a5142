import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateWebhookSecret, signWebhook, verifyWebhookSignature, WEBHOOK_HEADERS } from './webhook-signature.js';

const NOW = 1_700_000_000;
const BODY = '{"id":"evt_1","type":"incident.created","createdAt":"2023-11-14T22:13:20.000Z","data":{"incidentId":"inc_1"}}';
const SECRET_OLD = 'whsec_old-secret';
const SECRET_NEW = 'whsec_new-secret';

describe('signWebhook', () => {
  it('matches a known vector (computed with `openssl dgst -sha256 -hmac`)', () => {
    // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test'
    const known = '38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789';
    assert.equal(signWebhook({ secrets: ['whsec_test'], timestamp: 1_700_000_000, body: '{"a":1}' }), `t=1700000000,v1=${known}`);
  });

  it('signs `${t}.${body}` with HMAC-SHA256, one v1 per secret, newest first', () => {
    const expected = (secret: string) => createHmac('sha256', secret).update(`${NOW}.${BODY}`).digest('hex');
    assert.equal(signWebhook({ secrets: [SECRET_NEW, SECRET_OLD], timestamp: NOW, body: BODY }), `t=${NOW},v1=${expected(SECRET_NEW)},v1=${expected(SECRET_OLD)}`);
  });

  it('signs the body as UTF-8', () => {
    const body = '{"title":"Zahlungsausfall – ümlaut ✓"}';
    const expected = createHmac('sha256', 's').update(Buffer.from(`${NOW}.${body}`, 'utf8')).digest('hex');
    assert.equal(signWebhook({ secrets: ['s'], timestamp: NOW, body }), `t=${NOW},v1=${expected}`);
  });

  it('refuses zero, three or empty secrets and non-integer timestamps', () => {
    assert.throws(() => signWebhook({ secrets: [], timestamp: NOW, body: BODY }), RangeError);
    assert.throws(() => signWebhook({ secrets: ['a', 'b', 'c'], timestamp: NOW, body: BODY }), RangeError);
    assert.throws(() => signWebhook({ secrets: [''], timestamp: NOW, body: BODY }), TypeError);
    assert.throws(() => signWebhook({ secrets: ['a'], timestamp: NOW + 0.5, body: BODY }), RangeError);
    assert.throws(() => signWebhook({ secrets: ['a'], timestamp: -1, body: BODY }), RangeError);
  });

  it('names the delivery headers', () => {
    assert.deepEqual(Object.values(WEBHOOK_HEADERS), ['Stepwise-Signature', 'Stepwise-Event-Id', 'Stepwise-Event', 'Stepwise-Timestamp']);
  });
});

describe('verifyWebhookSignature', () => {
  const header = signWebhook({ secrets: [SECRET_NEW], timestamp: NOW, body: BODY });
  const verify = (overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
    verifyWebhookSignature({ header, body: BODY, secret: SECRET_NEW, nowSeconds: NOW, ...overrides });

  it('round-trips', () => {
    assert.deepEqual(verify({}), { ok: true });
  });

  it('accepts either secret while rotating', () => {
    const rotating = signWebhook({ secrets: [SECRET_NEW, SECRET_OLD], timestamp: NOW, body: BODY });
    assert.deepEqual(verify({ header: rotating, secret: SECRET_NEW }), { ok: true });
    assert.deepEqual(verify({ header: rotating, secret: SECRET_OLD }), { ok: true });
    assert.equal(verify({ header: rotating, secret: 'whsec_unrelated' }).ok, false);
  });

  it('rejects the wrong secret', () => {
    assert.deepEqual(verify({ secret: SECRET_OLD }), { ok: false, reason: 'no signature matches' });
  });

  it('rejects a tampered body', () => {
    assert.deepEqual(verify({ body: BODY.replace('inc_1', 'inc_2') }), { ok: false, reason: 'no signature matches' });
    assert.equal(verify({ body: BODY + ' ' }).ok, false);
  });

  it('rejects a tampered timestamp', () => {
    const moved = header.replace(`t=${NOW}`, `t=${NOW + 1}`);
    assert.deepEqual(verify({ header: moved, nowSeconds: NOW + 1 }), { ok: false, reason: 'no signature matches' });
  });

  it('rejects a flipped signature digit', () => {
    const last = header.at(-1);
    const flipped = header.slice(0, -1) + (last === '0' ? '1' : '0');
    assert.equal(verify({ header: flipped }).ok, false);
  });

  it('accepts inside the window and rejects replays outside it, both ways', () => {
    assert.deepEqual(verify({ nowSeconds: NOW + 300 }), { ok: true });
    assert.deepEqual(verify({ nowSeconds: NOW - 300 }), { ok: true });
    const late = verify({ nowSeconds: NOW + 301 });
    assert.ok(!late.ok && /tolerance/.test(late.reason));
    const early = verify({ nowSeconds: NOW - 301 });
    assert.ok(!early.ok && /tolerance/.test(early.reason));
    assert.deepEqual(verify({ nowSeconds: NOW + 3600, toleranceSeconds: 3600 }), { ok: true });
    assert.equal(verify({ nowSeconds: NOW + 11, toleranceSeconds: 10 }).ok, false);
  });

  it('rejects missing and malformed headers', () => {
    const digest = header.split('v1=')[1];
    const cases: [string | undefined, RegExp][] = [
      [undefined, /missing/],
      ['', /missing/],
      ['   ', /missing/],
      [`v1=${digest}`, /no timestamp/],
      [`t=${NOW}`, /no v1/],
      [`t=${NOW},v0=${digest}`, /no v1/],
      [`t=${NOW},v1=${'z'.repeat(64)}`, /not a SHA-256 hex/],
      [`t=${NOW},v1=${digest.slice(0, 63)}`, /not a SHA-256 hex/],
      [`t=${NOW},v1=${digest}00`, /not a SHA-256 hex/],
      [`t=${NOW},v1=`, /not a SHA-256 hex/],
      [`t=abc,v1=${digest}`, /not unix seconds/],
      [`t=-5,v1=${digest}`, /not unix seconds/],
      [`t=${NOW}.5,v1=${digest}`, /not unix seconds/],
      [`t=${NOW},t=${NOW},v1=${digest}`, /more than one timestamp/],
      [`t=${NOW},garbage,v1=${digest}`, /malformed/],
      [`t=${NOW} v1=${digest}`, /no v1|not unix seconds/],
      [`=${NOW},v1=${digest}`, /malformed/],
    ];
    for (const [candidate, reason] of cases) {
      const result = verify({ header: candidate });
      assert.ok(!result.ok, `expected rejection for ${JSON.stringify(candidate)}`);
      assert.match(result.reason, reason, JSON.stringify(candidate));
    }
  });

  it('tolerates whitespace around items and ignores unknown keys', () => {
    const digest = header.split('v1=')[1];
    assert.deepEqual(verify({ header: ` t=${NOW} , v1=${digest} ` }), { ok: true });
    assert.deepEqual(verify({ header: `t = ${NOW},v1 = ${digest}` }), { ok: true });
    assert.deepEqual(verify({ header: `t=${NOW},v0=whatever,v1=${digest}` }), { ok: true });
    assert.deepEqual(verify({ header: `t=${NOW},v1=${digest.toUpperCase()}` }), { ok: true });
  });

  it('accepts when any one of several v1 values matches', () => {
    const digest = header.split('v1=')[1];
    assert.deepEqual(verify({ header: `t=${NOW},v1=${'0'.repeat(64)},v1=${digest}` }), { ok: true });
  });
});

describe('generateWebhookSecret', () => {
  it('is whsec_ plus 32 random bytes in base64url', () => {
    const secret = generateWebhookSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(secret.slice('whsec_'.length), 'base64url').length, 32);
  });

  it('does not repeat', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateWebhookSecret()));
    assert.equal(secrets.size, 50);
  });

  it('works as a signing secret', () => {
    const secret = generateWebhookSecret();
    const signed = signWebhook({ secrets: [secret], timestamp: NOW, body: BODY });
    assert.deepEqual(verifyWebhookSignature({ header: signed, body: BODY, secret, nowSeconds: NOW }), { ok: true });
  });
});
