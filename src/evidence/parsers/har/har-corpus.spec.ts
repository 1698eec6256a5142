import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_DIR } from '../../../../test/support/shared.js';
import { redactHarStream, redactHarText } from '../../redaction/har-redactor.js';
import { REDACTED } from '../../redaction/redaction-report.js';
import { HarParseError } from './har-parse-error.js';
import { parseHarStream, parseHarText } from './har-parser.js';
import type { HarParseResult } from './har-types.js';

const corpusDir = path.join(CORPUS_DIR, 'har');
const files = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.har'))
  .sort();

interface HarJson {
  log: { entries: { request: Record<string, unknown>; response: Record<string, unknown> & { status: number } }[] };
}

/** What a HAR text holds, read independently of the parser under test (whole-text JSON.parse). */
function parseHarJson(raw: string): HarJson | null {
  let text = raw.replace(/^\uFEFF/, '');
  const jsonp = /^\s*[A-Za-z_$][\w$.]*\s*\(([\s\S]*)\)\s*;?\s*$/.exec(text);
  if (jsonp) text = jsonp[1]!;
  try {
    const parsed = JSON.parse(text) as { log?: { entries?: unknown } };
    return parsed.log && Array.isArray(parsed.log.entries) ? (parsed as HarJson) : null;
  } catch {
    return null;
  }
}

function readIndependently(name: string): HarJson | null {
  return parseHarJson(readFileSync(path.join(corpusDir, name), 'utf8'));
}

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function parseOrError(source: AsyncIterable<Buffer>): Promise<HarParseResult | HarParseError> {
  try {
    return await parseHarStream(source);
  } catch (error) {
    if (error instanceof HarParseError) return error;
    throw error;
  }
}

function headerValues(headers: unknown): { name: string; value: string }[] {
  const list = Array.isArray(headers) ? headers : headers && typeof headers === 'object' ? [headers] : [];
  return list.filter((item): item is { name: string; value: string } => typeof (item as { name?: unknown }).name === 'string');
}

describe('HAR corpus: every file parses or is rejected cleanly', () => {
  assert.ok(files.length >= 30, `expected the HAR corpus in ${corpusDir}`);
  for (const name of files) {
    it(name, async () => {
      const bytes = readFileSync(path.join(corpusDir, name));
      const expected = readIndependently(name);
      const outcome = await parseOrError(createReadStream(path.join(corpusDir, name)));
      if (expected === null) {
        assert.ok(outcome instanceof HarParseError, `${name} should be rejected`);
        assert.ok(outcome.offset >= 0 && outcome.offset <= bytes.length);
        assert.match(outcome.message, /^(not a HAR|not JSON|truncated|empty input)/);
        return;
      }
      assert.ok(!(outcome instanceof HarParseError), `${name}: ${outcome instanceof HarParseError ? outcome.message : ''}`);
      const { summary } = outcome;
      assert.equal(summary.entries, expected.log.entries.length);
      const statuses: Record<string, number> = {};
      for (const entry of expected.log.entries) statuses[String(entry.response.status)] = (statuses[String(entry.response.status)] ?? 0) + 1;
      assert.deepEqual(summary.statusCounts, statuses);
      const withError = expected.log.entries.filter((entry) => entry.response['_error'] !== undefined && entry.response['_error'] !== null);
      assert.equal(
        Object.values(summary.errorCounts).reduce((sum, count) => sum + count, 0),
        withError.length,
      );
      const failing = expected.log.entries.filter((entry) => entry.response.status >= 500 || entry.response.status === 0 || withError.includes(entry));
      assert.equal(summary.failingEntriesTotal, failing.length);
      for (const finding of outcome.findings) {
        assert.ok(finding.weight > 1);
        assert.ok(finding.excerpt.length <= 500);
        assert.equal(typeof finding.location.entry, 'number');
      }

      // Chunk boundaries anywhere give the same result (1-byte chunks only on small files, for time).
      const sizes = bytes.length < 10_000 ? [1, 7, 65536] : bytes.length < 100_000 ? [7, 65536] : [65536];
      for (const size of sizes) assert.deepEqual(await parseHarStream(chunks(bytes, size)), outcome, `chunk size ${size}`);
    });
  }
});

