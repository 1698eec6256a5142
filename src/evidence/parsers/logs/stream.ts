import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { CauseCategory } from '../../../diagnosis/cause-category.js';
import type { Finding } from '../finding.js';
import { LineAnalyzer, MAX_ANALYZED_CHARS, toFinding, type DetailedAnalysis } from './analyze.js';
import type { Hit } from './hit.js';
import { statusSignal } from './access.js';
import { FastLine, readFastLine } from './fast-path.js';
import { nginxMessageKey, upstreamOf } from './nginx.js';
import { toIso } from './timestamps.js';
import { LOG_FORMATS, LogParseError, type LogFormat, type LogParseOptions, type LogParseResult, type LogSignalSummary } from './types.js';

const DEFAULT_MAX_FINDINGS_PER_SIGNAL = 20;
const FORMAT_INDEX = new Map<LogFormat, number>(LOG_FORMATS.map((f, i) => [f, i]));
const MAX_UPSTREAMS_PER_SIGNAL = 10;
/** Bytes looked at before deciding whether the input is a text log at all. */
const SNIFF_BYTES = 8192;

interface SignalAccumulator {
  category: CauseCategory;
  count: number;
  firstMs: number;
  lastMs: number;
  upstreams: Set<string>;
}

/**
 * Longest stretch of one line that is kept, in bytes: enough for MAX_ANALYZED_CHARS characters
 * (a UTF-16 code unit takes at most 3 bytes of UTF-8).
 */
const MAX_LINE_BYTES = 3 * MAX_ANALYZED_CHARS;

/**
 * Splits UTF-8 bytes into lines and reads each one, keeping only the summary counters, the capped
 * findings and the unfinished last line, so memory stays flat whatever the file size. Lines the
 * byte-level fast path settles are never decoded; the rest are decoded one by one and analysed.
 */
class LogCollector {
  private readonly analyzer = new LineAnalyzer();
  private readonly maxPerSignal: number;
  private readonly fastPath: boolean;
  private readonly findings: Finding[] = [];
  // Counters indexed by format and by status: cheaper than maps on the per-line path.
  private readonly formatCounts = new Float64Array(LOG_FORMATS.length);
  private readonly statusCounts = new Float64Array(600);
  private readonly signals = new Map<string, SignalAccumulator>();
  private lines = 0;
  private recognized = 0;
  private lastFormat: LogFormat | null = null;
  private lastFormatIndex = 0;
  private blank = 0;
  private firstMs = Infinity;
  private lastMs = -Infinity;
  /** The unfinished last line: copies of its pieces, at most MAX_LINE_BYTES in all. */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** Scratch result of the fast path (no allocation per line); its format is the analysers' hint. */
  private readonly fast = new FastLine();
  /** The signals of nginx error messages already analysed, by level and message (see nginxMessageKey). */
  private readonly nginxRepeats = new Map<string, readonly string[]>();

  constructor(options: LogParseOptions) {
    const max = options.maxFindingsPerSignal;
    this.maxPerSignal = max !== undefined && Number.isFinite(max) && max >= 0 ? Math.floor(max) : DEFAULT_MAX_FINDINGS_PER_SIGNAL;
    this.fastPath = options.fullAnalysis !== true;
  }

  pushText(text: string): void {
    this.pushBytes(Buffer.from(text, 'utf8'));
  }

  /** UTF-8 bytes; a line (or a multi-byte character) may straddle two pushes. */
  pushBytes(buf: Buffer): void {
    let start = 0;
    if (this.carryBytes > 0) {
      const nl = buf.indexOf(10, 0);
      if (nl === -1) {
        this.appendCarry(buf, 0, buf.length);
        return;
      }
      this.appendCarry(buf, 0, nl);
      const line = Buffer.concat(this.carry, this.carryBytes);
      this.carry = [];
      this.carryBytes = 0;
      this.handleLine(line, 0, line.length);
      start = nl + 1;
    }
    start = this.readLines(buf, start);
    if (start < buf.length) this.appendCarry(buf, start, buf.length);
  }

  /**
   * The complete lines of `buf` from `start`; returns where the unfinished last line begins. A
   * function of its own: with the loop inlined in pushBytes, V8 sometimes fell into a loop of
   * deoptimising pushBytes on entry and optimising it again mid-loop, a third slower all along.
   */
  private readLines(buf: Buffer, start: number): number {
    let s = start;
    for (let nl = buf.indexOf(10, s); nl !== -1; nl = buf.indexOf(10, s)) {
      this.handleLine(buf, s, nl);
      s = nl + 1;
    }
    return s;
  }

