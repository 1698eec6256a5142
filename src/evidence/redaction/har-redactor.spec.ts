import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseHarText } from '../parsers/har/har-parser.js';
import { createHarRedactionTransform, redactHarStream, redactHarText } from './har-redactor.js';
import { REDACTED, type RedactionReport } from './redaction-report.js';

// Every secret below is distinctive, so "does not occur in the output" is a real check.
const SECRETS = {
  bearer: 'bearerTok3n0a1b2c3d4e5f',
  cookie: 'ck0okieS3ssion9f8e7d',
  gaCookie: 'GA1.2.555111222',
  apiKey: 'apiK3y-77aa88bb99cc',
  csrf: 'csrfT0ken123abc',
  basic: Buffer.from('alice:Wonderl4nd!').toString('base64'),
  amzToken: 'amzSecTok3nQQQ111',
  customSession: 'custSess10n4444',
  accessToken: 'acc3ssT0kenZZZ999',
  amzSignature: 'f00dfeedbeef1234567890',
  amzCredential: 'AKIDEXAMPLE%2F20261125%2Fus-east-1',
  idToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlMTIz',
  urlPassword: 'urlPa55word',
  formPassword: 'f0rmPassw0rd!',
  jsonPassword: 'js0nPassw0rd',
  clientSecret: 'cl1entS3cretXYZ',
  multipartPassword: 'mult1partPw',
  setCookie: 's3tCookieVal777',
  oauthCode: 'oauthC0de5555',
  bodyAccessToken: 'b0dyAccessTok3n',
  bodyRefreshToken: 'b0dyRefreshTok3n',
  base64IdToken: 'b64IdT0kenVal',
  bodyBearer: 'b0dyBearerXyz123',
  awsKey: 'AKIAIOSFODNN7EXAMPLE',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoiYm9iIn0.dGhpc2lzYXNpZ25hdHVyZQ',
  initiatorToken: '1nitiatorT0k',
  pageToken: 'pag3T0kenAAA',
  redirectCode: 'r3directC0de',
} as const;

