/**
 * Applies a text redaction to a byte stream in bounded memory. Text is cut into windows of at most
 * `windowBytes`, each ending at a content-chosen point (the last newline, else the last `}`/`,`, else a
 * UTF-8 character boundary) — so the output does not depend on how the input was chunked, and a secret
 * is only missed if a single line is longer than the window and the cut falls inside it.
 */
export class StreamingTextRedactor {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly redact: (text: string) => string,
    private readonly emit: (bytes: Buffer) => void,
    private readonly windowBytes = 1024 * 1024,
  ) {}

  write(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes < this.windowBytes) return;
    let buffer = Buffer.concat(this.pending, this.pendingBytes);
    while (buffer.length >= this.windowBytes) {
      const cut = cutPoint(buffer, this.windowBytes);
      this.emitRedacted(buffer.subarray(0, cut));
      buffer = buffer.subarray(cut);
    }
    // Copy the remainder so the large joined buffer is not kept alive by a small tail.
    this.pending = buffer.length > 0 ? [Buffer.from(buffer)] : [];
    this.pendingBytes = buffer.length;
  }

  /** Redact and emit everything pending. */
  flush(): void {
    if (this.pendingBytes === 0) return;
    const buffer = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.emitRedacted(buffer);
  }

  private emitRedacted(bytes: Buffer): void {
    const text = bytes.toString('utf8');
    const redacted = this.redact(text);
    this.emit(redacted === text ? bytes : Buffer.from(redacted, 'utf8'));
  }
}

const NEWLINE = 0x0a;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

/** Where to end the next window of `buffer` (1..window). */
function cutPoint(buffer: Buffer, window: number): number {
  const newline = buffer.lastIndexOf(NEWLINE, window - 1);
  if (newline >= window / 4) return newline + 1;
  const closeObject = buffer.lastIndexOf(CLOSE_OBJECT, window - 1);
  if (closeObject >= window / 4) return closeObject + 1;
  const comma = buffer.lastIndexOf(COMMA, window - 1);
  if (comma >= window / 4) return comma + 1;
  // No structure: cut on a UTF-8 character boundary (not before a continuation byte 10xxxxxx).
  let cut = window;
  while (cut > 1 && (buffer[cut]! & 0xc0) === 0x80) cut--;
  return cut;
}
