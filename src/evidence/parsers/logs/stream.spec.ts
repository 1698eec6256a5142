import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { LogParseError, parseLogStream, parseLogText, type LogParseResult } from './index.js';

async function* chunks(parts: Array<Buffer | string>): AsyncGenerator<Buffer | string> {
  for (const p of parts) yield p;
}

/** Cut a buffer into pieces of `size` bytes, so multi-byte characters and lines straddle chunks. */
function pieces(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

const refused = (n: number, upstream = '10.0.3.7:8080') =>
  `2024/05/06 07:08:${String(n % 60).padStart(2, '0')} [error] 31#31: *${n} connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.9, server: shop, request: "GET / HTTP/1.1", upstream: "http://${upstream}/", host: "shop"`;
const access = (status: number, second: number) =>
  `203.0.113.9 - - [06/May/2024:07:08:${String(second).padStart(2, '0')} +0000] "GET /cart?id=é HTTP/1.1" ${status} 512 "-" "curl/8.5.0"`;

describe('parseLogText / parseLogStream', () => {
  const mixed = [
    access(200, 1),
    '',
    access(502, 2),
    refused(2),
    'something no parser knows',
    '[2024-05-06T07:08:03.500Z] "GET /api HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.0.0.1" "curl" "id" "shop" "-" outbound|80||api - 10.0.0.2:80 10.0.0.1:1234 - default',
    'May  6 07:08:04 lb1 haproxy[9]: 203.0.113.9:51234 [06/May/2024:07:08:04.250] www~ be/app1 0/0/1/-1/30001 504 212 - - sH-- 1/1/1/1/0 0/0 "GET / HTTP/1.1"',
    access(200, 0),
  ].join('\n');

  it('summarises lines, formats, statuses, signals and the time span', () => {
    const r = parseLogText(mixed);
    const s = r.summary;
    assert.equal(s.lines, 8);
    assert.equal(s.blankLines, 1);
    assert.equal(s.unrecognizedLines, 1);
    assert.equal(s.recognizedLines, 6);
    assert.deepEqual(s.formats, { 'nginx-error': 1, 'combined-access': 3, 'envoy-access': 1, haproxy: 1 });
    assert.deepEqual(s.statusCounts, { '200': 2, '502': 1, '503': 1, '504': 1 });
    // The last line is the earliest: firstAt/lastAt are the span, not the first and last lines.
    assert.equal(s.firstAt, '2024-05-06T07:08:00.000Z');
    assert.equal(s.lastAt, '2024-05-06T07:08:04.250Z');
    assert.deepEqual(s.signals['nginx.connect_refused'], {
      category: 'UPSTREAM_DOWN',
      count: 1,
      firstSeenAt: '2024-05-06T07:08:02.000Z',
      lastSeenAt: '2024-05-06T07:08:02.000Z',
      upstreams: ['10.0.3.7:8080'],
    });
    assert.deepEqual(
      r.findings.map((f) => [f.location.line, f.signal]),
      [
        [3, 'http.status_502'],
        [4, 'nginx.connect_refused'],
        [6, 'envoy.flag.UH'],
        [7, 'haproxy.term.sH'],
      ],
    );
  });

  it('reads zoned and sub-second timestamps of successful lines across a day change', () => {
    const r = parseLogText(
      [
        '203.0.113.9 - - [31/Dec/2023:23:59:59 +0100] "GET / HTTP/1.1" 200 5 "-" "curl"',
        '203.0.113.9 - - [01/Jan/2024:00:00:01 +0100] "GET / HTTP/1.1" 200 5 "-" "curl"',
        '[2023-12-31T23:00:01.750Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 5 1 1 "-" "curl" "id" "a" "10.0.0.1:80" x - - - - -',
        '203.0.113.9 - - [31/Dec/2023:18:00:00 -0500] "GET / HTTP/1.1" 204 0 "-" "curl"',
      ].join('\n'),
    );
    assert.equal(r.summary.recognizedLines, 4);
    assert.deepEqual(r.findings, []);
    assert.equal(r.summary.firstAt, '2023-12-31T22:59:59.000Z');
    assert.equal(r.summary.lastAt, '2023-12-31T23:00:01.750Z');
  });

  it('gives the same result streamed in small Buffers as in one string', async () => {
    const expected = parseLogText(mixed);
    for (const size of [1, 7, 64, 4096]) {
      const streamed = await parseLogStream(chunks(pieces(Buffer.from(mixed, 'utf8'), size)));
      assert.deepEqual(streamed, expected, `chunk size ${size}`);
    }
    assert.deepEqual(await parseLogStream(chunks([mixed.slice(0, 100), mixed.slice(100)])), expected);
  });

  it('tolerates a UTF-8 BOM, CRLF line ends and a last line without newline', async () => {
    const text = `\uFEFF${access(200, 1)}\r\n${refused(2)}\r\n${access(504, 3)}`;
    for (const r of [parseLogText(text), await parseLogStream(chunks([Buffer.from(text, 'utf8')]))]) {
      assert.equal(r.summary.lines, 3);
      assert.equal(r.summary.recognizedLines, 3);
      assert.equal(r.summary.statusCounts['504'], 1);
      assert.ok(!r.findings.some((f) => f.excerpt.includes('\r')));
    }
  });

  it('keeps the first N findings of each signal but counts all of them', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => refused(i, `10.0.0.${i}:8080`)).join('\n');
    const capped = parseLogText(lines, { maxFindingsPerSignal: 5 });
    assert.deepEqual(
      capped.findings.filter((f) => f.signal === 'nginx.connect_refused').map((f) => f.location.line),
      [1, 2, 3, 4, 5],
    );
    const summary = capped.summary.signals['nginx.connect_refused']!;
    assert.equal(summary.count, 30);
    assert.equal(summary.upstreams.length, 10, 'at most 10 distinct upstreams per signal');
    assert.equal(parseLogText(lines).findings.length, 20, 'default cap is 20');
  });

  it('counts a line nobody understands and carries on', () => {
    const r = parseLogText(['#!/bin/sh', '\u0007 bell', refused(1)].join('\n'));
    assert.equal(r.summary.unrecognizedLines, 2);
    assert.equal(r.findings.length, 1);
  });

  it('caps very long lines and keeps excerpts within 500 characters', async () => {
    const long = `${refused(1)}, padding: "${'X'.repeat(300_000)}"`;
    const text = `${long}\n${access(502, 2)}\n`;
    const r = await parseLogStream(chunks(pieces(Buffer.from(text), 65_536)));
    assert.equal(r.summary.lines, 2);
    const f = r.findings.find((x) => x.signal === 'nginx.connect_refused');
    assert.ok(f && f.excerpt.length <= 500);
    assert.match(f.excerpt, /Connection refused/);
    // Cut the same way whether the line arrives whole, in pieces, or with multi-byte characters.
    assert.deepEqual(r, parseLogText(text));
    const wide = `${refused(1)}, padding: "${'é'.repeat(200_000)}"\r\n${access(200, 2)}`;
    assert.deepEqual(await parseLogStream(chunks(pieces(Buffer.from(wide), 4_099))), parseLogText(wide));
  });

  it('redacts credentials from excerpts', () => {
    const r = parseLogText(
      `${refused(1)}, headers: "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", request_uri: "/cb?access_token=abc123secret&x=1"`,
    );
    const excerpt = r.findings[0]!.excerpt;
    assert.doesNotMatch(excerpt, /eyJhbGci|abc123secret/);
    assert.match(excerpt, /Bearer \[REDACTED\]/);
  });

  it('decompresses gzip and decodes UTF-16 with a BOM', async () => {
    const gz = await parseLogStream(chunks(pieces(gzipSync(Buffer.from(mixed)), 100)));
    assert.deepEqual(gz, parseLogText(mixed));
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(mixed, 'utf16le')]);
    assert.deepEqual(await parseLogStream(chunks([utf16])), parseLogText(mixed));
  });

  it('reads a container runtime JSON log by the line it wraps', () => {
    const r = parseLogText(JSON.stringify({ log: `${refused(3)}\n`, stream: 'stderr', time: '2024-05-06T07:08:03.123456789Z' }));
    assert.equal(r.summary.formats['nginx-error'], 1);
    assert.equal(r.findings[0]?.signal, 'nginx.connect_refused');
  });

  it('reads the lines wrapped by log-store exports: Cloud Logging, CloudWatch Insights, journald', () => {
    const exports = [
      { textPayload: refused(3), severity: 'ERROR', timestamp: '2024-05-06T07:08:03.5Z', resource: { type: 'k8s_container' } },
      { jsonPayload: { message: refused(3), level: 'error' }, timestamp: '2024-05-06T07:08:03.5Z' },
      { '@timestamp': '2024-05-06 07:08:03.500', '@message': refused(3), '@logStream': 'nginx/error' },
      { MESSAGE: refused(3), SYSLOG_IDENTIFIER: 'nginx', __REALTIME_TIMESTAMP: '1714979283500000' },
    ];
    for (const record of exports) {
      const r = parseLogText(JSON.stringify(record));
      assert.equal(r.findings[0]?.signal, 'nginx.connect_refused', JSON.stringify(record).slice(0, 60));
      assert.equal(r.findings[0]?.category, 'UPSTREAM_DOWN');
    }
    const journald = parseLogText(JSON.stringify({ MESSAGE: 'Started nginx.service', __REALTIME_TIMESTAMP: '1714979283500000' }));
    assert.deepEqual(journald.findings, [], 'a record that is not evidence gives no cause');
  });

  it('reads W3C (IIS) lines by their #Fields header, including ARR 502.3 timeouts', () => {
    const text = [
      '#Software: Microsoft Internet Information Services 10.0',
      '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken',
      '2024-05-06 07:08:09 10.0.0.5 GET /api - 443 - 203.0.113.9 curl/8.5.0 502 3 12002 120013',
      '2024-05-06 07:08:10 10.0.0.5 GET / - 443 - 203.0.113.9 curl/8.5.0 200 0 0 15',
    ].join('\n');
    const r = parseLogText(text);
    assert.equal(r.summary.formats.w3c, 4);
    assert.equal(r.findings[0]?.signal, 'iis.arr_timeout');
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.000Z');
  });
});

