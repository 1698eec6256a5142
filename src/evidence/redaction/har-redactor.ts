import { Transform, type TransformCallback } from 'node:stream';
import { HarEntryScanner, toBuffer } from '../parsers/har/har-entry-scanner.js';
import { HarParseError } from '../parsers/har/har-parse-error.js';
import { redactHarEntry } from './har-entry-redaction.js';
import { RedactionTally, type RedactionReport } from './redaction-report.js';
import { StreamingTextRedactor } from './streaming-text-redactor.js';
import { redactDocumentText } from './text-redaction.js';

const DEFAULT_MAX_ENTRY_BYTES = 16 * 1024 * 1024;

export interface HarRedactionOptions {
  /**
   * Entries larger than this are redacted as text instead of parsed (default 16 MiB: parsing, redacting and
   * re-serialising one entry costs about 8x its size in memory).
   */
  maxEntryBytes?: number;
  /** Size of the text windows used for the document outside entries and for the fallback (default 1 MiB). */
  textWindowBytes?: number;
}

/**
 * The push-based core: bytes in, redacted bytes out through `emit`. Entries are parsed, redacted by field
 * and re-serialised (compact JSON) only when something changed; an unchanged entry and the document
 * around the entries keep their bytes. Whatever cannot be read as a HAR — a broken entry, an oversized
 * entry, or everything after the point where the document stops being a HAR — is redacted as text and
 * the report says `fallback: true`. Never throws on bad input.
 */
export class HarRedactor {
  private readonly tally = new RedactionTally();
  private readonly scanner: HarEntryScanner;
  private readonly text: StreamingTextRedactor;
  private readonly oversized: StreamingTextRedactor;
  private structured = true;
  private finished = false;

  constructor(
    private readonly emit: (bytes: Buffer) => void,
    options: HarRedactionOptions = {},
  ) {
    const redactText = (text: string): string => redactDocumentText(text, this.tally);
    this.text = new StreamingTextRedactor(redactText, emit, options.textWindowBytes);
    this.oversized = new StreamingTextRedactor(redactText, emit, options.textWindowBytes);
    this.scanner = new HarEntryScanner(
      {
        onOutside: (bytes) => this.text.write(bytes),
        onEntry: (bytes, index, offset) => this.redactEntry(bytes, index, offset),
        onOversizedEntryBytes: (bytes, index) => {
          this.text.flush();
          this.tally.markFallback(`log.entries[${index}] is larger than the entry limit and was redacted as text`);
          this.oversized.write(bytes);
        },
        onOversizedEntryEnd: () => this.oversized.flush(),
      },
      { maxEntryBytes: options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES },
    );
  }

  write(chunk: Buffer): void {
    if (this.finished) return;
    if (!this.structured) {
      this.text.write(chunk);
      return;
    }
    try {
      this.scanner.write(chunk);
    } catch (error) {
      this.fallBack(error);
    }
  }

  end(): RedactionReport {
    if (!this.finished) {
      this.finished = true;
      if (this.structured) {
        try {
          this.scanner.end();
        } catch (error) {
          this.fallBack(error);
        }
      }
      this.oversized.flush();
      this.text.flush();
    }
    return this.tally.report();
  }

  report(): RedactionReport {
    return this.tally.report();
  }

  private redactEntry(bytes: Buffer, index: number, offset: number): void {
    this.text.flush();
    const text = bytes.toString('utf8');
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch {
      this.tally.markFallback(`log.entries[${index}] (byte ${offset}) is not valid JSON and was redacted as text`);
      this.emitText(text, bytes);
      return;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      this.emitText(text, bytes);
      return;
    }
    if (redactHarEntry(entry as Record<string, unknown>, this.tally)) this.emit(Buffer.from(JSON.stringify(entry), 'utf8'));
    else this.emit(bytes);
  }

  private emitText(text: string, bytes: Buffer): void {
    const redacted = redactDocumentText(text, this.tally);
    this.emit(redacted === text ? bytes : Buffer.from(redacted, 'utf8'));
  }

  /** The document stopped being a HAR: redact the bytes not yet written, and all that follows, as text. */
  private fallBack(error: unknown): void {
    this.structured = false;
    const reason = error instanceof HarParseError ? error.message : `unexpected error while reading the HAR: ${String(error)}`;
    this.tally.markFallback(reason);
    this.oversized.flush();
    for (const piece of this.scanner.takeUnemittedBytes()) this.text.write(piece);
  }
}

/** An async iterable of redacted bytes whose `report()` is complete once iteration has finished. */
export interface HarRedactionStream extends AsyncIterable<Buffer> {
  report(): RedactionReport;
}

const OUTPUT_CHUNK_BYTES = 64 * 1024;

/** Redact a HAR byte stream (see `HarRedactor`). Source errors (I/O) propagate; bad input never throws. */
export function redactHarStream(source: AsyncIterable<Buffer | Uint8Array | string>, options: HarRedactionOptions = {}): HarRedactionStream {
  let out: Buffer[] = [];
  let outBytes = 0;
  const redactor = new HarRedactor((bytes) => {
    out.push(bytes);
    outBytes += bytes.length;
  }, options);
  const take = (): Buffer => {
    const joined = out.length === 1 ? out[0]! : Buffer.concat(out, outBytes);
    out = [];
    outBytes = 0;
    return joined;
  };
  async function* run(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      redactor.write(toBuffer(chunk));
      if (outBytes >= OUTPUT_CHUNK_BYTES) yield take();
    }
    redactor.end();
    if (outBytes > 0) yield take();
  }
  return {
    [Symbol.asyncIterator]: () => run(),
    report: () => redactor.report(),
  };
}

/** A Node transform stream that redacts a HAR; `report()` is complete after the stream has ended. */
export function createHarRedactionTransform(options: HarRedactionOptions = {}): { stream: Transform; report(): RedactionReport } {
  let push: (bytes: Buffer) => void = () => undefined;
  const redactor = new HarRedactor((bytes) => push(bytes), options);
  const stream = new Transform({
    transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback) {
      redactor.write(toBuffer(chunk));
      callback();
    },
    flush(callback: TransformCallback) {
      redactor.end();
      callback();
    },
  });
  push = (bytes) => {
    stream.push(bytes);
  };
  return { stream, report: () => redactor.report() };
}

/** Redact a HAR held in memory. */
export function redactHarText(text: string | Buffer, options: HarRedactionOptions = {}): { text: string; report: RedactionReport } {
  const pieces: Buffer[] = [];
  const redactor = new HarRedactor((bytes) => pieces.push(bytes), options);
  redactor.write(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  const report = redactor.end();
  return { text: Buffer.concat(pieces).toString('utf8'), report };
}
