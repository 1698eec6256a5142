import { HarAnalyzer } from './har-analyzer.js';
import { HarEntryScanner, toBuffer } from './har-entry-scanner.js';
import { HarParseError, jsonErrorDetail, jsonErrorOffset } from './har-parse-error.js';
import type { HarParseOptions, HarParseResult } from './har-types.js';

/**
 * Parse a HAR into findings and a summary, streaming: memory is bounded by the largest entry
 * (entries above `maxEntryBytes` are counted and skipped), not by the file.
 *
 * A file that is not a HAR throws `HarParseError` (empty, not JSON, no `log.entries`, truncated) with the
 * byte offset where it went wrong. When entries were read before the problem — typically a capture cut
 * off mid-write — the error's `partial` holds the findings and summary of those entries, so a caller can
 * mark the evidence failed and still show what the readable part says.
 */
export async function parseHarStream(source: AsyncIterable<Buffer | Uint8Array | string>, options: HarParseOptions = {}): Promise<HarParseResult> {
  const { scanner, analyzer } = createParser(options);
  try {
    for await (const chunk of source) scanner.write(toBuffer(chunk));
    return analyzer.finish(scanner.end());
  } catch (error) {
    throw withPartial(error, scanner, analyzer);
  }
}

/** The same as `parseHarStream` for a document already in memory. */
export function parseHarText(text: string | Buffer, options: HarParseOptions = {}): HarParseResult {
  const { scanner, analyzer } = createParser(options);
  try {
    scanner.write(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
    return analyzer.finish(scanner.end());
  } catch (error) {
    throw withPartial(error, scanner, analyzer);
  }
}

const DEFAULT_MAX_ENTRY_BYTES = 32 * 1024 * 1024;
/** How much of an oversized entry is kept to read its status. */
const OVERSIZED_HEAD_BYTES = 64 * 1024;

function createParser(options: HarParseOptions): { scanner: HarEntryScanner; analyzer: HarAnalyzer } {
  const analyzer = new HarAnalyzer(options);
  let oversizedHead: Buffer[] = [];
  let oversizedHeadBytes = 0;
  const scanner = new HarEntryScanner(
    {
      onEntry(bytes, index, offset) {
        const text = bytes.toString('utf8');
        let entry: unknown;
        try {
          entry = JSON.parse(text);
        } catch (error) {
          const at = jsonErrorOffset(error, text, offset);
          throw new HarParseError('not-json', `not JSON: log.entries[${index}] (starting at byte ${offset}) is broken at byte ${at}: ${jsonErrorDetail(error)}`, at);
        }
        analyzer.addEntry(entry, index);
      },
      onOversizedEntryBytes(bytes) {
        if (oversizedHeadBytes >= OVERSIZED_HEAD_BYTES) return;
        const piece = bytes.subarray(0, OVERSIZED_HEAD_BYTES - oversizedHeadBytes);
        oversizedHead.push(Buffer.from(piece));
        oversizedHeadBytes += piece.length;
      },
      onOversizedEntryEnd() {
        analyzer.addOversizedEntry(Buffer.concat(oversizedHead).toString('utf8'));
        oversizedHead = [];
        oversizedHeadBytes = 0;
      },
    },
    { maxEntryBytes: options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES },
  );
  return { scanner, analyzer };
}

function withPartial(error: unknown, scanner: HarEntryScanner, analyzer: HarAnalyzer): unknown {
  if (!(error instanceof HarParseError)) return error;
  const info = scanner.info();
  if (info.entries > 0) (error as HarParseError<HarParseResult>).partial = analyzer.finish(info);
  return error;
}
