import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogRedactor } from './log-redactor.js';

describe('createLogRedactor', () => {
  const cases: [string, string, string, string][] = [
    ['Authorization header', 'DEBUG request headers: Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig123', 'eyJhbGciOiJIUzI1NiJ9', 'header:authorization'],
    ['Proxy-Authorization header', 'Proxy-Authorization: Basic YWxpY2U6V29uZGVybDRuZA==', 'YWxpY2U6V29uZGVybDRuZA==', 'header:proxy-authorization'],
    ['bearer token anywhere', 'upstream call failed token="Bearer abc123def456ghi" retrying', 'abc123def456ghi', 'bearer-token'],
    ['basic credentials anywhere', 'curl -H "Authorization Basic YWxpY2U6czNjcjN0" https://api', 'YWxpY2U6czNjcjN0', 'basic-credentials'],
    ['Cookie header', 'Cookie: sid=9f8e7d6c5b4a; theme=dark', '9f8e7d6c5b4a', 'header:cookie'],
    ['Set-Cookie header', 'Set-Cookie: session=z9y8x7w6; Path=/; HttpOnly', 'z9y8x7w6', 'header:set-cookie'],
    [
      'token query parameter in an nginx error line',
      '2026/11/25 10:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, request: "GET /cb?code=0auth4444&state=ok HTTP/1.1", upstream: "http://10.0.0.7:8080/cb?code=0auth4444&state=ok"',
      '0auth4444',
      'query:code',
    ],
    ['password= pair', 'db connect user=app password=hunter2hunter2 host=db1', 'hunter2hunter2', 'pair:password'],
    ['AWS access key', 'using credentials AKIAIOSFODNN7EXAMPLE for s3', 'AKIAIOSFODNN7EXAMPLE', 'aws-access-key'],
    ['JWT', '{"level":"info","msg":"session","jwt_payload":"x","t":"eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoiYm9iIn0.c2lnbmF0dXJl"}', 'eyJ1c2VyIjoiYm9iIn0', 'jwt'],
    ['JSON log with an authorization field', '{"headers":{"authorization":"Bearer zzTop123456","host":"api"}}', 'zzTop123456', 'json:authorization'],
    ['API key header in a curl line', "curl -H 'X-Api-Key: k3y-a1b2c3d4' https://api.example.com", 'k3y-a1b2c3d4', 'header:x-api-key'],
    ['URL password', 'proxy to https://svc:Pa55w0rd@internal.example.com/ failed', 'Pa55w0rd', 'url-password'],
  ];
  for (const [name, line, secret, kind] of cases) {
    it(name, () => {
      const redactor = createLogRedactor();
      const out = redactor.redactLine(line);
      assert.ok(!out.includes(secret), `${secret} still in: ${out}`);
      assert.match(out, /\[REDACTED\]/);
      const report = redactor.report();
      assert.ok((report.byKind[kind] ?? 0) >= 1, `kind ${kind} not in ${JSON.stringify(report.byKind)}`);
      assert.ok(!JSON.stringify(report).includes(secret));
      assert.equal(report.fallback, false);
    });
  }

  it('keeps the rest of the line', () => {
    const redactor = createLogRedactor();
    assert.equal(
      redactor.redactLine('GET /api?access_token=abc123456&page=2 HTTP/1.1'),
      'GET /api?access_token=[REDACTED]&page=2 HTTP/1.1',
    );
    assert.equal(redactor.redactLine('Authorization: Bearer abc123456789'), 'Authorization: [REDACTED]');
  });

  it('leaves lines without secrets alone', () => {
    const redactor = createLogRedactor();
    const lines = [
      '2026/11/25 10:00:00 [error] 7#7: *1 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: shop.example.com, request: "GET /api/cart?page=2 HTTP/1.1", upstream: "http://10.0.0.7:8080/api/cart?page=2", host: "shop.example.com"',
      '[2026-11-25T10:00:00.000Z] "GET /health HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure} - "-" 0 91 1 - "-" "curl/8.0" "b1c2" "svc" "10.0.0.7:8080"',
      'Basic authentication failed for user alice',
      'Bearer token missing from request',
      'session: upstream keepalive closed',
      'i.withCredentials=!0,this.credentials=e',
    ];
    for (const line of lines) assert.equal(redactor.redactLine(line), line);
    assert.deepEqual(redactor.report(), { total: 0, byKind: {}, fallback: false });
  });

  it('counts across lines', () => {
    const redactor = createLogRedactor();
    redactor.redactLine('Cookie: a=1234567');
    redactor.redactLine('Cookie: b=7654321');
    redactor.redactLine('Authorization: Bearer 123456789abc');
    assert.deepEqual(redactor.report(), { total: 3, byKind: { 'header:authorization': 1, 'header:cookie': 2 }, fallback: false });
  });
});
