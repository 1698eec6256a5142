import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HarEntryScanner, splitHarEntries, type HarDocumentInfo, type HarScanOptions } from './har-entry-scanner.js';
import { HarParseError } from './har-parse-error.js';

interface ScanOutcome {
  entries: { index: number; offset: number; text: string }[];
  oversized: { index: number; offset: number; size: number }[];
  /** Every byte handed to any handler, in order. */
  replay: Buffer;
  info: HarDocumentInfo;
}

function scan(input: Buffer | string, chunkSize = Number.MAX_SAFE_INTEGER, options: HarScanOptions = {}): ScanOutcome {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const entries: ScanOutcome['entries'] = [];
  const oversized: ScanOutcome['oversized'] = [];
  const replay: Buffer[] = [];
  const scanner = new HarEntryScanner(
    {
      onEntry(entryBytes, index, offset) {
        entries.push({ index, offset, text: entryBytes.toString('utf8') });
        replay.push(Buffer.from(entryBytes));
      },
      onOutside(outside) {
        replay.push(Buffer.from(outside));
      },
      onOversizedEntryBytes(piece) {
        replay.push(Buffer.from(piece));
      },
      onOversizedEntryEnd(index, offset, size) {
        oversized.push({ index, offset, size });
      },
    },
    options,
  );
  for (let i = 0; i < bytes.length; i += chunkSize) scanner.write(bytes.subarray(i, Math.min(bytes.length, i + chunkSize)));
  const info = scanner.end();
  return { entries, oversized, replay: Buffer.concat(replay), info };
}