  /** Very long lines keep only their first MAX_LINE_BYTES bytes. */
  private appendCarry(buf: Buffer, s: number, e: number): void {
    const take = Math.min(e - s, MAX_LINE_BYTES - this.carryBytes);
    if (take <= 0) return;
    // A copy, so the carry does not keep the whole chunk alive.
    this.carry.push(Buffer.from(buf.subarray(s, s + take)));
    this.carryBytes += take;
  }

  finish(): LogParseResult {
    if (this.carryBytes > 0) {
      const line = Buffer.concat(this.carry, this.carryBytes);
      this.carry = [];
      this.carryBytes = 0;
      this.handleLine(line, 0, line.length);
    }
    // A response of curl output still open at the end belongs to the last line.
    const open = this.analyzer.flush();
    if (open) this.recordEnded(open);
    const signals: Record<string, LogSignalSummary> = {};
    for (const [name, s] of this.signals) {
      signals[name] = {
        category: s.category,
        count: s.count,
        firstSeenAt: toIso(s.firstMs),
        lastSeenAt: toIso(s.lastMs),
        upstreams: [...s.upstreams],
      };
    }
    const statusCounts: Record<string, number> = {};
    for (let status = 0; status < this.statusCounts.length; status++) {
      if (this.statusCounts[status]! > 0) statusCounts[String(status)] = this.statusCounts[status]!;
    }
    const formats: Record<string, number> = {};
    LOG_FORMATS.forEach((name, i) => {
      if (this.formatCounts[i]! > 0) formats[name] = this.formatCounts[i]!;
    });
    return {
      findings: this.findings,
      summary: {
        lines: this.lines,
        recognizedLines: this.recognized,
        unrecognizedLines: this.lines - this.recognized - this.blank,
        blankLines: this.blank,
        formats,
        signals,
        statusCounts,
        firstAt: toIso(this.firstMs),
        lastAt: toIso(this.lastMs),
      },
    };
  }

  /** One line: `b[s, end)` without its newline. */
  private handleLine(b: Buffer, s: number, end: number): void {
    this.lines++;
    let e = end - s > MAX_LINE_BYTES ? s + MAX_LINE_BYTES : end;
    if (e > s && b[e - 1] === 13) e--;
    this.fast.format = null;
    // A BOM on the first line and over-long lines (cut by characters) are left to the text path.
    // While curl output spans lines every line goes to the analyser, which tells its body from a log.
    if (this.fastPath && e - s <= MAX_ANALYZED_CHARS && !(this.lines === 1 && b[s] === 0xef) && !this.analyzer.spansLines) {
      if (isBlankBytes(b, s, e)) {
        this.blank++;
        return;
      }
      if (readFastLine(b, s, e, this.fast)) {
        this.count(this.fast.format!, this.fast.status, this.fast.ms);
        return;
      }
      if (this.fast.format === 'combined-access' && this.countRepeatedStatus()) return;
    }
    this.handleText(b.toString('utf8', s, e));
  }

  private handleText(raw: string): void {
    let line = raw;
    if (this.lines === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.length > MAX_ANALYZED_CHARS) line = line.slice(0, MAX_ANALYZED_CHARS);
    if (isBlank(line)) {
      this.blank++;
      return;
    }
    const repeat = this.fastPath && !this.analyzer.spansLines ? nginxMessageKey(line) : null;
    if (repeat !== null) {
      const signals = this.nginxRepeats.get(repeat.key);
      if (signals !== undefined && this.countRepeat(signals, repeat.observedMs, line)) return;
    }
    const a = this.analyzer.analyze(line, this.fast.format ?? undefined);
    if (a.extra) this.recordEnded(a.extra);
    if (repeat !== null && a.format === 'nginx-error' && isRepeatable(a.hits)) {
      if (this.nginxRepeats.size >= MAX_REMEMBERED_MESSAGES) this.nginxRepeats.clear();
      this.nginxRepeats.set(repeat.key, a.hits.map((h) => h.signal));
    }
    const ms = a.observedMs;
    if (a.format === null) {
      if (ms !== null) this.seeTime(ms);
      return;
    }
    this.count(a.format, a.status ?? 0, ms);
    for (const h of a.hits) this.record(a, h);
  }

