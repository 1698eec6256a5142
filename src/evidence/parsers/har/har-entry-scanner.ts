import { HarParseError, jsonErrorDetail, jsonErrorOffset } from './har-parse-error.js';

/**
 * A byte-level scanner that splits a HAR document into its `log.entries` elements without parsing the
 * whole document: memory stays bounded by the largest entry (up to `maxEntryBytes`), whatever the file size.
 *
 * It reads the document skeleton (everything outside the entries) with a small JSON grammar, so it can
 * say where a non-JSON or non-HAR file goes wrong, and it skips through entries with a string-aware
 * depth counter (the quick path: most bytes of a HAR are inside entry strings, found with `indexOf`).
 * All structural characters are ASCII and UTF-8 continuation bytes are >= 0x80, so working on bytes is
 * safe whatever the chunk boundaries; entry bytes are decoded only once an entry is complete.
 *
 * Every input byte is reported exactly once, in order, either as part of an entry (`onEntry`,
 * `onOversizedEntryBytes`) or as `onOutside` — so a consumer can rebuild or rewrite the document.
 */
export interface HarScanHandlers {
  /** A complete entry element (its JSON text as bytes), at most `maxEntryBytes` long. */
  onEntry(bytes: Buffer, index: number, offset: number): void;
  /** Bytes outside every entry: the document skeleton, separators, BOM and JSONP wrapper. */
  onOutside?(bytes: Buffer): void;
  /** Pieces of an entry longer than `maxEntryBytes`, in order; its content is not kept. */
  onOversizedEntryBytes?(bytes: Buffer, index: number): void;
  /** The end of an oversized entry. */
  onOversizedEntryEnd?(index: number, offset: number, size: number): void;
}

export interface HarScanOptions {
  /** Entries longer than this are passed through in pieces instead of as one text (default 64 MiB). */
  maxEntryBytes?: number;
  /** Largest `log.version`/`creator`/`browser`/`pages`/`comment` value kept (default 8 MiB). */
  maxMetadataBytes?: number;
}

/** What the scanner learned about the document outside the entries. */
export interface HarDocumentInfo {
  bom: boolean;
  /** The JSONP callback name when the document was wrapped (`onInputData({...})`). */
  jsonpCallback: string | null;
  /** Parsed values of `log.version`, `log.creator`, `log.browser`, `log.pages`, `log.comment` (undefined when absent). */
  metadata: Partial<Record<HarMetadataKey, unknown>>;
  /** Metadata keys whose value was larger than `maxMetadataBytes` and was skipped. */
  skippedMetadata: HarMetadataKey[];
  /** Elements of `log.entries` seen (objects, oversized or not, and non-object elements). */
  entries: number;
  oversizedEntries: number;
  /** Elements of `log.entries` that are not objects (they are not passed to `onEntry`). */
  nonObjectEntries: number;
  bytes: number;
}

export const HAR_METADATA_KEYS = ['version', 'creator', 'browser', 'pages', 'comment'] as const;
export type HarMetadataKey = (typeof HAR_METADATA_KEYS)[number];

const DEFAULT_MAX_ENTRY_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_METADATA_BYTES = 8 * 1024 * 1024;
const MAX_KEY_BYTES = 1024;

// Byte values.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const SEMICOLON = 0x3b;

// Scanner modes.
const MODE_PRELUDE = 0;
const MODE_JSONP_NAME = 1;
const MODE_SKELETON = 2;
const MODE_CAPTURE = 3;
const MODE_SCALAR = 4;
const MODE_EPILOGUE = 5;

// What the skeleton grammar expects next.
const EXPECT_VALUE = 0;
const EXPECT_VALUE_OR_CLOSE = 1;
const EXPECT_KEY_OR_CLOSE = 2;
const EXPECT_KEY = 3;
const EXPECT_COLON = 4;
const EXPECT_COMMA_OR_CLOSE = 5;
const EXPECT_NOTHING = 6;