describe('input that is not a log', () => {
  async function rejects(input: Buffer | string, message: RegExp): Promise<void> {
    await assert.rejects(parseLogStream(chunks([input])), (err: unknown) => {
      assert.ok(err instanceof LogParseError);
      assert.equal(err.name, 'LogParseError');
      assert.match(err.message, message);
      return true;
    });
  }

  it('rejects binary data, images and archives with a clear message', async () => {
    await rejects(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /PNG image/);
    await rejects(Buffer.from([0x50, 0x4b, 0x03, 0x04, 10, 0]), /ZIP archive/);
    await rejects(Buffer.concat([Buffer.from('abc\n'), Buffer.alloc(64, 0), Buffer.from('def\n')]), /NUL bytes/);
    assert.throws(() => parseLogText('abc\u0000\u0000def'), LogParseError);
  });

  it('rejects a HAR, even minified or behind a BOM, but not a JSON log line starting with "log"', async () => {
    await rejects('\uFEFF{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": "WebInspector"},\n    "entries": []\n  }\n}\n', /HAR/);
    assert.throws(() => parseLogText('{"log":{"version":"1.2","entries":[]}}'), LogParseError);
    assert.doesNotThrow(() => parseLogText('{"log":"GET / 200\\n","stream":"stdout"}'));
  });

  it('rejects a truncated gzip stream with LogParseError', async () => {
    const gz = gzipSync(Buffer.from(refused(1).repeat(200)));
    await rejects(gz.subarray(0, gz.length - 40), /gzip/);
  });

  it('returns an empty summary for an empty input', async () => {
    const r: LogParseResult = await parseLogStream(chunks([]));
    assert.equal(r.summary.lines, 0);
    assert.deepEqual(r.findings, []);
    assert.equal(r.summary.firstAt, null);
  });
});
