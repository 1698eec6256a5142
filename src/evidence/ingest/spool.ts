import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { EvidenceKind } from '../../runbooks/content/runbook-types.js';
import { createLogRedactor, redactHarStream, type RedactionReport } from '../redaction/index.js';

/** Thrown when the received bytes pass the limit; nothing of the upload is kept. */
export class EvidenceTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The upload exceeds the evidence limit of ${limitBytes} bytes.`);
  }
}

export interface SpoolResult {
  /** Bytes received, before redaction. */
  originalSize: number;
  /** Bytes written (after redaction). */
  size: number;
  sha256: string;
  redaction: RedactionReport;
}

/** Kinds whose bytes are text and go through line-by-line redaction. */
const TEXT_KINDS: ReadonlySet<EvidenceKind> = new Set(['log', 'trace', 'command-output', 'config', 'note']);

/**
 * Streams an upload to a temporary file: counting the received bytes against the limit, redacting
 * secrets before a byte is written, and hashing what is written. Memory stays bounded whatever the
 * size: HARs are redacted entry by entry, text line by line, images pass through.
 */
export async function spoolEvidence(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  kind: EvidenceKind,
  path: string,
  maxBytes: number,
  isTruncated: () => boolean = () => false,
): Promise<SpoolResult> {
  let originalSize = 0;
  const counted = (async function* () {
    for await (const chunk of source) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      originalSize += buffer.length;
      if (originalSize > maxBytes) throw new EvidenceTooLargeError(maxBytes);
      yield buffer;
    }
    // A multipart stream that hit its size limit ends normally, truncated: refuse it all the same.
    if (isTruncated()) throw new EvidenceTooLargeError(maxBytes);
  })();

  let redacted: AsyncIterable<Buffer>;
  let report: () => RedactionReport;
  if (kind === 'har') {
    const stream = redactHarStream(counted);
    redacted = stream;
    report = () => stream.report();
  } else if (TEXT_KINDS.has(kind)) {
    const redactor = createLogRedactor();
    redacted = redactLines(counted, redactor.redactLine);
    report = () => redactor.report();
  } else {
    redacted = counted;
    report = () => ({ total: 0, byKind: {}, fallback: false });
  }

  const hash = createHash('sha256');
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  let size = 0;
  try {
    for await (const chunk of redacted) {
      hash.update(chunk);
      size += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { originalSize, size, sha256: hash.digest('hex'), redaction: report() };
}

/** Splits text into lines (keeping their endings), redacts each, and yields the result. */
async function* redactLines(source: AsyncIterable<Buffer>, redactLine: (line: string) => string): AsyncIterable<Buffer> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of source) {
    pending += decoder.write(chunk);
    const lastBreak = pending.lastIndexOf('\n');
    if (lastBreak === -1) {
      // A very long line without a break: redact what we have in 1 MiB pieces to bound memory.
      if (pending.length > 1 << 20) {
        yield Buffer.from(redactLine(pending));
        pending = '';
      }
      continue;
    }
    const complete = pending.slice(0, lastBreak + 1);
    pending = pending.slice(lastBreak + 1);
    yield Buffer.from(complete.split('\n').map((line, i, all) => (i === all.length - 1 ? line : redactLine(line))).join('\n'));
  }
  pending += decoder.end();
  if (pending) yield Buffer.from(redactLine(pending));
}