// Roles of containers in the skeleton.
const ROLE_ROOT = 0;
const ROLE_LOG = 1;
const ROLE_ENTRIES = 2;
const ROLE_OTHER = 3;

// Where a captured value goes.
const TARGET_ENTRY = 0;
const TARGET_METADATA = 1;
const TARGET_KEY = 2;
const TARGET_DISCARD = 3;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const JSON_LITERALS: ReadonlySet<string> = new Set(['true', 'false', 'null']);
const METADATA_KEYS: ReadonlySet<string> = new Set(HAR_METADATA_KEYS);

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isScalarByte(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte === 0x2d || byte === 0x2b || byte === 0x2e
  );
}

function isIdentifierStart(byte: number): boolean {
  return (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte === 0x5f || byte === 0x24;
}

function isIdentifierByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte === 0x5f || byte === 0x24 || byte === 0x2e;
}

function describeByte(byte: number): string {
  if (byte >= 0x20 && byte < 0x7f) return `'${String.fromCharCode(byte)}'`;
  return `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

function describeValueStart(byte: number): string {
  if (byte === OPEN_OBJECT) return 'an object';
  if (byte === OPEN_ARRAY) return 'an array';
  if (byte === QUOTE) return 'a string';
  if (byte === 0x74 || byte === 0x66) return 'a boolean';
  if (byte === 0x6e) return 'null';
  return 'a number';
}

const NUMBER_PATTERN = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function parseScalar(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (NUMBER_PATTERN.test(text)) return Number(text);
  return undefined;
}

export class HarEntryScanner {
  private readonly handlers: HarScanHandlers;
  private readonly maxEntryBytes: number;
  private readonly maxMetadataBytes: number;

  private mode = MODE_PRELUDE;
  private expect = EXPECT_VALUE;
  /** Absolute offset of the first byte of the current chunk. */
  private chunkBase = 0;
  private chunk: Buffer = Buffer.alloc(0);
  /** Absolute offset up to which bytes were handed to a handler. */
  private emittedUpTo = 0;
  /** Index in the current chunk where the current run of outside bytes starts. */
  private outsideStart = 0;

  // Skeleton stack.
  private readonly frameIsObject: boolean[] = [];
  private readonly frameRole: number[] = [];
  private readonly frameOffset: number[] = [];
  private readonly frameHadEntries: boolean[] = [];
  private currentKey: string | null = null;
  private readonly keyStack: (string | null)[] = [];

  // Capture of one value (an entry, a metadata value, a key or a skipped string).
  private captureTarget = TARGET_DISCARD;
  private captureDepth = 0;
  private captureInString = false;
  private captureEscape = false;
  private captureOffset = 0;
  private captureSize = 0;
  private captureParts: Buffer[] = [];
  private captureOverflow = false;
  private captureMetadataKey: HarMetadataKey | null = null;
  /** Index in the current chunk where the captured value (or its part in this chunk) starts. */
  private captureStartInChunk = 0;

  // Scalar token (number, true, false, null).
  private scalarText = '';
  private scalarOffset = 0;
  private scalarTarget = TARGET_DISCARD;

  private bom = false;
  private jsonpName = '';
  private jsonpNameDone = false;
  private bomProgress = 0;
  private chunkFlushed = true;
  private jsonp = false;
  private jsonpClosed = false;
  private jsonpSemicolon = false;
  private sawLog = false;
  private entryIndex = 0;
  private oversizedEntries = 0;
  private nonObjectEntries = 0;
  private readonly metadata: Partial<Record<HarMetadataKey, unknown>> = {};
  private readonly skippedMetadata: HarMetadataKey[] = [];
  private ended = false;

  constructor(handlers: HarScanHandlers, options: HarScanOptions = {}) {
    this.handlers = handlers;
    this.maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
    this.maxMetadataBytes = options.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.chunkBase + this.chunk.length;
  }

  write(chunk: Buffer): void {
    if (this.ended) throw new Error('HarEntryScanner: write after end');
    this.chunkBase += this.chunk.length;
    this.chunk = chunk;
    this.outsideStart = 0;
    this.chunkFlushed = false;
    const length = chunk.length;
    let i = 0;
    while (i < length) {
      switch (this.mode) {
        case MODE_CAPTURE:
          i = this.scanCapture(chunk, i);
          break;
        case MODE_SKELETON:
          i = this.scanSkeleton(chunk, i);
          break;
        case MODE_SCALAR:
          i = this.scanScalar(chunk, i);
          break;
        case MODE_PRELUDE:
          i = this.scanPrelude(chunk, i);
          break;
        case MODE_JSONP_NAME:
          i = this.scanJsonpName(chunk, i);
          break;
        default:
          i = this.scanEpilogue(chunk, i);
      }
    }
    this.flushChunkEnd();
    this.chunkFlushed = true;
  }

  /** Finish the document; throws `HarParseError` when it is incomplete or not a HAR. */
  end(): HarDocumentInfo {
    if (this.ended) throw new Error('HarEntryScanner: end called twice');
    this.ended = true;
    const offset = this.offset;
    if (this.mode === MODE_PRELUDE) {
      throw new HarParseError('empty', offset === 0 ? 'empty input: no bytes' : 'empty input: nothing but whitespace', offset);
    }
    if (this.mode === MODE_JSONP_NAME) throw this.notJsonStart(null, offset);
    if (this.mode !== MODE_EPILOGUE) {
      throw new HarParseError('truncated', `truncated: the input ends at byte ${offset} inside ${this.describePosition()}`, offset);
    }
    if (this.jsonp && !this.jsonpClosed) {
      throw new HarParseError('truncated', `truncated: the JSONP wrapper ${this.jsonpName}( is not closed at byte ${offset}`, offset);
    }
    return this.info();
  }

  /** What has been learned so far (complete once `end` returned). */
  info(): HarDocumentInfo {
    return {
      bom: this.bom,
      jsonpCallback: this.jsonp ? this.jsonpName : null,
      metadata: this.metadata,
      skippedMetadata: this.skippedMetadata,
      entries: this.entryIndex,
      oversizedEntries: this.oversizedEntries,
      nonObjectEntries: this.nonObjectEntries,
      bytes: this.offset,
    };
  }

  /**
   * After `write` or `end` threw: the bytes received that no handler saw, in order (the entry being read,
   * the rest of the current chunk). Lets a redactor fall back to textual redaction without losing bytes.
   */
  takeUnemittedBytes(): Buffer[] {
    const pieces: Buffer[] = [];
    if (this.mode === MODE_CAPTURE && this.captureTarget === TARGET_ENTRY && !this.captureOverflow) pieces.push(...this.captureParts);
    this.captureParts = [];
    if (!this.chunkFlushed) {
      const from = Math.max(0, this.emittedUpTo - this.chunkBase);
      if (from < this.chunk.length) pieces.push(this.chunk.subarray(from));
      this.chunkFlushed = true;
    }
    this.emittedUpTo = this.offset;
    return pieces;
  }

  // ---- prelude: BOM, whitespace, JSONP callback name ----

  private scanPrelude(buf: Buffer, start: number): number {
    let i = start;
    while (i < buf.length) {
      const byte = buf[i]!;
      const absolute = this.chunkBase + i;
      if (absolute < 3 && absolute === this.bomProgress && byte === UTF8_BOM[absolute]) {
        this.bomProgress++;
        this.bom = this.bomProgress === 3;
        i++;
        continue;
      }
      if (this.bomProgress > 0 && !this.bom) {
        throw new HarParseError('not-json', `not JSON: an incomplete UTF-8 byte order mark at byte 0`, 0);
      }
      if (isWhitespace(byte)) {
        i++;
        continue;
      }
      this.mode = isIdentifierStart(byte) ? MODE_JSONP_NAME : MODE_SKELETON;
      return i;
    }
    return i;
  }

  /** `onInputData(` — any JavaScript-ish callback name before the JSON (HARP files). */
  private scanJsonpName(buf: Buffer, start: number): number {
    let i = start;
    while (i < buf.length) {
      const byte = buf[i]!;
      if (isIdentifierByte(byte) && !this.jsonpNameDone) {
        if (this.jsonpName.length >= 256) throw this.notJsonStart(byte, this.chunkBase + i);
        this.jsonpName += String.fromCharCode(byte);
        i++;
        continue;
      }
      if (isWhitespace(byte)) {
        this.jsonpNameDone = true;
        i++;
        continue;
      }
      if (byte === OPEN_PAREN && !JSON_LITERALS.has(this.jsonpName)) {
        this.jsonp = true;
        this.mode = MODE_SKELETON;
        return i + 1;
      }
      throw this.notJsonStart(byte, this.chunkBase + i);
    }
    return i;
  }

  private notJsonStart(byte: number | null, absolute: number): HarParseError {
    if (JSON_LITERALS.has(this.jsonpName)) {
      const what = this.jsonpName === 'null' ? 'null' : 'a boolean';
      return new HarParseError('not-har', `not a HAR: the document is ${what}, expected an object with a "log" member (byte ${absolute})`, absolute);
    }
    const seen = byte === null ? 'the end of the input' : describeByte(byte);
    return new HarParseError(
      'not-json',
      `not JSON: unexpected ${seen} at byte ${absolute}; the input starts with "${this.jsonpName.slice(0, 40)}", which is neither JSON nor a JSONP callback`,
      absolute,
    );
  }

  // ---- epilogue: whitespace, then `)` and `;` for JSONP ----

  private scanEpilogue(buf: Buffer, start: number): number {
    let i = start;
    while (i < buf.length) {
      const byte = buf[i]!;
      if (isWhitespace(byte)) {
        i++;
        continue;
      }
      if (this.jsonp && !this.jsonpClosed && byte === CLOSE_PAREN) {
        this.jsonpClosed = true;
        i++;
        continue;
      }
      if (this.jsonp && this.jsonpClosed && !this.jsonpSemicolon && byte === SEMICOLON) {
        this.jsonpSemicolon = true;
        i++;
        continue;
      }
      throw new HarParseError(
        'not-json',
        `not JSON: unexpected ${describeByte(byte)} at byte ${this.chunkBase + i} after the end of the JSON document`,
        this.chunkBase + i,
      );
    }
    return i;
  }

  // ---- skeleton grammar ----

  private scanSkeleton(buf: Buffer, start: number): number {
    let i = start;
    const length = buf.length;
    while (i < length) {
      const byte = buf[i]!;
      if (isWhitespace(byte)) {
        i++;
        continue;
      }
      const absolute = this.chunkBase + i;
      switch (this.expect) {
        case EXPECT_VALUE:
        case EXPECT_VALUE_OR_CLOSE:
          if (byte === CLOSE_ARRAY && this.expect === EXPECT_VALUE_OR_CLOSE) {
            this.closeContainer(byte, absolute);
            i++;
            break;
          }
          return this.beginValue(i, byte, absolute);
        case EXPECT_KEY_OR_CLOSE:
        case EXPECT_KEY:
          if (byte === CLOSE_OBJECT && this.expect === EXPECT_KEY_OR_CLOSE) {
            this.closeContainer(byte, absolute);
            i++;
            break;
          }
          if (byte !== QUOTE) throw this.syntaxError(byte, absolute, 'a member name in double quotes');
          this.startCapture(TARGET_KEY, absolute, i);
          this.captureInString = true;
          this.mode = MODE_CAPTURE;
          return i + 1;
        case EXPECT_COLON:
          if (byte !== COLON) throw this.syntaxError(byte, absolute, "':' after a member name");
          this.expect = EXPECT_VALUE;
          i++;
          break;
        case EXPECT_COMMA_OR_CLOSE: {
          const isObject = this.frameIsObject[this.frameIsObject.length - 1];
          if (byte === COMMA) {
            this.expect = isObject ? EXPECT_KEY : EXPECT_VALUE;
            i++;
            break;
          }
          if ((isObject && byte === CLOSE_OBJECT) || (!isObject && byte === CLOSE_ARRAY)) {
            this.closeContainer(byte, absolute);
            i++;
            break;
          }
          throw this.syntaxError(byte, absolute, isObject ? "',' or '}'" : "',' or ']'");
        }
        default:
          this.mode = MODE_EPILOGUE;
          return i;
      }
      if (this.mode !== MODE_SKELETON) return i;
    }
    return i;
  }

  private parentRole(): number {
    return this.frameRole.length === 0 ? -1 : this.frameRole[this.frameRole.length - 1]!;
  }

  private beginValue(i: number, byte: number, absolute: number): number {
    const parentRole = this.parentRole();
    const key = this.currentKey;
    const isContainer = byte === OPEN_OBJECT || byte === OPEN_ARRAY;
    const isString = byte === QUOTE;
    const isScalar = !isContainer && !isString && isScalarByte(byte);
    if (!isContainer && !isString && !isScalar) throw this.syntaxError(byte, absolute, 'a value');

    if (parentRole === -1) {
      if (byte !== OPEN_OBJECT) {
        throw new HarParseError('not-har', `not a HAR: the document is ${describeValueStart(byte)}, expected an object with a "log" member (byte ${absolute})`, absolute);
      }
      this.pushContainer(true, ROLE_ROOT, absolute);
      return i + 1;
    }
    if (parentRole === ROLE_ROOT && key === 'log') {
      if (byte !== OPEN_OBJECT) {
        throw new HarParseError('not-har', `not a HAR: "log" is ${describeValueStart(byte)}, expected an object (byte ${absolute})`, absolute);
      }
      this.sawLog = true;
      this.pushContainer(true, ROLE_LOG, absolute);
      return i + 1;
    }
    if (parentRole === ROLE_LOG && key === 'entries') {
      if (byte !== OPEN_ARRAY) {
        throw new HarParseError('not-har', `not a HAR: "log.entries" is ${describeValueStart(byte)}, expected an array (byte ${absolute})`, absolute);
      }
      this.frameHadEntries[this.frameHadEntries.length - 1] = true;
      this.pushContainer(false, ROLE_ENTRIES, absolute);
      return i + 1;
    }
    if (parentRole === ROLE_ENTRIES) {
      if (isScalar) {
        this.startScalar(TARGET_ENTRY, absolute);
        return i;
      }
      if (byte !== OPEN_OBJECT) {
        // An array or string where an entry object belongs: step over it, count it, keep going.
        this.entryIndex++;
        this.nonObjectEntries++;
        this.startCapture(TARGET_DISCARD, absolute, i);
        return this.enterCaptureValue(byte, i);
      }
      this.emitOutsideUpTo(i);
      this.startCapture(TARGET_ENTRY, absolute, i);
      return this.enterCaptureValue(byte, i);
    }
    const metadataKey = parentRole === ROLE_LOG && key !== null && METADATA_KEYS.has(key) ? (key as HarMetadataKey) : null;
    if (metadataKey) {
      if (isScalar) {
        this.startScalar(TARGET_METADATA, absolute);
        this.captureMetadataKey = metadataKey;
        return i;
      }
      this.captureMetadataKey = metadataKey;
      this.startCapture(TARGET_METADATA, absolute, i);
      return this.enterCaptureValue(byte, i);
    }
    if (isScalar) {
      this.startScalar(TARGET_DISCARD, absolute);
      return i;
    }
    if (isString) {
      this.startCapture(TARGET_DISCARD, absolute, i);
      return this.enterCaptureValue(byte, i);
    }
    this.pushContainer(byte === OPEN_OBJECT, ROLE_OTHER, absolute);
    return i + 1;
  }

  private pushContainer(isObject: boolean, role: number, absolute: number): void {
    this.frameIsObject.push(isObject);
    this.frameRole.push(role);
    this.frameOffset.push(absolute);
    this.frameHadEntries.push(false);
    this.keyStack.push(this.currentKey);
    this.currentKey = null;
    this.expect = isObject ? EXPECT_KEY_OR_CLOSE : EXPECT_VALUE_OR_CLOSE;
  }

  private closeContainer(byte: number, absolute: number): void {
    const isObject = this.frameIsObject.pop();
    const role = this.frameRole.pop();
    const openedAt = this.frameOffset.pop() ?? 0;
    const hadEntries = this.frameHadEntries.pop();
    this.currentKey = this.keyStack.pop() ?? null;
    if ((byte === CLOSE_OBJECT) !== isObject) throw this.syntaxError(byte, absolute, isObject ? "'}'" : "']'");
    if (role === ROLE_LOG && !hadEntries) {
      throw new HarParseError('not-har', `not a HAR: the "log" object (bytes ${openedAt}-${absolute}) has no "entries" array`, absolute);
    }
    if (role === ROLE_ROOT && !this.sawLog) {
      throw new HarParseError('not-har', `not a HAR: the JSON document (bytes ${openedAt}-${absolute}) has no "log" object`, absolute);
    }
    this.valueDone();
  }

  /** After a complete value: what the enclosing container expects next. */
  private valueDone(): void {
    if (this.frameRole.length === 0) {
      this.expect = EXPECT_NOTHING;
      this.mode = MODE_EPILOGUE;
      return;
    }
    this.expect = EXPECT_COMMA_OR_CLOSE;
    this.mode = MODE_SKELETON;
  }

  private syntaxError(byte: number, absolute: number, expected: string): HarParseError {
    return new HarParseError('not-json', `not JSON: unexpected ${describeByte(byte)} at byte ${absolute}, expected ${expected} (in ${this.describePosition()})`, absolute);
  }

  private describePosition(): string {
    if (this.mode === MODE_CAPTURE && this.captureTarget === TARGET_ENTRY) return `log.entries[${this.entryIndex}]`;
    const names: string[] = [];
    for (let level = 0; level < this.frameRole.length; level++) {
      const role = this.frameRole[level];
      if (role === ROLE_ROOT) continue;
      if (role === ROLE_LOG) names.push('log');
      else if (role === ROLE_ENTRIES) names.push('entries');
      else names.push(this.keyStack[level] ?? '[]');
    }
    if (this.mode === MODE_CAPTURE && this.captureTarget === TARGET_METADATA && this.captureMetadataKey) names.push(this.captureMetadataKey);
    if (this.frameRole.length === 0) return 'the document';
    return names.length === 0 ? 'the top-level object' : `"${names.join('.')}"`;
  }

  // ---- scalars ----

  private startScalar(target: number, absolute: number): void {
    this.scalarTarget = target;
    this.scalarOffset = absolute;
    this.scalarText = '';
    this.mode = MODE_SCALAR;
  }

  private scanScalar(buf: Buffer, start: number): number {
    let i = start;
    while (i < buf.length && isScalarByte(buf[i]!)) {
      if (this.scalarText.length < 64) this.scalarText += String.fromCharCode(buf[i]!);
      i++;
    }
    if (i < buf.length) this.finishScalar();
    return i;
  }

  private finishScalar(): void {
    const value = parseScalar(this.scalarText);
    if (value === undefined) {
      throw new HarParseError(
        'not-json',
        `not JSON: invalid literal "${this.scalarText.slice(0, 24)}" at byte ${this.scalarOffset} (in ${this.describePosition()})`,
        this.scalarOffset,
      );
    }
    if (this.scalarTarget === TARGET_ENTRY) {
      this.entryIndex++;
      this.nonObjectEntries++;
    } else if (this.scalarTarget === TARGET_METADATA && this.captureMetadataKey) {
      this.metadata[this.captureMetadataKey] = value;
      this.captureMetadataKey = null;
    }
    this.valueDone();
  }

  // ---- captured values ----

  private startCapture(target: number, absolute: number, i: number): void {
    this.captureTarget = target;
    this.captureOffset = absolute;
    this.captureDepth = 0;
    this.captureInString = false;
    this.captureEscape = false;
    this.captureSize = 0;
    this.captureParts = [];
    this.captureOverflow = false;
    this.captureStartInChunk = i;
  }

  /** Enter capture mode on the first byte of a value; returns the index after that byte. */
  private enterCaptureValue(byte: number, i: number): number {
    this.mode = MODE_CAPTURE;
    if (byte === QUOTE) this.captureInString = true;
    else this.captureDepth = 1;
    return i + 1;
  }

  /** The quick path: find the end of the captured value, tracking strings, escapes and nesting depth. */
  private scanCapture(buf: Buffer, start: number): number {
    let i = start;
    const length = buf.length;
    let depth = this.captureDepth;
    while (i < length) {
      if (this.captureInString) {
        if (this.captureEscape) {
          this.captureEscape = false;
          i++;
          continue;
        }
        const quote = buf.indexOf(QUOTE, i);
        if (quote === -1) {
          let backslashes = 0;
          for (let k = length - 1; k >= i && buf[k] === BACKSLASH; k--) backslashes++;
          this.captureEscape = (backslashes & 1) === 1;
          i = length;
          break;
        }
        let backslashes = 0;
        for (let k = quote - 1; k >= i && buf[k] === BACKSLASH; k--) backslashes++;
        i = quote + 1;
        if ((backslashes & 1) === 1) continue;
        this.captureInString = false;
        if (depth === 0) {
          this.captureDepth = 0;
          this.finishCapture(buf, i);
          return i;
        }
        continue;
      }
      const byte = buf[i]!;
      if (byte === QUOTE) {
        this.captureInString = true;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        depth++;
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) {
          this.captureDepth = 0;
          this.finishCapture(buf, i + 1);
          return i + 1;
        }
      }
      i++;
    }
    this.captureDepth = depth;
    return i;
  }

  /** At the end of a chunk: keep the bytes of an unfinished capture, hand outside bytes on. */
  private flushChunkEnd(): void {
    const buf = this.chunk;
    if (this.mode === MODE_CAPTURE) {
      const piece = buf.subarray(this.captureStartInChunk);
      this.captureStartInChunk = 0;
      if (this.captureTarget === TARGET_ENTRY) {
        this.appendEntryPiece(piece);
        return;
      }
      this.appendCapturePiece(piece);
    }
    this.emitOutsideUpTo(buf.length);
  }

  private limitFor(target: number): number {
    if (target === TARGET_ENTRY) return this.maxEntryBytes;
    if (target === TARGET_METADATA) return this.maxMetadataBytes;
    if (target === TARGET_KEY) return MAX_KEY_BYTES;
    return 0;
  }

  private appendCapturePiece(piece: Buffer): void {
    if (this.captureTarget === TARGET_DISCARD || this.captureOverflow) return;
    this.captureSize += piece.length;
    if (this.captureSize > this.limitFor(this.captureTarget)) {
      this.captureOverflow = true;
      this.captureParts = [];
      return;
    }
    // Copy: the chunk may be large and the capture small (a key), so do not pin the chunk.
    this.captureParts.push(Buffer.from(piece));
  }

  private appendEntryPiece(piece: Buffer): void {
    this.captureSize += piece.length;
    if (this.captureOverflow) {
      this.emitOversized(piece);
      return;
    }
    this.captureParts.push(piece);
    if (this.captureSize > this.maxEntryBytes) {
      this.captureOverflow = true;
      const parts = this.captureParts;
      this.captureParts = [];
      for (const part of parts) this.emitOversized(part);
    }
  }

  private emitOversized(piece: Buffer): void {
    this.emittedUpTo += piece.length;
    this.handlers.onOversizedEntryBytes?.(piece, this.entryIndex);
  }

  private emitOutsideUpTo(indexInChunk: number): void {
    if (indexInChunk > this.outsideStart) {
      const piece = this.chunk.subarray(this.outsideStart, indexInChunk);
      this.emittedUpTo += piece.length;
      this.handlers.onOutside?.(piece);
    }
    this.outsideStart = indexInChunk;
  }

  private finishCapture(buf: Buffer, endInChunk: number): void {
    const target = this.captureTarget;
    const tail = buf.subarray(this.captureStartInChunk, endInChunk);
    this.captureStartInChunk = endInChunk;
    if (target === TARGET_ENTRY) {
      this.finishEntry(tail, endInChunk);
    } else if (target === TARGET_DISCARD) {
      this.captureParts = [];
    } else {
      this.appendCapturePiece(tail);
      const bytes = this.captureOverflow ? null : Buffer.concat(this.captureParts);
      this.captureParts = [];
      if (target === TARGET_KEY) this.finishKey(bytes);
      else this.finishMetadata(bytes);
      return;
    }
    this.valueDone();
  }

  private finishEntry(tail: Buffer, endInChunk: number): void {
    const index = this.entryIndex++;
    const offset = this.captureOffset;
    if (this.captureOverflow) {
      this.emitOversized(tail);
      this.oversizedEntries++;
      this.handlers.onOversizedEntryEnd?.(index, offset, this.captureSize + tail.length);
    } else {
      const size = this.captureSize + tail.length;
      if (size > this.maxEntryBytes) {
        this.captureParts.push(tail);
        for (const part of this.captureParts) this.emitOversized(part);
        this.oversizedEntries++;
        this.handlers.onOversizedEntryEnd?.(index, offset, size);
      } else {
        const bytes = this.captureParts.length === 0 ? tail : Buffer.concat([...this.captureParts, tail], size);
        this.emittedUpTo += size;
        this.handlers.onEntry(bytes, index, offset);
      }
    }
    this.captureParts = [];
    this.captureOverflow = false;
    this.captureSize = 0;
    this.outsideStart = endInChunk;
  }

  private finishKey(bytes: Buffer | null): void {
    if (bytes === null) {
      this.currentKey = '\u0000long key';
    } else {
      const text = bytes.toString('utf8');
      try {
        this.currentKey = JSON.parse(text) as string;
      } catch (error) {
        throw new HarParseError(
          'not-json',
          `not JSON: bad member name at byte ${jsonErrorOffset(error, text, this.captureOffset)} (${jsonErrorDetail(error)})`,
          jsonErrorOffset(error, text, this.captureOffset),
        );
      }
    }
    this.expect = EXPECT_COLON;
    this.mode = MODE_SKELETON;
  }

  private finishMetadata(bytes: Buffer | null): void {
    const key = this.captureMetadataKey;
    this.captureMetadataKey = null;
    if (key) {
      if (bytes === null) {
        this.skippedMetadata.push(key);
      } else {
        const text = bytes.toString('utf8');
        try {
          this.metadata[key] = JSON.parse(text) as unknown;
        } catch (error) {
          const offset = jsonErrorOffset(error, text, this.captureOffset);
          throw new HarParseError('not-json', `not JSON: in "log.${key}" at byte ${offset}: ${jsonErrorDetail(error)}`, offset);
        }
      }
    }
    this.valueDone();
  }
}

/** One entry's JSON text as the splitter yields it. */
export interface HarEntryText {
  index: number;
  /** Byte offset of the entry's first byte in the input. */
  offset: number;
  text: string;
}

/**
 * Split a HAR byte stream into its entries' JSON texts (bounded memory). Oversized entries are skipped
 * (counted in the returned document info). Returns the document info once the stream ends.
 */
export async function* splitHarEntries(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  options: HarScanOptions = {},
): AsyncGenerator<HarEntryText, HarDocumentInfo, undefined> {
  let ready: HarEntryText[] = [];
  const scanner = new HarEntryScanner(
    {
      onEntry(bytes, index, offset) {
        ready.push({ index, offset, text: bytes.toString('utf8') });
      },
    },
    options,
  );
  for await (const chunk of source) {
    scanner.write(toBuffer(chunk));
    if (ready.length > 0) {
      const batch = ready;
      ready = [];
      yield* batch;
    }
  }
  return scanner.end();
}

export function toBuffer(chunk: Buffer | Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