  /**
   * A plain combined line the fast path read whole but for its 5xx status: the full analysis would
   * give the status's signal and nothing else (`statusHits`, no upstream). Once that signal has all
   * the findings it keeps, the line only adds to the counts, so it is counted here without being
   * decoded: in an outage these lines come by the thousand.
   */
  private countRepeatedStatus(): boolean {
    const status = this.fast.status;
    const ms = this.fast.ms;
    const known = statusSignal(status);
    if (known === null) {
      this.count('combined-access', status, ms);
      return true;
    }
    const s = this.signals.get(known.signal);
    if (s === undefined || s.count < this.maxPerSignal) return false;
    this.count('combined-access', status, ms);
    countOccurrence(s, ms, null);
    return true;
  }

  /**
   * An nginx error line whose level and message were seen before: its signals are known. When each
   * of them keeps no more findings, the line only adds to the counts (and maybe an upstream), which
   * is done here without the classifier. Otherwise it is analysed in full.
   */
  private countRepeat(signals: readonly string[], ms: number, line: string): boolean {
    for (const signal of signals) {
      const s = this.signals.get(signal);
      if (s === undefined || s.count < this.maxPerSignal) return false;
    }
    const upstream = signals.length > 0 ? upstreamOf(line) : null;
    this.count('nginx-error', 0, ms);
    for (const signal of signals) countOccurrence(this.signals.get(signal)!, ms, upstream);
    return true;
  }

  private count(format: LogFormat, status: number, ms: number | null): void {
    this.recognized++;
    // Consecutive lines mostly share a format: skip the map lookup then.
    if (format !== this.lastFormat) {
      this.lastFormat = format;
      this.lastFormatIndex = FORMAT_INDEX.get(format)!;
    }
    this.formatCounts[this.lastFormatIndex]!++;
    if (status > 0 && status < 600) this.statusCounts[status]!++;
    if (ms !== null) this.seeTime(ms);
  }

  private seeTime(ms: number): void {
    if (ms < this.firstMs) this.firstMs = ms;
    if (ms > this.lastMs) this.lastMs = ms;
  }

  /** A reading that ended on a line already counted (a judged curl response): its status and hits only. */
  private recordEnded(a: DetailedAnalysis): void {
    if (a.format === null) return;
    if (a.status !== null && a.status > 0 && a.status < 600) this.statusCounts[a.status]!++;
    for (const h of a.hits) this.record(a, h);
  }

  /** Count a hit in the summary; build its finding (excerpt and all) only while under the cap. */
  private record(a: DetailedAnalysis, h: Hit): void {
    let s = this.signals.get(h.signal);
    if (!s) {
      s = { category: h.category, count: 0, firstMs: Infinity, lastMs: -Infinity, upstreams: new Set() };
      this.signals.set(flatten(h.signal), s);
    }
    countOccurrence(s, a.observedMs, h.upstream ?? a.upstream);
    if (s.count <= this.maxPerSignal) {
      // A deep copy, so the kept finding shares no memory with the line it was read from.
      this.findings.push(JSON.parse(JSON.stringify(toFinding(a, h, this.lines))) as Finding);
    }
  }
}

/** One more occurrence of a signal: its count, its first and last time, and maybe a new upstream. */
function countOccurrence(s: SignalAccumulator, ms: number | null, upstream: string | null | undefined): void {
  s.count++;
  if (ms !== null) {
    if (ms < s.firstMs) s.firstMs = ms;
    if (ms > s.lastMs) s.lastMs = ms;
  }
  if (upstream && s.upstreams.size < MAX_UPSTREAMS_PER_SIGNAL && !s.upstreams.has(upstream)) s.upstreams.add(flatten(upstream));
}

/** Distinct nginx messages remembered; a log with more starts over (they are cheap to relearn). */
const MAX_REMEMBERED_MESSAGES = 1000;

/**
 * Whether a message's signals depend on it alone. A missing unix socket is read from the whole
 * line (the socket path may be only in the upstream field), so those lines are always analysed.
 * Hits naming their own upstream are left to the full path as well.
 */
function isRepeatable(hits: readonly Hit[]): boolean {
  for (const h of hits) if (h.signal.startsWith('nginx.upstream_socket') || h.upstream != null) return false;
  return true;
}

function isBlankBytes(b: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}

function flatten(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

// ---- is this a text log at all? --------------------------------------------------------

const MAGIC: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'a PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable (ELF)'],
  [[0x42, 0x5a, 0x68], 'a bzip2 archive (decompress it first)'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'an xz archive (decompress it first)'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'a zstd archive (decompress it first)'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive'],
];

function startsWith(buf: Buffer, bytes: number[]): boolean {
  if (buf.length < bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[i] !== bytes[i]) return false;
  return true;
}

type Encoding = 'utf8' | 'utf-16le' | 'utf-16be' | 'gzip';

