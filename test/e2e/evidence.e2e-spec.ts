import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { EvidenceService } from '../../src/evidence/evidence.service.js';
import { bearer, dataSource, getTestApp, http, keyFor } from '../support/app.js';
import { createIncident } from '../support/factories.js';
import { CORPUS_DIR } from '../support/shared.js';


const NGINX_REFUSED =
  '2026/11/25 10:00:01 [error] 123#0: *45 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: shop, request: "GET /cart HTTP/1.1", upstream: "http://10.0.3.7:8080/cart", host: "shop.example.com"';

async function upload(incidentId: string, kind: string, content: Buffer | string, filename: string, fields: Record<string, string> = {}) {
  let req = (await http()).post(`/v1/incidents/${incidentId}/evidence`).set(bearer(await keyFor('bot'))).field('kind', kind);
  for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
  return req.attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), filename);
}

async function viewer(pathname: string) {
  return (await http()).get(pathname).set(bearer(await keyFor('viewer')));
}

/** The stored bytes as text, whatever media type they carry. */
async function download(pathname: string) {
  return (await http())
    .get(pathname)
    .set(bearer(await keyFor('viewer')))
    .buffer(true)
    .parse((res, callback) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => callback(null, text));
    });
}

async function waitForParse(incidentId: string, evidenceId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await viewer(`/v1/incidents/${incidentId}/evidence/${evidenceId}`);
    if (res.body.parseStatus !== 'pending') return res.body;
    if (Date.now() > deadline) throw new Error(`evidence ${evidenceId} still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function harWith(entries: unknown[]): string {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } });
}

function entry(url: string, status: number, headers: Array<{ name: string; value: string }>, body = '', extra: Record<string, unknown> = {}) {
  return {
    startedDateTime: '2026-11-25T10:00:00.000Z',
    time: 120,
    request: { method: 'GET', url, httpVersion: 'HTTP/1.1', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status, statusText: '', httpVersion: 'HTTP/1.1', headers, cookies: [], content: { size: body.length, mimeType: 'text/html', text: body }, redirectURL: '', headersSize: -1, bodySize: body.length },
    cache: {},
    timings: { blocked: 1, dns: 1, connect: 10, ssl: 5, send: 1, wait: 100, receive: 2 },
    ...extra,
  };
}

describe('evidence and diagnosis', () => {
  it('uploads a gateway log, reads its findings, and ranks the cause with the line behind it', async () => {
    const incident = await createIncident();
    const res = await upload(incident.id, 'log', `${NGINX_REFUSED}\nsome line nobody understands\n`, 'error.log', { network: 'office', capturedAt: '2026-11-25T10:05:00Z' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.kind, 'log');
    assert.equal(res.body.filename, 'error.log');
    assert.equal(res.body.parseStatus, 'parsed');
    assert.match(res.body.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(res.body.capturedFrom, { network: 'office' });
    assert.equal(res.body.capturedAt, '2026-11-25T10:05:00.000Z');
    assert.equal(res.body.summary.unrecognizedLines, 1);
    assert.ok(res.body.findingCount >= 1);

    const findings = await viewer(`/v1/incidents/${incident.id}/evidence/${res.body.id}/findings`);
    assert.equal(findings.status, 200);
    const refused = findings.body.items.find((f: { category: string }) => f.category === 'UPSTREAM_DOWN');
    assert.ok(refused, JSON.stringify(findings.body.items));
    assert.match(refused.excerpt, /Connection refused/);
    assert.deepEqual(refused.location, { line: 1 });
    assert.equal(refused.upstream?.includes('10.0.3.7:8080'), true);

    const diagnosis = await viewer(`/v1/incidents/${incident.ref}/diagnosis`);
    assert.equal(diagnosis.status, 200);
    assert.equal(diagnosis.body.causes[0].category, 'UPSTREAM_DOWN');
    assert.match(diagnosis.body.causes[0].findings[0].excerpts[0], /Connection refused/);
    assert.ok(diagnosis.body.causes[0].findings[0].findingIds.includes(refused.id));
    const total = diagnosis.body.causes.reduce((sum: number, c: { score: number }) => sum + c.score, 0);
    assert.ok(Math.abs(total - 1) < 0.01);

    const next = await viewer(`/v1/incidents/${incident.id}/next-step`);
    assert.equal(next.body.topCauses[0].category, 'UPSTREAM_DOWN', 'the guidance shows the evidence-backed ranking');

    const timeline = await viewer(`/v1/incidents/${incident.id}/timeline`);
    assert.ok(timeline.body.items.some((e: { kind: string }) => e.kind === 'evidence.added'));
  });

  it('accepts JSON text evidence and lists, reads and downloads it', async () => {
    const incident = await createIncident();
    const res = await (await http())
      .post(`/v1/incidents/${incident.ref}/evidence`)
      .set(bearer(await keyFor('responder')))
      .send({ kind: 'command-output', filename: 'curl-v.txt', content: '< HTTP/1.1 502 Bad Gateway\n< Server: nginx\n', capturedFrom: { network: 'LTE', device: 'phone' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const list = await viewer(`/v1/incidents/${incident.id}/evidence`);
    assert.deepEqual(list.body.items.map((e: { id: string }) => e.id), [res.body.id]);
    const one = await viewer(`/v1/incidents/${incident.id}/evidence/${res.body.id}`);
    assert.equal(one.body.capturedFrom.device, 'phone');
    const content = await viewer(`/v1/incidents/${incident.id}/evidence/${res.body.id}/content`);
    assert.equal(content.status, 200);
    assert.equal(content.text, '< HTTP/1.1 502 Bad Gateway\n< Server: nginx\n');
    assert.equal(content.headers['x-content-sha256'], res.body.sha256);
    assert.equal(createHash('sha256').update(content.text).digest('hex'), res.body.sha256);
  });

  it("reads curl's verbose output pasted as command output and ranks what its error line says", async () => {
    const incident = await createIncident();
    const output = [
      '$ curl -sv https://shop.example.com/api/cart',
      '*   Trying 203.0.113.10:443...',
      '* Connected to shop.example.com (203.0.113.10) port 443',
      '> GET /api/cart HTTP/1.1',
      '> Host: shop.example.com',
      '* Empty reply from server',
      '* Closing connection',
      'curl: (52) Empty reply from server',
    ].join('\n');
    const res = await upload(incident.id, 'command-output', output, 'curl-v.txt', {});
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.parseStatus, 'parsed');
    assert.ok(res.body.summary.formats.curl >= 2, JSON.stringify(res.body.summary.formats));
    const diagnosis = await viewer(`/v1/incidents/${incident.ref}/diagnosis`);
    assert.equal(diagnosis.body.causes[0].category, 'UPSTREAM_RESET');
    assert.match(diagnosis.body.causes[0].findings[0].excerpts[0], /curl: \(52\) Empty reply from server/);
  });

  it('checks an nginx configuration for the settings behind 502s, and keeps other configs unread', async () => {
    const incident = await createIncident();
    const config = ['upstream app {', '  server 10.0.3.7:8080;', '  keepalive 16;', '}', 'server {', '  location / {', '    proxy_pass http://app;', '  }', '}'].join('\n');
    const res = await (await http())
      .post(`/v1/incidents/${incident.id}/evidence`)
      .set(bearer(await keyFor('responder')))
      .send({ kind: 'config', filename: 'nginx.conf', content: config });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.parseStatus, 'parsed');
    assert.deepEqual(res.body.summary.upstreams, ['app']);
    const findings = await viewer(`/v1/incidents/${incident.id}/evidence/${res.body.id}/findings`);
    assert.deepEqual(
      findings.body.items.map((f: { signal: string; location: { line: number } }) => [f.signal, f.location.line]),
      [['nginx_config.upstream_keepalive_not_used', 7]],
    );
    const yaml = await (await http())
      .post(`/v1/incidents/${incident.id}/evidence`)
      .set(bearer(await keyFor('responder')))
      .send({ kind: 'config', filename: 'values.yaml', content: 'replicas: 3\ntimeout: 30s\n' });
    assert.equal(yaml.body.parseStatus, 'parsed');
    assert.equal(yaml.body.findingCount, 0);
  });

  it('keeps one copy of the same bytes per incident', async () => {
    const incident = await createIncident();
    const first = await upload(incident.id, 'log', NGINX_REFUSED, 'a.log');
    const again = await upload(incident.id, 'log', NGINX_REFUSED, 'b.log');
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.id, first.body.id);
    const list = await viewer(`/v1/incidents/${incident.id}/evidence`);
    assert.equal(list.body.items.length, 1);
    const other = await createIncident();
    const elsewhere = await upload(other.id, 'log', NGINX_REFUSED, 'a.log');
    assert.equal(elsewhere.status, 201, 'another incident keeps its own copy');
  });

  it('redacts secrets before storage: they are nowhere in the database afterwards', async () => {
    const incident = await createIncident();
    const secrets = {
      cookie: 'sess-c00kie-5ecret-value',
      bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA',
      token: 'tok-query-5ecret-991',
      apiKey: 'ak-header-5ecret-773',
      logBearer: 'log-bearer-5ecret-xyz123',
    };
    const har = harWith([
      entry(`https://shop.example.com/api/cart?access_token=${secrets.token}&page=2`, 502, [
        { name: 'Server', value: 'cloudflare' },
        { name: 'Set-Cookie', value: `session=${secrets.cookie}; Path=/; HttpOnly` },
      ], '<html><title>502 Bad Gateway</title></html>', {
        request: {
          method: 'GET',
          url: `https://shop.example.com/api/cart?access_token=${secrets.token}&page=2`,
          httpVersion: 'HTTP/1.1',
          headers: [
            { name: 'Cookie', value: `session=${secrets.cookie}` },
            { name: 'Authorization', value: `Bearer ${secrets.bearer}` },
            { name: 'X-Api-Key', value: secrets.apiKey },
          ],
          queryString: [{ name: 'access_token', value: secrets.token }, { name: 'page', value: '2' }],
          cookies: [{ name: 'session', value: secrets.cookie }],
          headersSize: -1,
          bodySize: 0,
        },
      }),
    ]);
    const harRes = await upload(incident.id, 'har', har, 'checkout.har');
    assert.equal(harRes.status, 201, JSON.stringify(harRes.body));
    assert.ok(harRes.body.summary.redaction.total >= 5, JSON.stringify(harRes.body.summary.redaction));
    const logRes = await upload(incident.id, 'log', `${NGINX_REFUSED}\nGET /x HTTP/1.1 Authorization: Bearer ${secrets.logBearer}\n`, 'app.log');
    assert.equal(logRes.status, 201);
    assert.ok(logRes.body.summary.redaction.total >= 1);

    const db = await dataSource();
    const tables: Array<{ table_name: string }> = await db.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'evidence_blobs'",
    );
    for (const secret of Object.values(secrets)) {
      for (const { table_name } of tables) {
        const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM "${table_name}" t WHERE t::text LIKE $1`, [`%${secret}%`]);
        assert.equal(count, 0, `${secret} found in ${table_name}`);
      }
      const [{ count }] = await db.query("SELECT count(*)::int AS count FROM evidence_blobs WHERE position(convert_to($1, 'UTF8') in data) > 0", [secret]);
      assert.equal(count, 0, `${secret} found in evidence_blobs`);
    }
    const content = await download(`/v1/incidents/${incident.id}/evidence/${harRes.body.id}/content`);
    assert.ok(content.body.includes('[REDACTED]'));
    assert.ok(content.body.includes('"page"'), 'the rest of the HAR survives');
  });

  it('keeps a file that is not what it claims, marked failed with a clear error', async () => {
    const incident = await createIncident();
    const res = await upload(incident.id, 'har', 'this is not json at all', 'broken.har');
    assert.equal(res.status, 201);
    assert.equal(res.body.parseStatus, 'failed');
    assert.match(res.body.parseError, /HAR/);
    const content = await download(`/v1/incidents/${incident.id}/evidence/${res.body.id}/content`);
    assert.equal(content.body, 'this is not json at all');

    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4470000000049454e44ae426082', 'hex');
    const shot = await (await http()).post(`/v1/incidents/${incident.id}/evidence`).set(bearer(await keyFor('bot'))).send({ kind: 'screenshot', content: png.toString('base64'), encoding: 'base64' });
    assert.equal(shot.status, 201);
    assert.equal(shot.body.parseStatus, 'parsed');
    assert.equal(shot.body.mediaType, 'image/png');
    const fake = await upload(incident.id, 'screenshot', 'GIF? no', 'x.png');
    assert.equal(fake.body.parseStatus, 'failed');
    const binaryLog = await upload(incident.id, 'log', Buffer.from([0, 1, 2, 0, 0, 9, 0]), 'weird.log');
    assert.equal(binaryLog.status, 201);
    assert.equal(binaryLog.body.parseStatus, 'failed');
  });

  it('refuses an upload over the limit with 413 and leaves nothing behind', async () => {
    const incident = await createIncident();
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');
    const res = await upload(incident.id, 'log', big, 'huge.log');
    assert.equal(res.status, 413);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    const db = await dataSource();
    const [{ count }] = await db.query('SELECT count(*)::int AS count FROM evidence WHERE incident_id = $1', [incident.id]);
    assert.equal(count, 0);
    const [{ blobs }] = await db.query('SELECT count(*)::int AS blobs FROM evidence_blobs b LEFT JOIN evidence e ON e.id = b.evidence_id WHERE e.id IS NULL');
    assert.equal(blobs, 0);
  });

  it('validates the upload: unknown kind, missing file, malformed ids', async () => {
    const incident = await createIncident();
    const kind = await upload(incident.id, 'video', 'x', 'x.mp4');
    assert.equal(kind.status, 400);
    assert.equal(kind.body.errors[0].field, 'kind');
    const json = await (await http()).post(`/v1/incidents/${incident.id}/evidence`).set(bearer(await keyFor('bot'))).send({ kind: 'log' });
    assert.equal(json.status, 400);
    assert.ok(json.body.errors.some((e: { field: string }) => e.field === 'content'));
    const badId = await viewer(`/v1/incidents/${incident.id}/evidence/not-a-uuid`);
    assert.equal(badId.status, 400);
    const unknown = await viewer(`/v1/incidents/${incident.id}/evidence/00000000-0000-4000-8000-000000000000`);
    assert.equal(unknown.status, 404);
  });

  it('parses a large file in the background: pending at once, parsed by the job', async () => {
    const incident = await createIncident();
    const lines: string[] = [];
    for (let i = 0; i < 12_000; i++) lines.push(`10.0.0.${i % 250} - - [25/Nov/2026:10:00:${String(i % 60).padStart(2, '0')} +0000] "GET /item/${i} HTTP/1.1" 200 512 "-" "curl/8"`);
    lines.push(NGINX_REFUSED);
    const res = await upload(incident.id, 'log', lines.join('\n'), 'access-and-error.log');
    assert.equal(res.status, 201);
    assert.equal(res.body.parseStatus, 'pending');
    const parsed = await waitForParse(incident.id, res.body.id);
    assert.equal(parsed.parseStatus, 'parsed');
    assert.ok(parsed.findingCount >= 1);
    const timeline = await viewer(`/v1/incidents/${incident.id}/timeline`);
    assert.ok(timeline.body.items.some((e: { kind: string }) => e.kind === 'evidence.parsed'));

    // A retried job replaces the findings instead of adding a second set.
    const service = (await getTestApp()).get(EvidenceService);
    await service.parseStored(res.body.id);
    const findings = await viewer(`/v1/incidents/${incident.id}/evidence/${res.body.id}/findings`);
    assert.equal(findings.body.items.length, parsed.findingCount);
  });

  it('counts every occurrence of a signal in the diagnosis, though only the first findings are kept', async () => {
    const incident = await createIncident();
    const refused = (n: number) => NGINX_REFUSED.replace('*45', `*${n}`).replace('10:00:01', `10:00:${String(n % 60).padStart(2, '0')}`);
    const content = Array.from({ length: 150 }, (_, i) => refused(i + 1)).join('\n');
    const res = await (await http()).post(`/v1/incidents/${incident.id}/evidence`).set(bearer(await keyFor('bot'))).send({ kind: 'log', filename: 'error.log', content });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const parsed = await waitForParse(incident.id, res.body.id);
    assert.equal(parsed.summary.signals['nginx.connect_refused'].count, 150);
    const kept = await viewer(`/v1/incidents/${incident.id}/evidence/${res.body.id}/findings?limit=200`);
    assert.ok(kept.body.items.length < 150, 'the parser keeps only the first findings of a signal');

    const diagnosis = await viewer(`/v1/incidents/${incident.id}/diagnosis`);
    const support = diagnosis.body.causes[0].findings.find((f: { signal: string }) => f.signal === 'nginx.connect_refused');
    assert.equal(diagnosis.body.causes[0].category, 'UPSTREAM_DOWN');
    assert.equal(support.count, 150);
    assert.equal(support.factor, 100, 'seen 100 times or more, the signal counts as much as one signal can');

    const analyzed = await (await http()).post('/v1/analyze').set(bearer(await keyFor('viewer'))).send({ kind: 'log', content });
    const analyzedSupport = analyzed.body.causes[0].findings.find((f: { signal: string }) => f.signal === 'nginx.connect_refused');
    assert.equal(analyzedSupport.count, 150, 'pasted text is counted the same way');
  });

  it('analyzes pasted text without storing anything', async () => {
    const db = await dataSource();
    const [{ before }] = await db.query('SELECT count(*)::int AS before FROM evidence');
    const res = await (await http()).post('/v1/analyze').set(bearer(await keyFor('viewer'))).send({ kind: 'log', content: NGINX_REFUSED });
    assert.equal(res.status, 200);
    assert.equal(res.body.findings[0].category, 'UPSTREAM_DOWN');
    assert.equal(res.body.causes[0].category, 'UPSTREAM_DOWN');
    const har = await (await http())
      .post('/v1/analyze')
      .set(bearer(await keyFor('bot')))
      .send({ kind: 'har', content: harWith([entry('https://x.example.com/', 0, [], '', { _error: 'net::ERR_NAME_NOT_RESOLVED' })]) });
    assert.equal(har.status, 200);
    assert.equal(har.body.findings[0].category, 'DNS');
    const dns = har.body.causes.find((c: { category: string }) => c.category === 'DNS');
    assert.ok(dns.score > dns.prior, 'a DNS failure in the HAR raises DNS above its prior');
    assert.match(dns.findings[0].excerpts[0], /ERR_NAME_NOT_RESOLVED/);
    const [{ after }] = await db.query('SELECT count(*)::int AS after FROM evidence');
    assert.equal(after, before);
    const bad = await (await http()).post('/v1/analyze').set(bearer(await keyFor('bot'))).send({ kind: 'pdf', content: 'x' });
    assert.equal(bad.status, 400);
    // curl output and a gateway configuration are read as they are when stored.
    const curlOutput = await (await http())
      .post('/v1/analyze')
      .set(bearer(await keyFor('bot')))
      .send({ kind: 'command-output', content: '> GET /v1 HTTP/1.1\n< HTTP/1.1 503 Service Unavailable\n< server: envoy\n<\nno healthy upstream\n' });
    assert.equal(curlOutput.status, 200);
    assert.equal(curlOutput.body.findings[0].signal, 'curl.envoy.no_healthy_upstream');
    const config = await (await http())
      .post('/v1/analyze')
      .set(bearer(await keyFor('bot')))
      .send({ kind: 'config', content: 'server {\n  location / { proxy_pass http://$backend; }\n}\n' });
    assert.equal(config.status, 200);
    assert.equal(config.body.findings[0].signal, 'nginx_config.variable_proxy_pass_without_resolver');
  });

  it('takes every HAR file of the corpus: each is parsed or failed cleanly, never an error', async () => {
    const incident = await createIncident();
    const dir = path.join(CORPUS_DIR, 'har');
    const files = readdirSync(dir).filter((f) => f.endsWith('.har'));
    assert.ok(files.length >= 30);
    const pending: Array<{ id: string; file: string }> = [];
    for (const file of files) {
      const res = await upload(incident.id, 'har', readFileSync(path.join(dir, file)), file);
      assert.ok([200, 201].includes(res.status), `${file}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      if (res.body.parseStatus === 'pending') pending.push({ id: res.body.id, file });
      else assert.ok(['parsed', 'failed'].includes(res.body.parseStatus), file);
      if (res.body.parseStatus === 'failed') assert.ok(res.body.parseError, `${file} has a parse error message`);
    }
    for (const { id, file } of pending) {
      const done = await waitForParse(incident.id, id, 60_000);
      assert.ok(['parsed', 'failed'].includes(done.parseStatus), file);
    }
  });
});