describe('HAR corpus: what the files say', () => {
  function parse(name: string): HarParseResult {
    return parseHarText(readFileSync(path.join(corpusDir, name)));
  }

  it('Chrome status-0 ERR_INSECURE_RESPONSE entries are TLS findings; the ad blocker is not a cause', () => {
    const result = parse('harviewer__issue-49__chrome51.har');
    assert.deepEqual(result.summary.errorCounts, { 'net::ERR_INSECURE_RESPONSE': 2, 'net::ERR_BLOCKED_BY_CLIENT': 1 });
    assert.deepEqual(
      result.findings.map((finding) => [finding.signal, finding.category, finding.location.entry]),
      [
        ['har.net.ERR_INSECURE_RESPONSE', 'TLS', 1],
        ['har.net.ERR_INSECURE_RESPONSE', 'TLS', 2],
      ],
    );
    assert.equal(result.findings[0]!.observedAt, '2016-06-15T21:38:04.981Z');
    assert.deepEqual(result.summary.hops, { browser: 3 });
  });

  it("mitmproxy's connect failure names the upstream and reads as down or unreachable", () => {
    const result = parse('mitmproxy__flows__error_log.har');
    const finding = result.findings.find((candidate) => candidate.signal === 'har.error.connect_timeout');
    assert.ok(finding);
    assert.equal(finding.category, 'UPSTREAM_DOWN');
    assert.equal(finding.upstream, '123.58.180.8:80');
    assert.ok(result.findings.some((candidate) => candidate.category === 'NETWORK'));
  });

  it('client-side Chrome errors are counted but give no cause', () => {
    for (const name of ['mitmproxy__har_files__chrome.har', 'perfcascade__chrome_h2_www.nghttp2.org.har']) {
      const result = parse(name);
      assert.equal(result.findings.length, 0, name);
      assert.equal(Object.keys(result.summary.errorCounts).length, 1, name);
    }
    assert.deepEqual(parse('mitmproxy__har_files__chrome.har').summary.errorCounts, { 'net::ERR_INTERNET_DISCONNECTED': 1 });
  });

  it("capture-har's redirect loop object is read", () => {
    const result = parse('perfcascade__capture-har_redirect-loop.har');
    assert.deepEqual(
      result.findings.map((finding) => [finding.signal, finding.category]),
      [['har.error.redirect_loop', 'GATEWAY_CONFIG']],
    );
  });

  it("WebPagetest's Classic ELB 503 status line reads as capacity at the load balancer", () => {
    const result = parse('pagexray__www.nytimes.com.har');
    assert.deepEqual(
      result.findings.map((finding) => [finding.signal, finding.category]),
      [['har.elb.backend_at_capacity', 'CAPACITY']],
    );
    assert.deepEqual(result.summary.hops, { 'aws-alb': 1 });
  });

  it('503s with nothing that names a hop are listed but give no cause', () => {
    const result = parse('pagexray__responseCodes__304.har');
    assert.equal(result.summary.failingEntriesTotal, 94);
    assert.equal(result.summary.failingEntries.length, 94);
    assert.deepEqual(result.summary.hops, { unknown: 94 });
    assert.deepEqual(result.findings, []);
  });

  it('reads the BOM, the JSONP wrapper and HAR 1.1', () => {
    assert.equal(parse('mitmproxy__har_files__with-bom.har').summary.bom, true);
    const harp = parse('harviewer__1.har');
    assert.equal(harp.summary.jsonp, true);
    assert.equal(harp.summary.version, '1.1');
    assert.deepEqual(harp.summary.creator, { name: 'Firebug', version: '1.6X.0a11' });
  });
});

describe('HAR corpus: redaction', () => {
  for (const name of files) {
    it(name, async () => {
      const bytes = readFileSync(path.join(corpusDir, name));
      const whole = redactHarText(bytes);
      const sizes = bytes.length < 10_000 ? [1, 7, 65536] : bytes.length < 100_000 ? [7, 65536] : [4096];
      for (const size of sizes) {
        const pieces: Buffer[] = [];
        const stream = redactHarStream(chunks(bytes, size));
        for await (const piece of stream) pieces.push(piece);
        assert.equal(Buffer.concat(pieces).toString('utf8'), whole.text, `stream output in ${size}-byte chunks equals whole-text output`);
        assert.deepEqual(stream.report(), whole.report);
      }

      const original = readIndependently(name);
      if (original === null) {
        assert.equal(whole.report.fallback, true);
        return;
      }
      assert.equal(whole.report.fallback, false);
      const redacted = parseHarJson(whole.text);
      assert.ok(redacted);
      assert.equal(redacted.log.entries.length, original.log.entries.length);
      let secretsSeen = 0;
      for (let i = 0; i < original.log.entries.length; i++) {
        const before: HarJson['log']['entries'][number] = original.log.entries[i]!;
        const after: HarJson['log']['entries'][number] = redacted.log.entries[i]!;
        assert.equal(after.response.status, before.response.status);
        for (const part of ['request', 'response'] as const) {
          const afterCookies = after[part]['cookies'];
          for (const cookie of Array.isArray(afterCookies) ? afterCookies : afterCookies ? [afterCookies] : []) {
            const value = (cookie as { value?: unknown }).value;
            if (value !== '' && value !== undefined && value !== null) {
              assert.equal(value, REDACTED);
              secretsSeen++;
            }
          }
          const beforeHeaders = headerValues(before[part]['headers']);
          const afterHeaders = headerValues(after[part]['headers']);
          assert.equal(afterHeaders.length, beforeHeaders.length);
          afterHeaders.forEach((header, position) => {
            const lower = header.name.toLowerCase();
            if (['cookie', 'set-cookie', 'authorization', 'proxy-authorization'].includes(lower) && beforeHeaders[position]!.value !== '') {
              assert.equal(header.value, REDACTED, `${name} entry ${i} ${header.name}`);
              secretsSeen++;
            }
            if (['server', 'via', 'cf-ray', 'x-cache', 'x-amz-cf-id', 'x-envoy-upstream-service-time', 'content-type', ':authority', 'date'].includes(lower)) {
              assert.equal(header.value, beforeHeaders[position]!.value, `${name} entry ${i} keeps ${header.name}`);
            }
          });
        }
      }
      assert.ok(whole.report.total >= secretsSeen);
      // Redaction does not change what the diagnosis reads.
      const parsedBefore = parseHarText(bytes);
      const parsedAfter = parseHarText(whole.text);
      assert.deepEqual(parsedAfter.summary.statusCounts, parsedBefore.summary.statusCounts);
      assert.deepEqual(
        parsedAfter.findings.map((finding) => [finding.signal, finding.category, finding.location.entry]),
        parsedBefore.findings.map((finding) => [finding.signal, finding.category, finding.location.entry]),
      );
    });
  }
});
