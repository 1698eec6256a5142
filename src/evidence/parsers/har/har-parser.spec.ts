import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../finding.js';
import { HarParseError } from './har-parse-error.js';
import { parseHarStream, parseHarText } from './har-parser.js';
import type { HarParseResult } from './har-types.js';

interface EntrySpec {
  status: number;
  statusText?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: string;
  error?: unknown;
  timings?: Record<string, number>;
  started?: string;
}

function entry(spec: EntrySpec): Record<string, unknown> {
  return {
    startedDateTime: spec.started ?? '2026-11-25T10:00:00.000Z',
    time: 50,
    request: { method: 'GET', url: spec.url ?? 'https://shop.example.com/api/cart', httpVersion: 'HTTP/1.1', headers: [], cookies: [], queryString: [], headersSize: -1, bodySize: 0 },
    response: {
      status: spec.status,
      statusText: spec.statusText ?? '',
      httpVersion: 'HTTP/1.1',
      headers: Object.entries(spec.headers ?? {}).map(([name, value]) => ({ name, value })),
      cookies: [],
      content: { size: spec.body?.length ?? 0, mimeType: 'text/html', ...(spec.body === undefined ? {} : { text: spec.body }) },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      ...(spec.error === undefined ? {} : { _error: spec.error }),
    },
    cache: {},
    timings: spec.timings ?? { blocked: 1, dns: -1, connect: -1, ssl: -1, send: 1, wait: 30, receive: 2 },
    serverIPAddress: '203.0.113.10',
  };
}

function har(entries: Record<string, unknown>[], log: Record<string, unknown> = {}): string {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [], ...log, entries } }, null, 2);
}

function signalsOf(result: HarParseResult): string[] {
  return result.findings.map((finding) => finding.signal);
}

function findingFor(result: HarParseResult, signal: string): Finding {
  const found = result.findings.find((finding) => finding.signal === signal);
  assert.ok(found, `no finding ${signal}; got ${signalsOf(result).join(', ')}`);
  return found;
}

async function* chunked(text: string | Buffer, size: number): AsyncGenerator<Buffer> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('parseHarText: Cloudflare 52x', () => {
  const expected: [number, string[]][] = [
    [520, ['UPSTREAM_RESET']],
    [521, ['UPSTREAM_DOWN']],
    [522, ['NETWORK', 'UPSTREAM_TIMEOUT']],
    [523, ['NETWORK', 'DNS']],
    [524, ['UPSTREAM_TIMEOUT']],
    [525, ['TLS']],
    [526, ['TLS']],
    [527, ['NETWORK']],
  ];
  for (const [status, categories] of expected) {
    it(`maps ${status} to ${categories.join(' + ')}`, () => {
      const result = parseHarText(har([entry({ status, headers: { server: 'cloudflare', 'cf-ray': '7d1a2b3c4d5e6f70-AMS' } })]));
      assert.deepEqual(
        result.findings.map((finding) => finding.category),
        categories,
      );
      assert.equal(result.findings[0]!.signal, `har.cloudflare.${status}`);
      assert.ok(result.findings.every((finding) => finding.weight > 1));
      assert.equal(result.summary.failingEntries[0]!.hop, 'cloudflare');
      assert.deepEqual(result.summary.hops, { cloudflare: 1 });
    });
  }

  it('reads Origin DNS error 1016 behind a 530 as DNS', () => {
    const result = parseHarText(har([entry({ status: 530, headers: { 'cf-ray': 'x' }, body: '<div id="cf-error-details">Error 1016 Origin DNS error cloudflare</div>' })]));
    assert.equal(findingFor(result, 'har.cloudflare.530.1016').category, 'DNS');
  });
});

