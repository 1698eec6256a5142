import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_DIR, corpusLogLines } from '../../../../test/support/shared.js';
import { FastLine, NextByte, readFastLine } from './fast-path.js';
import { parseLogStream, parseLogText } from './index.js';


/** Access lines in the shapes the fast path reads, with the variations it has to get right. */
function variedLines(): string[] {
  const lines: string[] = [];
  const statuses = [0, 200, 204, 301, 404, 499, 500, 502, 503, 504];
  const clfTimes = ['06/May/2024:07:08:09 +0000', '31/Dec/2023:23:59:59 +0100', '01/jan/2024:00:00:01 -0530', '29/Feb/2023:10:00:00 +0000', '06/May/2024:07:08:09'];
  const isoTimes = ['2024-05-06T07:08:09.123Z', '2024-05-06T07:08:09Z', '2024-05-06T07:08:09.123456+02:00', '2024-13-06T07:08:09.123Z'];
  const haproxyTimes = ['06/May/2024:07:08:09.250', '06/May/2024:25:08:09.250'];
  const requests = ['GET / HTTP/1.1', 'GET /cart?id=é&q=日本 HTTP/1.1', 'POST /api/v1/orders HTTP/2.0', '-'];
  for (const status of statuses) {
    for (const t of clfTimes) {
      for (const req of requests) {
        lines.push(`203.0.113.9 - - [${t}] "${req}" ${status} 512 "-" "curl/8.5.0"`);
        lines.push(`203.0.113.9 - - [${t}] "${req}" ${status} 512 "https://shop/ü" "Mozilla/5.0 (X11)" "-"`);
        // ingress-nginx: upstream fields after the user agent, and its default backend.
        lines.push(
          `10.0.0.1 - - [${t}] "${req}" ${status} 512 "-" "curl/8.5.0" 310 0.004 [shop-web-80] [] 10.1.2.3:8080 512 0.004 ${status} 4f1d`,
        );
        lines.push(`10.0.0.1 - - [${t}] "${req}" ${status} 512 "-" "curl/8.5.0" 310 0.001 [upstream-default-backend] [] 127.0.0.1:8181 0 0.001 ${status} 4f1d`);
        // Traefik's common log format ends with the router, the server and the duration.
        lines.push(`10.0.0.1 - - [${t}] "${req}" ${status} 512 "-" "curl/8.5.0" 42 "web@docker" "http://10.1.2.3:8080" 12ms`);
      }
    }
    for (const t of isoTimes) {
      for (const [flags, details] of [
        ['-', 'via_upstream'],
        ['UF,URX', 'upstream_reset_before_response_started{connection_failure}'],
        ['UH', 'no_healthy_upstream'],
        ['DC', 'downstream_remote_disconnect'],
        ['-', 'upstream_reset_after_response_started{remote_reset}'],
        ['-', 'route_not_found'],
        ['-', 'downstream_remote_disconnect'],
      ]) {
        lines.push(`[${t}] "GET /api HTTP/1.1" ${status} ${flags} ${details} - "-" 0 19 3 2 "10.0.0.1" "curl" "id" "shop" "10.1.2.3:8080" outbound|80||api - 10.0.0.2:80 10.0.0.1:1234 - default`);
        lines.push(`[${t}] "GET /api HTTP/1.1" ${status} ${flags} 0 19 3 2 "-" "curl" "id" "shop" "10.1.2.3:8080"`);
      }
    }
    for (const t of haproxyTimes) {
      for (const term of ['----', 'SH--', 'sH--', 'CD--', 'cD--', 'SC--']) {
        for (const prefix of ['May  6 07:08:09 lb1 haproxy[9]: ', '<134>May  6 07:08:09 lb1 haproxy[9]: ', '']) {
          lines.push(`${prefix}203.0.113.9:51234 [${t}] www~ be/app1 0/0/1/12/13 ${status} 212 - - ${term} 1/1/1/1/0 0/0 "GET / HTTP/1.1"`);
          lines.push(`${prefix}203.0.113.9:51234 [${t}] www~ be/app1 0/0/-1/-1/3003 ${status} 212 - - ${term} 1/1/1/1/0 0/0 "GET / HTTP/1.1"`);
          lines.push(`${prefix}203.0.113.9:51234 [${t}] fe_tcp be_tcp/db1 1/0/5007 212 ${term.slice(0, 2)} 1/1/1/1/0 0/0`);
        }
      }
    }
  }
  // Near misses: cut short, shifted or with a delimiter where a digit should be.
  lines.push('203.0.113.9 - - [06/May/2024:07:08:09 +0000] "GET / HTTP/1.1" 2');
  lines.push('203.0.113.9 - - [06/May/2024:07:08:09 +0000] "GET / HTTP/1.1" 20');
  lines.push('203.0.113.9 - - [06/May/2024:07:08:09 +0000] "GET / HTTP/1.1" 200');
  lines.push('203.0.113.9 - - [06/May/2024:07:08:09 +0000] "GET / HTTP/1.1" 0');
  lines.push('[2024-05-06T07:08] "GET / HTTP/1.1" 200 - 0 1 1 1');
  lines.push('[2024-05-06T07:08:09.5Z] "GET / HTTP/1.1" 200 -');
  lines.push('[2024-05-06T07:08:09.1] "GET / HTTP/1.1" 200 - Z] "GET / HTTP/1.1" 200 - 0 1 1 1');
  lines.push('[2024-05-06T07:08:0] "GET / HTTP/1.1" 200 - 2.123Z] "GET / HTTP/1.1" 200 - 0 1 1 1');
  lines.push('[2024-05-06T07:08:09.123Z] "GET / HTTP/1.1" 200');
  lines.push('[2024-05-06T07:08:09.123Z] "garbage" 200 - 0 1 2 3 "-"');
  lines.push('[2024-05-06T07:08:09.123Z] "- - -" 0 - 0 1 2 3 "-"');
  lines.push('[2024-05-06T07:08:09.123Z] "GET /x -" 200 - 0 1 2 "-"');
  lines.push('[2024-05-06T07:08:09.123Z] "GET HTTP/1.1" 200 - 0 1 2 3 "-"');
  lines.push('[2024-05-06T07:08:09.123Z] "GET -" 200 - 0 1 2 3 "-"');
  lines.push('203.0.113.9 - - [06/May/2024:07:08:09 +0000] "GET /a\\" 502 1 HTTP/1.1" 200 512 "-" "curl"');
  lines.push('x [06/May/2024:07:08:09] "');
  lines.push('203.0.113.9:51234 [06/May/2024:07:08:09.250]');
  lines.push(' \t ');
  return lines;
}