function secretHar(): string {
  const firstEntry = {
    startedDateTime: '2026-11-25T10:00:00.000Z',
    time: 120,
    _initiator: { type: 'script', url: `https://app.example.com/js/app.js?token=${SECRETS.initiatorToken}` },
    request: {
      method: 'POST',
      url: `https://api.example.com/v1/login?page=2&access_token=${SECRETS.accessToken}&X-Amz-Signature=${SECRETS.amzSignature}&X-Amz-Credential=${SECRETS.amzCredential}#id_token=${SECRETS.idToken}`,
      httpVersion: 'HTTP/2',
      headers: [
        { name: ':authority', value: 'api.example.com' },
        { name: 'Authorization', value: `Bearer ${SECRETS.bearer}` },
        { name: 'Cookie', value: `sid=${SECRETS.cookie}; _ga=${SECRETS.gaCookie}` },
        { name: 'X-Api-Key', value: SECRETS.apiKey },
        { name: 'X-Csrf-Token', value: SECRETS.csrf },
        { name: 'Proxy-Authorization', value: `Basic ${SECRETS.basic}` },
        { name: 'X-Amz-Security-Token', value: SECRETS.amzToken },
        { name: 'X-Custom-Session-Id', value: SECRETS.customSession },
        { name: 'User-Agent', value: 'Mozilla/5.0 (X11; Linux x86_64)' },
        { name: 'Referer', value: `https://app.example.com/start?access_token=${SECRETS.accessToken}&tab=billing` },
      ],
      cookies: [
        { name: 'sid', value: SECRETS.cookie, httpOnly: true },
        { name: '_ga', value: SECRETS.gaCookie },
      ],
      queryString: [
        { name: 'page', value: '2' },
        { name: 'access_token', value: SECRETS.accessToken },
        { name: 'X-Amz-Signature', value: SECRETS.amzSignature },
        { name: 'X-Amz-Credential', value: SECRETS.amzCredential },
      ],
      postData: {
        mimeType: 'application/x-www-form-urlencoded',
        text: `username=alice&password=${SECRETS.formPassword}&remember=1`,
        params: [
          { name: 'username', value: 'alice' },
          { name: 'password', value: SECRETS.formPassword },
          { name: 'remember', value: '1' },
        ],
      },
      headersSize: -1,
      bodySize: 60,
    },
    response: {
      status: 302,
      statusText: 'Found',
      httpVersion: 'HTTP/2',
      headers: [
        { name: 'server', value: 'cloudflare' },
        { name: 'cf-ray', value: '7d1a2b3c4d5e6f70-AMS' },
        { name: 'x-envoy-upstream-service-time', value: '31' },
        { name: 'Set-Cookie', value: `session=${SECRETS.setCookie}; Path=/; HttpOnly` },
        { name: 'Location', value: `https://app.example.com/callback?code=${SECRETS.oauthCode}&state=xyz` },
      ],
      cookies: [{ name: 'session', value: SECRETS.setCookie }],
      content: {
        size: 100,
        mimeType: 'application/json',
        text: JSON.stringify({ access_token: SECRETS.bodyAccessToken, refresh_token: SECRETS.bodyRefreshToken, expires_in: 3600, user: 'alice' }),
      },
      redirectURL: `https://app.example.com/callback?code=${SECRETS.redirectCode}&state=xyz`,
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { blocked: 1, dns: -1, connect: -1, ssl: -1, send: 1, wait: 100, receive: 18 },
  };
  const secondEntry = {
    startedDateTime: '2026-11-25T10:00:01.000Z',
    time: 30,
    request: {
      method: 'PUT',
      url: `https://deploy:${SECRETS.urlPassword}@api.example.com/v1/profile`,
      httpVersion: 'HTTP/2',
      headers: [{ name: 'Content-Type', value: 'application/json' }],
      cookies: [],
      queryString: [],
      postData: { mimeType: 'application/json', text: JSON.stringify({ username: 'alice', password: SECRETS.jsonPassword, client_secret: SECRETS.clientSecret }) },
      headersSize: -1,
      bodySize: 80,
    },
    response: {
      status: 502,
      statusText: 'Bad Gateway',
      httpVersion: 'HTTP/2',
      headers: [{ name: 'server', value: 'awselb/2.0' }],
      cookies: [],
      content: {
        size: 200,
        mimeType: 'text/html',
        text: `<hr><center>awselb/2.0</center>\n<!-- debug\nAuthorization: Bearer ${SECRETS.bodyBearer}\nkey id ${SECRETS.awsKey}, session ${SECRETS.jwt}\n-->`,
      },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: 25, receive: 1 },
  };
  const thirdEntry = {
    startedDateTime: '2026-11-25T10:00:02.000Z',
    time: 10,
    request: {
      method: 'POST',
      url: 'https://api.example.com/v1/upload',
      httpVersion: 'HTTP/2',
      headers: [],
      cookies: [],
      queryString: [],
      postData: {
        mimeType: 'multipart/form-data; boundary=XyZ',
        text: `--XyZ\r\nContent-Disposition: form-data; name="user"\r\n\r\nalice\r\n--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\n${SECRETS.multipartPassword}\r\n--XyZ--\r\n`,
      },
      headersSize: -1,
      bodySize: 80,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/2',
      headers: [],
      cookies: [],
      content: { size: 40, mimeType: 'application/json', encoding: 'base64', text: Buffer.from(JSON.stringify({ id_token: SECRETS.base64IdToken, ok: true })).toString('base64') },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: 5, receive: 1 },
  };
  return JSON.stringify(
    {
      log: {
        version: '1.2',
        creator: { name: 'WebInspector', version: '537.36' },
        pages: [{ startedDateTime: '2026-11-25T10:00:00.000Z', id: 'page_1', title: `https://app.example.com/account?token=${SECRETS.pageToken}`, pageTimings: {} }],
        entries: [firstEntry, secondEntry, thirdEntry],
      },
    },
    null,
    2,
  );
}

function assertNoSecrets(output: string, secrets: readonly string[] = Object.values(SECRETS)): void {
  for (const secret of secrets) assert.ok(!output.includes(secret), `secret ${secret} leaked`);
}

async function* chunked(text: string | Buffer, size: number): AsyncGenerator<Buffer> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(stream: AsyncIterable<Buffer>): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece);
  return Buffer.concat(pieces).toString('utf8');
}