describe('parseHarText: gateway pages and wording', () => {
  const cases: [string, EntrySpec, string, string][] = [
    [
      'Envoy connection failure',
      { status: 503, headers: { server: 'envoy' }, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure' },
      'har.envoy.reset.connection_failure',
      'UPSTREAM_DOWN',
    ],
    [
      'Envoy connection termination',
      { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination' },
      'har.envoy.reset.connection_termination',
      'UPSTREAM_RESET',
    ],
    ['Envoy overflow', { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow' }, 'har.envoy.reset.overflow', 'CAPACITY'],
    [
      'Envoy TLS transport failure',
      {
        status: 503,
        body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: 268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER',
      },
      'har.envoy.reset.tls',
      'TLS',
    ],
    ['Envoy no healthy upstream', { status: 503, body: 'no healthy upstream' }, 'har.envoy.no_healthy_upstream', 'UPSTREAM_DOWN'],
    ['Envoy route timeout', { status: 504, headers: { server: 'envoy' }, body: 'upstream request timeout' }, 'har.envoy.upstream_request_timeout', 'UPSTREAM_TIMEOUT'],
    [
      'a page echoing nginx connect() failed',
      {
        status: 502,
        body: '<pre>connect() failed (111: Connection refused) while connecting to upstream, upstream: "http://10.0.0.7:8080/"</pre><hr><center>nginx</center>',
      },
      'har.body.connect_refused',
      'UPSTREAM_DOWN',
    ],
    ['nginx 504 page', { status: 504, headers: { server: 'nginx' }, body: '<hr><center>nginx</center>' }, 'har.nginx.504', 'UPSTREAM_TIMEOUT'],
    ['ALB 502', { status: 502, headers: { server: 'awselb/2.0' }, body: '<hr><center>awselb/2.0</center>' }, 'har.aws-alb.502', 'UPSTREAM_RESET'],
    ['ALB 503', { status: 503, headers: { server: 'awselb/2.0' }, body: '<hr><center>awselb/2.0</center>' }, 'har.aws-alb.503', 'UPSTREAM_DOWN'],
    ['ALB 504', { status: 504, headers: { server: 'awselb/2.0' }, body: '<hr><center>awselb/2.0</center>' }, 'har.aws-alb.504', 'UPSTREAM_TIMEOUT'],
    ['HAProxy 504', { status: 504, body: "<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>" }, 'har.haproxy.server_timeout', 'UPSTREAM_TIMEOUT'],
    ['Cloudflare unbranded 502', { status: 502, headers: { server: 'cloudflare', 'cf-ray': 'x-AMS' } }, 'har.cloudflare.502', 'CDN_EDGE'],
    ['Classic ELB at capacity', { status: 503, statusText: 'Service Unavailable: Back-end server is at capacity' }, 'har.elb.backend_at_capacity', 'CAPACITY'],
  ];
  for (const [name, spec, signal, category] of cases) {
    it(name, () => {
      const result = parseHarText(har([entry(spec)]));
      assert.equal(findingFor(result, signal).category, category);
    });
  }

  it('gives no cause finding for ordinary 2xx, 3xx and 4xx entries', () => {
    const result = parseHarText(
      har([
        entry({ status: 200, headers: { server: 'nginx' } }),
        entry({ status: 301, headers: { location: '/x' } }),
        entry({ status: 404, headers: { server: 'nginx' }, body: '<hr><center>nginx</center>' }),
        entry({ status: 429 }),
      ]),
    );
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.summary.failingEntries, []);
    assert.deepEqual(result.summary.statusCounts, { '200': 1, '301': 1, '404': 1, '429': 1 });
  });

  it('reads a wait close to a gateway timeout on a 504 as an upstream timeout, and not a quick 502', () => {
    const slow = entry({ status: 504, timings: { blocked: 0, dns: -1, connect: -1, ssl: -1, send: 0, wait: 60012, receive: 1 } });
    const quick = entry({ status: 502, timings: { blocked: 0, dns: -1, connect: -1, ssl: -1, send: 0, wait: 1200, receive: 1 } });
    const result = parseHarText(har([slow, quick]));
    const timing = result.findings.filter((finding) => finding.signal === 'har.timing.wait_at_gateway_timeout');
    assert.equal(timing.length, 1);
    assert.equal(timing[0]!.category, 'UPSTREAM_TIMEOUT');
    assert.equal(timing[0]!.location.entry, 0);
  });
});

describe('parseHarText: status 0 and _error', () => {
  const cases: [string, string | null][] = [
    ['net::ERR_NAME_NOT_RESOLVED', 'DNS'],
    ['net::ERR_CONNECTION_REFUSED', 'UPSTREAM_DOWN'],
    ['net::ERR_CONNECTION_RESET', 'UPSTREAM_RESET'],
    ['net::ERR_EMPTY_RESPONSE', 'UPSTREAM_RESET'],
    ['net::ERR_CONNECTION_TIMED_OUT', 'NETWORK'],
    ['net::ERR_SSL_PROTOCOL_ERROR', 'TLS'],
    ['net::ERR_CERT_DATE_INVALID', 'TLS'],
    ['net::ERR_HTTP2_PROTOCOL_ERROR', 'UPSTREAM_RESET'],
    ['net::ERR_INTERNET_DISCONNECTED', null],
    ['net::ERR_BLOCKED_BY_CLIENT', null],
    ['net::ERR_ABORTED', null],
  ];
  for (const [error, category] of cases) {
    it(`${error} → ${category ?? 'no cause finding (client side)'}`, () => {
      const result = parseHarText(har([entry({ status: 0, error, timings: { send: 0, wait: 0, receive: 0 } })]));
      assert.equal(result.findings[0]?.category ?? null, category);
      assert.deepEqual(result.summary.errorCounts, { [error]: 1 });
      assert.equal(result.summary.failingEntries[0]!.hop, 'browser');
      assert.equal(result.summary.failingEntries[0]!.error, error);
    });
  }

  it('reads an _error object (capture-har) and free text (mitmproxy)', () => {
    const result = parseHarText(
      har([
        entry({ status: 302, error: { message: 'Max redirects exceeded', code: 'MAXREDIRECTS' } }),
        entry({ status: 0, error: "Multiple exceptions: [Errno 111] Connect call failed ('10.1.2.3', 8080)" }),
      ]),
    );
    assert.equal(findingFor(result, 'har.error.redirect_loop').category, 'GATEWAY_CONFIG');
    const refused = findingFor(result, 'har.error.connection_refused');
    assert.equal(refused.category, 'UPSTREAM_DOWN');
    assert.equal(refused.upstream, '10.1.2.3:8080');
    assert.equal(result.summary.errorCounts['MAXREDIRECTS: Max redirects exceeded'], 1);
  });

  it('keeps error counts bounded and safe whatever the _error text', () => {
    const entries = [entry({ status: 0, error: '__proto__' })];
    for (let i = 0; i < 205; i++) entries.push(entry({ status: 0, error: `connect to 10.0.${i}.1:80 failed: Connection refused` }));
    const { summary } = parseHarText(har(entries));
    assert.equal(Object.keys(summary.errorCounts).length, 201);
    assert.equal(summary.errorCounts['(other errors)'], 6);
    assert.ok(Object.hasOwn(summary.errorCounts, '__proto__'));
    assert.equal(Object.getPrototypeOf(summary.errorCounts), Object.prototype);
  });

  it('caps findings per signal but counts them all', () => {
    const entries = Array.from({ length: 30 }, () => entry({ status: 0, error: 'net::ERR_NAME_NOT_RESOLVED' }));
    const result = parseHarText(har(entries), { maxFailingEntries: 5 });
    assert.equal(result.findings.length, 20);
    assert.equal(result.summary.signalCounts['har.net.ERR_NAME_NOT_RESOLVED'], 30);
    assert.equal(result.summary.findingsDropped, 10);
    assert.equal(result.summary.errorCounts['net::ERR_NAME_NOT_RESOLVED'], 30);
    assert.equal(result.summary.failingEntries.length, 5);
    assert.equal(result.summary.failingEntriesTotal, 30);
    const fewer = parseHarText(har(entries), { maxFindingsPerSignal: 3 });
    assert.equal(fewer.findings.length, 3);
  });
});

describe('parseHarText: summary', () => {
  it('records failing entries with UTC times, redacted URLs, hop and timings', () => {
    const result = parseHarText(
      har([
        entry({
          status: 502,
          statusText: 'Bad Gateway',
          url: 'https://shop.example.com/pay?order=42&access_token=s3cr3tT0ken&sig=abcdef123',
          headers: { server: 'awselb/2.0' },
          body: '<hr><center>awselb/2.0</center>',
          started: '2010-06-06T09:40:21.181+02:00',
          timings: { blocked: 2, dns: 10, connect: 150, ssl: 100, send: 1, wait: 12, receive: 3 },
        }),
      ]),
    );
    const failing = result.summary.failingEntries[0]!;
    assert.equal(failing.startedDateTime, '2010-06-06T07:40:21.181Z');
    assert.equal(failing.url, 'https://shop.example.com/pay?order=42&access_token=[REDACTED]&sig=[REDACTED]');
    assert.equal(failing.hop, 'aws-alb');
    assert.equal(failing.serverIp, '203.0.113.10');
    assert.deepEqual(failing.timings, { blocked: 2, dns: 10, connect: 50, ssl: 100, send: 1, wait: 12, receive: 3 });
    assert.equal(failing.slowestPhase, 'ssl');
    const finding = result.findings[0]!;
    assert.equal(finding.observedAt, '2010-06-06T07:40:21.181Z');
    assert.deepEqual(finding.location, { entry: 0 });
    assert.ok(!JSON.stringify(result).includes('s3cr3tT0ken'));
    assert.ok(finding.excerpt.length <= 500);
    assert.match(finding.excerpt, /502 Bad Gateway; hop aws-alb/);
  });

  it('totals timings per phase, skipping -1 and separating ssl from connect', () => {
    const result = parseHarText(
      har([
        entry({ status: 200, timings: { blocked: 5, dns: 20, connect: 300, ssl: 200, send: 1, wait: 100, receive: 10 } }),
        entry({ status: 200, timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 2, wait: 400, receive: 5 } }),
      ]),
    );
    assert.deepEqual(result.summary.timingTotals, { blocked: 5, dns: 20, connect: 100, ssl: 200, send: 3, wait: 500, receive: 15 });
    assert.equal(result.summary.slowestPhase, 'wait');
  });

  it('keeps version, creator, browser and pages with query-redacted titles', () => {
    const text = har([entry({ status: 200 })], {
      version: '1.1',
      browser: { name: 'Firefox', version: '47.0' },
      pages: [{ id: 'page_1', title: 'https://shop.example.com/?token=abcdef12345', startedDateTime: '2016-06-15T23:38:04.000+02:00' }],
    });
    const { summary } = parseHarText(text);
    assert.equal(summary.version, '1.1');
    assert.deepEqual(summary.creator, { name: 'WebInspector', version: '537.36' });
    assert.deepEqual(summary.browser, { name: 'Firefox', version: '47.0' });
    assert.deepEqual(summary.pages, [{ id: 'page_1', title: 'https://shop.example.com/?token=[REDACTED]', startedDateTime: '2016-06-15T21:38:04.000Z' }]);
    assert.equal(summary.entries, 1);
  });
});

describe('parseHarStream', () => {
  const mixed = har([
    entry({ status: 200, body: 'caf\u00e9 \u2603 \ud83d\ude80'.repeat(50) }),
    entry({ status: 522, headers: { 'cf-ray': 'x-AMS' }, body: 'Ça ne marche pas \u2603' }),
    entry({ status: 0, error: 'net::ERR_CONNECTION_REFUSED' }),
    entry({ status: 504, headers: { server: 'nginx' }, timings: { send: 0, wait: 30100, receive: 0 } }),
  ]);

  it('gives the same result as parseHarText for 1-byte, 7-byte and 64 KB chunks', async () => {
    const whole = parseHarText(mixed);
    assert.ok(whole.findings.length >= 5);
    for (const size of [1, 7, 65536]) assert.deepEqual(await parseHarStream(chunked(mixed, size)), whole, `chunk size ${size}`);
  });

  it('reads a BOM and a JSONP wrapper', async () => {
    const plain = parseHarText(mixed);
    const bom = await parseHarStream(chunked(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(mixed)]), 2));
    assert.equal(bom.summary.bom, true);
    assert.deepEqual(bom.findings, plain.findings);
    const jsonp = await parseHarStream(chunked(`onInputData(${mixed});`, 3));
    assert.equal(jsonp.summary.jsonp, true);
    assert.deepEqual(jsonp.findings, plain.findings);
  });

  it('throws HarParseError on a truncated file, with the findings of the entries read before it', async () => {
    const cut = mixed.slice(0, mixed.indexOf('"status": 504'));
    await assert.rejects(parseHarStream(chunked(cut, 100)), (error: unknown) => {
      assert.ok(error instanceof HarParseError);
      assert.equal(error.reason, 'truncated');
      assert.equal(error.offset, Buffer.byteLength(cut));
      assert.match(error.message, /inside log\.entries\[3\]/);
      const partial = error.partial as HarParseResult | null;
      assert.ok(partial);
      assert.ok(partial.findings.some((finding) => finding.signal === 'har.cloudflare.522'));
      assert.ok(partial.findings.some((finding) => finding.signal === 'har.net.ERR_CONNECTION_REFUSED'));
      return true;
    });
  });

  it('throws HarParseError at the byte where an entry stops being JSON', async () => {
    const text = '{"log":{"entries":[{"response":{"status":200}},{"response":{"status":200,,}}]}}';
    await assert.rejects(parseHarStream(chunked(text, 4)), (error: unknown) => {
      assert.ok(error instanceof HarParseError);
      assert.equal(error.reason, 'not-json');
      assert.equal(error.offset, text.indexOf(',,') + 1);
      assert.match(error.message, /log\.entries\[1\]/);
      return true;
    });
  });

  it('counts entries above the size cap and reads only their status', async () => {
    const text = har([entry({ status: 200 }), entry({ status: 502, body: 'x'.repeat(20000) }), entry({ status: 0, error: 'net::ERR_NAME_NOT_RESOLVED' })]);
    const result = await parseHarStream(chunked(text, 1000), { maxEntryBytes: 10000 });
    assert.equal(result.summary.entries, 3);
    assert.equal(result.summary.oversizedEntries, 1);
    assert.deepEqual(result.summary.statusCounts, { '0': 1, '200': 1, '502': 1 });
    assert.equal(result.summary.failingEntriesTotal, 1);
    assert.deepEqual(signalsOf(result), ['har.net.ERR_NAME_NOT_RESOLVED']);
  });
});
