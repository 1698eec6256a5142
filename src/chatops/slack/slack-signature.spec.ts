import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { signSlackRequest, verifySlackSignature, type SlackSignatureInput } from './slack-signature.js';

// Slack's documentation example ("Verifying requests from Slack"); checked against node:crypto before use.
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = '1531420618';
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
  '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
  '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

const SECRET = 'test-signing-secret';
const NOW = 1_700_000_000;
const BODY = 'command=%2Fincident&text=open+checkout+%22Checkout+502s%22+sev2&user_id=U1';

/** Computed here independently of the implementation. */
function referenceSignature(secret: string, timestamp: string, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}

function request(overrides: Partial<SlackSignatureInput> = {}): SlackSignatureInput {
  const timestamp = String(NOW);
  return { signingSecret: SECRET, timestamp, signature: referenceSignature(SECRET, timestamp, BODY), rawBody: BODY, nowSeconds: NOW, ...overrides };
}

function reasonOf(input: SlackSignatureInput): string {
  const result = verifySlackSignature(input);
  assert.equal(result.ok, false, 'expected the request to be refused');
  return result.ok ? '' : result.reason;
}

describe('signSlackRequest', () => {
  it("reproduces Slack's documented example", () => {
    assert.equal(signSlackRequest(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY), DOC_SIGNATURE);
  });

  it('matches an independent HMAC for string and Buffer bodies', () => {
    const expected = referenceSignature(SECRET, '42', BODY);
    assert.equal(signSlackRequest(SECRET, '42', BODY), expected);
    assert.equal(signSlackRequest(SECRET, 42, Buffer.from(BODY, 'utf8')), expected);
  });

  it('hashes a non-ASCII body as its UTF-8 bytes', () => {
    const body = 'text=caf%C3%A9 – “quoted”';
    assert.equal(signSlackRequest(SECRET, '1', Buffer.from(body, 'utf8')), referenceSignature(SECRET, '1', body));
  });
});

describe('verifySlackSignature', () => {
  it("accepts Slack's documented example inside the window", () => {
    const result = verifySlackSignature({
      signingSecret: DOC_SECRET,
      timestamp: DOC_TIMESTAMP,
      signature: DOC_SIGNATURE,
      rawBody: Buffer.from(DOC_BODY),
      nowSeconds: Number(DOC_TIMESTAMP) + 10,
    });
    assert.deepEqual(result, { ok: true });
  });

  it('accepts a correctly signed request, string or Buffer body', () => {
    assert.deepEqual(verifySlackSignature(request()), { ok: true });
    assert.deepEqual(verifySlackSignature(request({ rawBody: Buffer.from(BODY) })), { ok: true });
  });

  it('accepts an upper-case hex digest', () => {
    const signature = 'v0=' + referenceSignature(SECRET, String(NOW), BODY).slice(3).toUpperCase();
    assert.deepEqual(verifySlackSignature(request({ signature })), { ok: true });
  });

  it('refuses a tampered body', () => {
    assert.match(reasonOf(request({ rawBody: BODY.replace('sev2', 'sev1') })), /does not match/);
    assert.match(reasonOf(request({ rawBody: BODY + ' ' })), /does not match/);
  });

  it('refuses a signature made with another secret', () => {
    const signature = referenceSignature('another-secret', String(NOW), BODY);
    assert.match(reasonOf(request({ signature })), /does not match/);
    assert.match(reasonOf(request({ signingSecret: 'another-secret' })), /does not match/);
  });

  it('refuses a signature for another timestamp', () => {
    const signature = referenceSignature(SECRET, String(NOW - 1), BODY);
    assert.match(reasonOf(request({ signature })), /does not match/);
  });

  it('accepts timestamps at the edge of the window and refuses one second beyond, both ways', () => {
    for (const offset of [-300, 300]) {
      const timestamp = String(NOW + offset);
      assert.deepEqual(verifySlackSignature(request({ timestamp, signature: referenceSignature(SECRET, timestamp, BODY) })), { ok: true });
    }
    const stale = String(NOW - 301);
    assert.match(reasonOf(request({ timestamp: stale, signature: referenceSignature(SECRET, stale, BODY) })), /old/);
    const future = String(NOW + 301);
    assert.match(reasonOf(request({ timestamp: future, signature: referenceSignature(SECRET, future, BODY) })), /future/);
  });

  it('honours a custom tolerance', () => {
    const timestamp = String(NOW - 61);
    const signature = referenceSignature(SECRET, timestamp, BODY);
    assert.match(reasonOf(request({ timestamp, signature, toleranceSeconds: 60 })), /old/);
    assert.deepEqual(verifySlackSignature(request({ timestamp, signature, toleranceSeconds: 61 })), { ok: true });
  });

  it('refuses missing headers', () => {
    assert.match(reasonOf(request({ timestamp: undefined })), /missing X-Slack-Request-Timestamp/);
    assert.match(reasonOf(request({ timestamp: '' })), /missing X-Slack-Request-Timestamp/);
    assert.match(reasonOf(request({ signature: undefined })), /missing X-Slack-Signature/);
    assert.match(reasonOf(request({ signature: '' })), /missing X-Slack-Signature/);
  });

  it('refuses a non-numeric timestamp', () => {
    for (const timestamp of ['abc', '17e8', '1700000000.5', '-1700000000', '0x1']) {
      assert.match(reasonOf(request({ timestamp })), /not a whole number/, timestamp);
    }
  });

  it('refuses malformed signatures', () => {
    const digest = referenceSignature(SECRET, String(NOW), BODY).slice(3);
    for (const signature of [digest, `v1=${digest}`, 'v0=', 'v0=not-hex', `v0=${digest} extra`]) {
      assert.match(reasonOf(request({ signature })), /not of the form/, signature);
    }
  });

  it('refuses a signature of a different length without throwing', () => {
    const good = referenceSignature(SECRET, String(NOW), BODY);
    assert.match(reasonOf(request({ signature: good.slice(0, -2) })), /does not match/);
    assert.match(reasonOf(request({ signature: good + 'ab' })), /does not match/);
    assert.match(reasonOf(request({ signature: 'v0=ab' })), /does not match/);
  });

  it('refuses when no signing secret is configured', () => {
    assert.match(reasonOf(request({ signingSecret: '' })), /not configured/);
  });
});