describe('redactHarText', () => {
  it('removes every kind of secret and counts each kind', () => {
    const { text, report } = redactHarText(secretHar());
    assertNoSecrets(text);
    assert.equal(report.fallback, false);
    const expectedKinds: [string, number][] = [
      ['header:authorization', 1],
      ['header:cookie', 1],
      ['header:x-api-key', 1],
      ['header:x-csrf-token', 1],
      ['header:proxy-authorization', 1],
      ['header:x-amz-security-token', 1],
      ['header:x-custom-session-id', 1],
      ['header:set-cookie', 1],
      ['cookie', 3],
      ['form:password', 1],
      ['query:access_token', 3],
      ['query:x-amz-signature', 2],
      ['query:x-amz-credential', 2],
      ['query:id_token', 1],
      ['query:code', 2],
      ['query:token', 1],
      ['url-password', 1],
      ['json:password', 1],
      ['json:client_secret', 1],
      ['json:access_token', 1],
      ['json:refresh_token', 1],
      ['json:id_token', 1],
      ['header:authorization', 1],
      ['aws-access-key', 1],
      ['jwt', 1],
    ];
    for (const [kind, atLeast] of expectedKinds) assert.ok((report.byKind[kind] ?? 0) >= atLeast, `${kind}: ${report.byKind[kind] ?? 0} < ${atLeast}`);
    assert.equal(
      report.total,
      Object.values(report.byKind).reduce((sum, count) => sum + count, 0),
    );
    assertNoSecrets(JSON.stringify(report));
  });

  it('keeps what the diagnosis needs', () => {
    const { text } = redactHarText(secretHar());
    const log = (JSON.parse(text) as { log: { entries: { request: { url: string; headers: { name: string; value: string }[] }; response: { headers: { name: string; value: string }[]; content: { text: string } } }[]; pages: { title: string }[] } }).log;
    const first = log.entries[0]!;
    const header = (name: string): string | undefined => first.response.headers.find((candidate) => candidate.name === name)?.value;
    assert.equal(header('server'), 'cloudflare');
    assert.equal(header('cf-ray'), '7d1a2b3c4d5e6f70-AMS');
    assert.equal(header('x-envoy-upstream-service-time'), '31');
    assert.equal(header('Set-Cookie'), REDACTED);
    assert.equal(header('Location'), `https://app.example.com/callback?code=${REDACTED}&state=xyz`);
    assert.equal(first.request.headers.find((candidate) => candidate.name === ':authority')?.value, 'api.example.com');
    assert.equal(first.request.headers.find((candidate) => candidate.name === 'User-Agent')?.value, 'Mozilla/5.0 (X11; Linux x86_64)');
    assert.match(first.request.url, /^https:\/\/api\.example\.com\/v1\/login\?page=2&access_token=\[REDACTED\]&/);
    assert.match(log.entries[1]!.response.content.text, /<center>awselb\/2\.0<\/center>/);
    assert.equal(log.pages[0]!.title, `https://app.example.com/account?token=${REDACTED}`);
    // The redacted HAR diagnoses the same.
    const before = parseHarText(secretHar());
    const after = parseHarText(text);
    assert.deepEqual(after.summary.failingEntries.map((entry) => entry.hop), before.summary.failingEntries.map((entry) => entry.hop));
    assert.deepEqual(after.findings.map((finding) => finding.signal), before.findings.map((finding) => finding.signal));
  });

  it('leaves a HAR without secrets byte for byte', () => {
    const clean = JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [{ request: { method: 'GET', url: 'https://example.com/a?page=1', headers: [{ name: 'Accept', value: '*/*' }] }, response: { status: 200, headers: [], content: { text: 'hello' } } }] } }, null, 4);
    const { text, report } = redactHarText(clean);
    assert.equal(text, clean);
    assert.deepEqual(report, { total: 0, byKind: {}, fallback: false });
  });
});

describe('redactHarStream', () => {
  it('gives the same output and report for 1-byte, 7-byte and 64 KB chunks as for the whole input', async () => {
    const input = secretHar();
    const whole = redactHarText(input);
    for (const size of [1, 7, 65536]) {
      const stream = redactHarStream(chunked(input, size));
      assert.equal(await collect(stream), whole.text, `chunk size ${size}`);
      assert.deepEqual(stream.report(), whole.report);
    }
  });

  it('works as a Node transform stream', async () => {
    const input = secretHar();
    const { stream, report } = createHarRedactionTransform();
    const pieces: Buffer[] = [];
    stream.on('data', (piece: Buffer) => pieces.push(piece));
    await pipeline(Readable.from(chunked(input, 1000)), stream);
    assert.equal(Buffer.concat(pieces).toString('utf8'), redactHarText(input).text);
    assert.equal(report().total, redactHarText(input).report.total);
  });
});