function scanError(input: Buffer | string, chunkSize = Number.MAX_SAFE_INTEGER): HarParseError {
  try {
    scan(input, chunkSize);
  } catch (error) {
    assert.ok(error instanceof HarParseError, `expected HarParseError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a HarParseError');
}

// Strings full of traps: escaped quotes and backslashes, braces and brackets inside strings, multi-byte UTF-8.
const TRICKY_HAR = `{
  "log": {
    "entries": [
      {"request": {"url": "https://example.com/a?q=\\"}{][\\\\"}, "response": {"status": 200, "content": {"text": "caf\u00e9 \u2603 \ud83d\ude80 \\\\\\" ] } ["}}},
      {"request": {"url": "https://example.com/b"}, "response": {"status": 502, "statusText": "Bad \\\\ Gateway"}, "comment": "\\u007b not a brace"}
    ],
    "version": "1.2",
    "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [{"id": "page_1", "title": "T"}],
    "_custom": {"nested": [1, 2.5e3, -0.25, true, false, null, "x"]}
  }
}
`;

describe('HarEntryScanner', () => {
  it('splits log.entries into one JSON text per entry, wherever entries sits in the log object', () => {
    const outcome = scan(TRICKY_HAR);
    assert.equal(outcome.entries.length, 2);
    const first = JSON.parse(outcome.entries[0]!.text) as { request: { url: string }; response: { content: { text: string } } };
    assert.equal(first.request.url, 'https://example.com/a?q="}{][\\');
    assert.equal(first.response.content.text, 'café ☃ 🚀 \\" ] } [');
    const second = JSON.parse(outcome.entries[1]!.text) as { response: { status: number } };
    assert.equal(second.response.status, 502);
    assert.deepEqual(
      outcome.entries.map((entry) => entry.index),
      [0, 1],
    );
    assert.equal(TRICKY_HAR.slice(outcome.entries[0]!.offset, outcome.entries[0]!.offset + 12), '{"request": ');
    assert.equal(outcome.info.metadata.version, '1.2');
    assert.deepEqual(outcome.info.metadata.creator, { name: 'WebInspector', version: '537.36' });
    assert.deepEqual(outcome.info.metadata.pages, [{ id: 'page_1', title: 'T' }]);
    assert.equal(outcome.info.entries, 2);
  });

  it('gives the same entries and hands every byte on exactly once, for any chunk size', () => {
    const bytes = Buffer.from(TRICKY_HAR, 'utf8');
    const whole = scan(bytes);
    assert.ok(whole.replay.equals(bytes));
    for (const size of [1, 2, 3, 7, 64, 65536]) {
      const chunked = scan(bytes, size);
      assert.deepEqual(chunked.entries, whole.entries, `chunk size ${size}`);
      assert.deepEqual(chunked.info, whole.info, `chunk size ${size}`);
      assert.ok(chunked.replay.equals(bytes), `chunk size ${size} replays the input`);
    }
  });

  it('handles a backslash run split across chunks before a quote', () => {
    // The entry's string ends in an escaped backslash: `\\"` closes the string, `\"` does not.
    const har = '{"log":{"entries":[{"a":"x\\\\\\\\"},{"b":"y\\\\\\"z"}]}}';
    for (let size = 1; size <= har.length; size++) {
      const outcome = scan(har, size);
      assert.deepEqual(
        outcome.entries.map((entry) => JSON.parse(entry.text) as unknown),
        [{ a: 'x\\\\' }, { b: 'y\\"z' }],
        `chunk size ${size}`,
      );
    }
  });

  it('skips a UTF-8 byte order mark, even when split over chunks', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"log":{"entries":[{"response":{"status":200}}]}}')]);
    for (const size of [1, 2, 1000]) {
      const outcome = scan(bytes, size);
      assert.equal(outcome.info.bom, true);
      assert.equal(outcome.entries.length, 1);
    }
  });

  it('reads a JSONP-wrapped HAR (HARP), with or without the trailing semicolon', () => {
    for (const text of ['onInputData({"log":{"entries":[{"x":1}]}})', 'onInputData ( {"log":{"entries":[{"x":1}]}} );\n']) {
      for (const size of [1, 5, 1000]) {
        const outcome = scan(text, size);
        assert.equal(outcome.info.jsonpCallback, 'onInputData');
        assert.deepEqual(outcome.entries.map((entry) => entry.text), ['{"x":1}']);
      }
    }
  });

  it('counts non-object entries without passing them on', () => {
    const outcome = scan('{"log":{"entries":[1, "two", [3], {"four": 4}, null]}}');
    assert.equal(outcome.info.entries, 5);
    assert.equal(outcome.info.nonObjectEntries, 4);
    assert.deepEqual(outcome.entries.map((entry) => [entry.index, entry.text]), [[3, '{"four": 4}']]);
  });

  it('passes an entry larger than the cap through in pieces and counts it, keeping memory bounded', () => {
    const big = 'x'.repeat(5000);
    const har = `{"log":{"entries":[{"small":1},{"big":"${big}"},{"small":2}]}}`;
    for (const size of [7, 100, 100000]) {
      const outcome = scan(har, size, { maxEntryBytes: 1000 });
      assert.deepEqual(outcome.entries.map((entry) => entry.text), ['{"small":1}', '{"small":2}']);
      assert.equal(outcome.oversized.length, 1);
      assert.equal(outcome.oversized[0]!.index, 1);
      assert.equal(outcome.oversized[0]!.size, big.length + 10);
      assert.equal(outcome.info.oversizedEntries, 1);
      assert.equal(outcome.info.entries, 3);
      assert.ok(outcome.replay.equals(Buffer.from(har)));
    }
  });

  it('skips metadata values larger than their cap and says so', () => {
    const har = `{"log":{"pages":[${'{"id":"p"},'.repeat(200)}{"id":"q"}],"entries":[]}}`;
    const scanner = new HarEntryScanner({ onEntry: () => undefined }, { maxMetadataBytes: 100 });
    scanner.write(Buffer.from(har));
    const info = scanner.end();
    assert.equal(info.metadata.pages, undefined);
    assert.deepEqual(info.skippedMetadata, ['pages']);
  });

  it('rejects what is not a HAR with a HarParseError that says what and where', () => {
    const cases: [string, HarParseError['reason'], number, RegExp][] = [
      ['', 'empty', 0, /empty input/],
      ['  \n ', 'empty', 4, /nothing but whitespace/],
      ['<html><body>502</body></html>', 'not-json', 0, /unexpected '<' at byte 0/],
      ['[{"log": {}}]', 'not-har', 0, /document is an array/],
      ['{"log":\n[\n2,1,3\n]\n"request":}', 'not-har', 8, /"log" is an array/],
      ['{"log":{"version":"1.1","creator":{"name":"Firebug"}}}', 'not-har', 52, /"log" object \(bytes 7-52\) has no "entries" array/],
      ['{"other": 1}', 'not-har', 11, /no "log" object/],
      ['{"log":{"entries":{"0":{}}}}', 'not-har', 18, /"log.entries" is an object, expected an array/],
      ['{"log":{"entries":[{"a":1}]}} trailing', 'not-json', 30, /unexpected 't' at byte 30 after the end/],
      ['{"log":{"version":1.2.3,"entries":[]}}', 'not-json', 18, /invalid literal "1\.2\.3"/],
      ['{"log":{"entries":[] "version":"1.2"}}', 'not-json', 21, /expected ',' or '}'/],
      ['{"log":{"entries":[{"a":1},]}}', 'not-json', 27, /expected a value/],
      ['true', 'not-har', 4, /document is a boolean/],
    ];
    for (const [input, reason, offset, message] of cases) {
      for (const size of [1, 1000]) {
        const error = scanError(input, size);
        assert.equal(error.reason, reason, `${JSON.stringify(input)}: ${error.message}`);
        assert.equal(error.offset, offset, `${JSON.stringify(input)}: ${error.message}`);
        assert.match(error.message, message);
      }
    }
  });

  it('reports a truncated document at its end, naming the entry it stopped in', () => {
    const har = '{"log":{"entries":[{"a":1},{"b":"cut here';
    const error = scanError(har, 3);
    assert.equal(error.reason, 'truncated');
    assert.equal(error.offset, Buffer.byteLength(har));
    assert.match(error.message, /inside log\.entries\[1\]/);
    const jsonp = scanError('onInputData({"log":{"entries":[]}}');
    assert.equal(jsonp.reason, 'truncated');
    assert.match(jsonp.message, /JSONP wrapper onInputData\( is not closed/);
  });

  it('returns the bytes no handler saw after an error, for a fallback', () => {
    const bytes = Buffer.from('{"log":{"version":"1.2","entries":[{"a":1}]} oops {"b":2}');
    const seen: Buffer[] = [];
    const scanner = new HarEntryScanner({ onEntry: (entry) => seen.push(Buffer.from(entry)), onOutside: (outside) => seen.push(Buffer.from(outside)) });
    assert.throws(() => {
      scanner.write(bytes.subarray(0, 20));
      scanner.write(bytes.subarray(20));
    }, HarParseError);
    const rest = scanner.takeUnemittedBytes();
    assert.ok(Buffer.concat([...seen, ...rest]).equals(bytes));
  });

  it('yields entry texts from an async source with splitHarEntries', async () => {
    async function* source(): AsyncGenerator<Buffer> {
      const bytes = Buffer.from(TRICKY_HAR);
      for (let i = 0; i < bytes.length; i += 5) yield bytes.subarray(i, i + 5);
    }
    const texts: string[] = [];
    const iterator = splitHarEntries(source());
    let step = await iterator.next();
    while (!step.done) {
      texts.push(step.value.text);
      step = await iterator.next();
    }
    assert.equal(texts.length, 2);
    assert.equal(step.value.entries, 2);
    assert.equal(step.value.metadata.version, '1.2');
  });
});
