/** Why a file could not be read as a HAR. */
export type HarParseErrorReason = 'empty' | 'not-json' | 'not-har' | 'truncated';

/**
 * Thrown when the input is not a HAR: not JSON, JSON without `log.entries`, or cut off mid-document.
 * `offset` is the byte offset (from the first byte of the input, BOM included) where the problem was seen.
 * `partial` carries what was read before the problem when the caller asked for a parse that can have one
 * (`parseHarStream`/`parseHarText` fill it when at least one entry was read).
 */
export class HarParseError<TPartial = unknown> extends Error {
  override readonly name = 'HarParseError';
  readonly reason: HarParseErrorReason;
  readonly offset: number;
  partial: TPartial | null = null;

  constructor(reason: HarParseErrorReason, message: string, offset: number) {
    super(message);
    this.reason = reason;
    this.offset = offset;
  }
}

/** Byte offset of a `JSON.parse` failure inside `text` that starts at `baseOffset`, when V8 says where. */
export function jsonErrorOffset(error: unknown, text: string, baseOffset: number): number {
  const message = error instanceof Error ? error.message : '';
  const match = /at position (\d+)/.exec(message);
  if (!match) return baseOffset;
  const position = Math.min(Number(match[1]), text.length);
  return baseOffset + Buffer.byteLength(text.slice(0, position), 'utf8');
}

/** The V8 message without its quoting of the input (which could be long or hold secrets). */
export function jsonErrorDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
}