/** What the first bytes say about the input: how to decode it, or why it is not a log. */
function sniffBytes(head: Buffer): Encoding {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  for (const [bytes, what] of MAGIC) {
    if (startsWith(head, bytes)) throw new LogParseError(`Not a text log: the file is ${what}.`);
  }
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') {
    throw new LogParseError('Not a text log: the file is a WebP image.');
  }
  const n = Math.min(head.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) throw new LogParseError('Not a text log: the file contains NUL bytes (binary data).');
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 11 && b !== 27) control++;
  }
  if (n > 0 && control / n > 0.1) throw new LogParseError('Not a text log: the file is mostly control characters (binary data).');
  return 'utf8';
}

/** Text-level checks: NUL characters, and a HAR (or other JSON document) uploaded as a log. */
function sniffText(head: string): void {
  const t = (head.charCodeAt(0) === 0xfeff ? head.slice(1) : head).slice(0, SNIFF_BYTES);
  if (t.indexOf('\u0000') !== -1) throw new LogParseError('Not a text log: the text contains NUL characters (binary data).');
  const start = t.trimStart();
  // A HAR's only top-level key is "log", holding an object (a container runtime's JSON log
  // line also starts with "log", but holding a string).
  if (/^(?:[\w$.]+\s*\(\s*)?\{\s*"log"\s*:\s*[[{]/.test(start)) {
    throw new LogParseError('Not a log file: this is a HAR (HTTP Archive) JSON document; upload it as HAR evidence.');
  }
}

/** Read a whole log held in memory. Same result as `parseLogStream` on the same text. */
export function parseLogText(text: string, options: LogParseOptions = {}): LogParseResult {
  sniffText(text);
  const collector = new LogCollector(options);
  collector.pushText(text);
  return collector.finish();
}

/**
 * Read a log as it streams in (Buffers or strings), with memory bounded by the findings cap and
 * the longest kept line. gzip input is decompressed; UTF-16 with a BOM is decoded.
 * Throws `LogParseError` when the input is not a text log (binary, image, archive, HAR).
 */
export async function parseLogStream(source: AsyncIterable<Buffer | string>, options: LogParseOptions = {}): Promise<LogParseResult> {
  const collector = new LogCollector(options);
  await consume(source, collector, 0);
  return collector.finish();
}

async function consume(source: AsyncIterable<Buffer | string>, collector: LogCollector, depth: number): Promise<void> {
  const it = source[Symbol.asyncIterator]();
  const head: Array<Buffer | string> = [];
  let size = 0;
  let done = false;
  while (size < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    head.push(r.value);
    size += r.value.length;
  }
  const rest = remaining(it, done);

  if (head.every((c) => typeof c === 'string')) {
    const text = head.join('');
    sniffText(text);
    collector.pushText(text);
    for await (const chunk of rest) {
      if (typeof chunk === 'string') collector.pushText(chunk);
      else collector.pushBytes(chunk);
    }
    return;
  }

  const headBuf = Buffer.concat(head.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
  const encoding = sniffBytes(headBuf);
  if (encoding === 'gzip') {
    if (depth > 0) throw new LogParseError('Not a text log: nested gzip compression.');
    const gunzip = Readable.from(prepend(headBuf, rest)).pipe(createGunzip());
    try {
      await consume(gunzip, collector, depth + 1);
    } catch (err) {
      if (err instanceof LogParseError) throw err;
      throw new LogParseError(`Not a readable gzip file: ${err instanceof Error ? err.message : String(err)}.`);
    }
    return;
  }
  if (encoding === 'utf8') {
    // Only the sniff needs text, and only its first SNIFF_BYTES characters (at most 3 bytes each,
    // after a 3-byte BOM); the lines are split and read from the bytes.
    sniffText(headBuf.toString('utf8', 0, 3 * SNIFF_BYTES + 3));
    collector.pushBytes(headBuf);
    for await (const chunk of rest) {
      if (typeof chunk === 'string') collector.pushText(chunk);
      else collector.pushBytes(chunk);
    }
    return;
  }
  const decoder = new TextDecoder(encoding);
  const headText = decoder.decode(headBuf, { stream: true });
  sniffText(headText);
  collector.pushText(headText);
  for await (const chunk of rest) collector.pushText(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  const tail = decoder.decode();
  if (tail) collector.pushText(tail);
}

async function* remaining(it: AsyncIterator<Buffer | string>, done: boolean): AsyncGenerator<Buffer | string> {
  if (done) return;
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

async function* prepend(first: Buffer, rest: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  yield first;
  for await (const chunk of rest) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}