describe('the byte-level fast path', () => {
  it('gives the same summary and findings as the full analysis, line for line', () => {
    const lines = variedLines();
    const text = lines.join('\n');
    const fast = parseLogText(text);
    const full = parseLogText(text, { fullAnalysis: true });
    assert.deepEqual(fast, full);
    // The comparison shows something only if the fast path settled lines of every format it reads.
    const out = new FastLine();
    const settled = new Map<string, number>();
    for (const line of lines) {
      const b = Buffer.from(line, 'utf8');
      if (readFastLine(b, 0, b.length, out)) settled.set(out.format!, (settled.get(out.format!) ?? 0) + 1);
    }
    for (const format of ['combined-access', 'ingress-nginx-access', 'traefik-access', 'envoy-access', 'haproxy']) {
      assert.ok((settled.get(format) ?? 0) >= 10, `fast path settled ${settled.get(format) ?? 0} ${format} lines`);
    }
  });

  it('agrees with the full analysis on every corpus line and log file', async () => {
    const corpus = corpusLogLines()
      .map((l) => l.text)
      .join('\n');
    assert.deepEqual(parseLogText(corpus), parseLogText(corpus, { fullAnalysis: true }));
    const dir = path.join(CORPUS_DIR, 'logfiles');
    for (const file of readdirSync(dir).filter((f) => f.startsWith('logfile_'))) {
      const bytes = readFileSync(path.join(dir, file));
      const read = (fullAnalysis: boolean) =>
        parseLogStream(
          (async function* () {
            yield bytes;
          })(),
          { fullAnalysis },
        );
      assert.deepEqual(await read(false), await read(true), file);
    }
  });

  it('counts repeated 5xx access lines past the findings cap as the full analysis does', () => {
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      const status = [502, 503, 504, 500, 502][i % 5];
      // Out of order in time, so the first and last times are not simply the first and last lines.
      const second = String((i * 37) % 60).padStart(2, '0');
      lines.push(`203.0.113.${i % 9} - - [06/May/2024:07:08:${second} +0000] "GET /cart/${i} HTTP/1.1" ${status} 157 "-" "curl/8.5.0"`);
      if (i % 7 === 0) lines.push(`10.0.0.1 - - [06/May/2024:07:09:${second} +0000] "GET / HTTP/1.1" ${status} 0 "-" "curl" 310 0.001 [shop-web-80] [] 10.1.2.3:8080 0 0.001 ${status} 4f1d`);
    }
    const text = lines.join('\n');
    for (const maxFindingsPerSignal of [0, 2, 20]) {
      assert.deepEqual(parseLogText(text, { maxFindingsPerSignal }), parseLogText(text, { maxFindingsPerSignal, fullAnalysis: true }), `cap ${maxFindingsPerSignal}`);
    }
    const result = parseLogText(text, { maxFindingsPerSignal: 2 });
    assert.equal(result.summary.signals['http.status_502']?.count, 24);
    assert.equal(result.findings.filter((f) => f.signal === 'http.status_502').length, 2);
  });

  it('counts repeated nginx error messages past the findings cap as the full analysis does', () => {
    const messages = [
      '[error] 31#31: *{n} connect() failed (111: Connection refused) while connecting to upstream',
      '[error] 31#31: *{n} upstream prematurely closed connection while reading response header from upstream',
      '[error] 31#31: *{n} upstream timed out (110: Connection timed out) while reading response header from upstream',
      '[crit] 31#31: *{n} connect() to unix:/tmp/app.sock failed (2: No such file or directory) while connecting to upstream',
      '[crit] 31#31: *{n} connect() failed (2: No such file or directory) while connecting to upstream',
      '[warn] 31#31: *{n} an upstream response is buffered to a temporary file while reading upstream',
      '[error] 31#31: *{n} no live upstreams while connecting to upstream',
    ];
    const lines: string[] = [];
    for (let i = 0; i < 140; i++) {
      const message = messages[i % messages.length]!.replace('{n}', String(1000 + i));
      const second = String((i * 37) % 60).padStart(2, '0');
      // A few upstreams for some messages, more than the summary keeps for others.
      const upstream = i % 3 === 0 ? `10.0.${i % 20}.7:8080` : `10.0.0.${i % 4}:8080`;
      const day = i === 77 ? '2024/13/06' : '2024/05/06';
      lines.push(`${day} 07:08:${second} ${message}, client: 203.0.113.9, server: shop, request: "GET /x HTTP/1.1", upstream: "http://${upstream}/x", host: "shop"`);
      if (i % 10 === 0) lines.push(`2024/05/06 07:09:${second} ${message}`);
    }
    const text = lines.join('\n');
    for (const maxFindingsPerSignal of [0, 2, 20]) {
      assert.deepEqual(parseLogText(text, { maxFindingsPerSignal }), parseLogText(text, { maxFindingsPerSignal, fullAnalysis: true }), `cap ${maxFindingsPerSignal}`);
    }
    const refused = parseLogText(text, { maxFindingsPerSignal: 2 }).summary.signals['nginx.connect_refused'];
    assert.equal(refused?.count, 22);
    assert.equal(refused?.upstreams.length, 10);
  });

  it('takes no shortcut while curl output spans lines', () => {
    const access = (i: number, status: number) => `203.0.113.9 - - [06/May/2024:07:08:${String(i % 60).padStart(2, '0')} +0000] "GET /x HTTP/1.1" ${status} 157 "-" "curl/8.5.0"`;
    const nginx = (i: number) =>
      `2024/05/06 07:09:${String(i % 60).padStart(2, '0')} [error] 7#7: *${i} connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4, server: _, request: "GET / HTTP/1.1", upstream: "http://10.0.0.5:8080/", host: "x"`;
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) lines.push(access(i, 502), nginx(i));
    // A response pasted in the middle, whose body the log resumes after: its end is the first log line.
    lines.push('HTTP/1.1 504 Gateway Time-out', 'Server: nginx', '<html>504</html>');
    for (let i = 30; i < 60; i++) lines.push(access(i, i % 2 === 0 ? 200 : 502), nginx(i));
    lines.push('< HTTP/2 503', '< server: envoy', '<', 'no healthy upstream');
    const text = lines.join('\n');
    for (const maxFindingsPerSignal of [0, 2, 20]) {
      assert.deepEqual(parseLogText(text, { maxFindingsPerSignal }), parseLogText(text, { maxFindingsPerSignal, fullAnalysis: true }), `cap ${maxFindingsPerSignal}`);
    }
    const result = parseLogText(text, { maxFindingsPerSignal: 2 });
    assert.equal(result.summary.statusCounts['504'], 1);
    assert.equal(result.summary.statusCounts['503'], 1);
    assert.equal(result.summary.formats['combined-access'], 60);
  });

  it('never settles a line that carries a cause', () => {
    const out = new FastLine();
    for (const line of variedLines()) {
      const b = Buffer.from(line, 'utf8');
      if (!readFastLine(b, 0, b.length, out)) continue;
      const one = parseLogText(line, { fullAnalysis: true });
      assert.deepEqual(one.findings, [], line);
      assert.equal(one.summary.recognizedLines, 1, line);
    }
  });

  it('reads only its own line of a shared buffer', () => {
    const out = new FastLine();
    // The status is cut off by the line end; the next line's bytes must not complete it.
    const b = Buffer.from('203.0.113.9 - - [06/May/2024:07:08:09 +0000] "GET / HTTP/1.1" 2\n00 512 "-" "curl"\n');
    assert.equal(readFastLine(b, 0, b.indexOf(10), out), false);
    const h = Buffer.from('203.0.113.9:51234 [06/May/2024:07:08:09.250] www~ be/app1 0/0/1/12/13 200 212 - - -\n--- 1/1/1/1/0\n');
    assert.equal(readFastLine(h, 0, h.indexOf(10), out), false);
  });

  it('finds the next byte across calls, forwards and backwards, in one buffer and the next', () => {
    const finder = new NextByte(93);
    const b = Buffer.from('a]bc]d\nno bracket here\nx]');
    const naive = (buf: Buffer, from: number) => buf.indexOf(93, from);
    for (const from of [0, 1, 2, 5, 3, 6, 7, 20, 0, 25, 26, 27, 4]) assert.equal(finder.find(b, from), naive(b, from), `from ${from}`);
    const other = Buffer.from(']]');
    assert.equal(finder.find(other, 1), 1);
    assert.equal(finder.find(b, 2), 4);
  });
});