describe('redaction fallback: input that is not a readable HAR never throws', () => {
  function check(input: string, mustVanish: string[], mustStay: string[]): RedactionReport {
    const whole = redactHarText(input);
    assert.equal(whole.report.fallback, true);
    assert.ok(whole.report.fallbackReason);
    assertNoSecrets(whole.text, mustVanish);
    for (const kept of mustStay) assert.ok(whole.text.includes(kept), `${kept} should survive`);
    assertNoSecrets(JSON.stringify(whole.report), mustVanish);
    return whole.report;
  }

  it('a HAR cut off mid-entry', async () => {
    const input = secretHar();
    const cut = input.slice(0, input.indexOf('multipart/form-data'));
    const report = check(cut, [SECRETS.bearer, SECRETS.cookie, SECRETS.jsonPassword, SECRETS.clientSecret, SECRETS.urlPassword], ['awselb/2.0']);
    assert.match(report.fallbackReason ?? '', /truncated/);
    for (const size of [1, 7, 65536]) assert.equal(await collect(redactHarStream(chunked(cut, size))), redactHarText(cut).text, `chunk size ${size}`);
  });

  it('a HAR with one broken entry: the others are redacted by field, the broken one as text', () => {
    const input = `{"log":{"entries":[
      {"request":{"url":"https://a.example/?access_token=${SECRETS.accessToken}","headers":[{"name":"Authorization","value":"Bearer ${SECRETS.bearer}"}]},"response":{"status":200}},
      {"request":{"headers":[{"name": "Cookie", "value": "sid=${SECRETS.cookie}"}] "broken": },"response":{"status":502}},
      {"request":{"url":"https://b.example/"},"response":{"status":200,"headers":[{"name":"Set-Cookie","value":"s=${SECRETS.setCookie}"}]}}
    ]}}`;
    const report = check(input, [SECRETS.accessToken, SECRETS.bearer, SECRETS.cookie, SECRETS.setCookie], ['https://b.example/', '"broken": ']);
    assert.match(report.fallbackReason ?? '', /log\.entries\[1\]/);
  });

  it('plain text that is not JSON at all (a raw request dump)', () => {
    const dump = `GET /v1/orders?access_token=${SECRETS.accessToken}&page=1 HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Bearer ${SECRETS.bearer}\r\nCookie: sid=${SECRETS.cookie}\r\nX-Api-Key: ${SECRETS.apiKey}\r\n\r\n`;
    check(dump, [SECRETS.accessToken, SECRETS.bearer, SECRETS.cookie, SECRETS.apiKey], ['Host: api.example.com', 'page=1']);
  });

  it('JSON that is not a HAR, with HAR-like name/value pairs and a cookie list', () => {
    const input = JSON.stringify({
      headers: [
        { name: 'Authorization', value: `Bearer ${SECRETS.bearer}` },
        { value: SECRETS.apiKey, name: 'x-api-key' },
        { name: 'Accept', value: 'text/html' },
      ],
      cookies: [{ name: 'theme', value: SECRETS.gaCookie }],
      password: SECRETS.jsonPassword,
    });
    check(input, [SECRETS.bearer, SECRETS.apiKey, SECRETS.gaCookie, SECRETS.jsonPassword], ['text/html', 'theme']);
  });

  it('an entry above the size cap is redacted as text', async () => {
    const input = secretHar();
    const small = redactHarText(input, { maxEntryBytes: 1500 });
    assert.equal(small.report.fallback, true);
    assert.match(small.report.fallbackReason ?? '', /larger than the entry limit/);
    assertNoSecrets(small.text, [SECRETS.bearer, SECRETS.cookie, SECRETS.apiKey, SECRETS.accessToken, SECRETS.setCookie, SECRETS.bodyBearer, SECRETS.jsonPassword]);
    assert.equal(await collect(redactHarStream(chunked(input, 7), { maxEntryBytes: 1500 })), small.text);
  });

  it('empty input', () => {
    const { text, report } = redactHarText('');
    assert.equal(text, '');
    assert.equal(report.fallback, true);
    assert.equal(report.total, 0);
  });
});
