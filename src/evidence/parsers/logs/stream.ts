import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { CauseCategory } from '../../../diagnosis/cause-category.js';
import type { Finding } from '../finding.js';
import { LineAnalyzer, MAX_ANALYZED_CHARS, toFinding, type DetailedAnalysis } from './analyze.js';
import type { Hit } from './hit.js';
import { fastClfMs, fastIsoMs } from './timestamps.js';
import { LOG_FORMATS, LogParseError, type LogFormat, type LogParseOptions, type LogParseResult, type LogSignalSummary } from './types.js';

const DEFAULT_MAX_FINDINGS_PER_SIGNAL = 20;
const FORMAT_INDEX = new Map<LogFormat, number>(LOG_FORMATS.map((f, i) => [f, i]));
const MAX_UPSTREAMS_PER_SIGNAL = 10;
/** Bytes looked at before deciding whether the input is a text log at all. */
const SNIFF_BYTES = 8192;

interface SignalAccumulator {
  category: CauseCategory;
  count: number;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  upstreams: Set<string>;
}

/**
 * Splits text into lines and reads each one, keeping only the summary counters, the capped
 * findings and the unfinished last line, so memory stays flat whatever the file size.
 */
class LogCollector {
  private readonly analyzer = new LineAnalyzer();
  private readonly maxPerSignal: number;
  private readonly findings: Finding[] = [];
  // Counters indexed by format and by status: cheaper than maps on the per-line path.
  private readonly formatCounts = new Float64Array(LOG_FORMATS.length);
  private readonly statusCounts = new Float64Array(600);
  private readonly signals = new Map<string, SignalAccumulator>();
  private lines = 0;
  private recognized = 0;
  private blank = 0;
  private firstMs = Infinity;
  private lastMs = -Infinity;
  private carry = '';
  private carryTruncated = false;

  // Scratch results of the fast path (no allocation per line).
  private fastFormat: LogFormat | null = null;
  private fastStatus = 0;
  private fastMs: number | null = null;

  constructor(options: LogParseOptions) {
    const max = options.maxFindingsPerSignal;
    this.maxPerSignal = max !== undefined && Number.isFinite(max) && max >= 0 ? Math.floor(max) : DEFAULT_MAX_FINDINGS_PER_SIGNAL;
  }

  push(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (this.carry !== '' || this.carryTruncated) {
      if (nl === -1) {
        this.appendCarry(text);
        return;
      }
      this.appendCarry(text.slice(0, nl));
      const line = this.carry;
      this.carry = '';
      this.carryTruncated = false;
      this.handleLine(line);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      this.handleLine(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length) this.appendCarry(text.slice(start));
  }

  /** Very long lines keep only their first MAX_ANALYZED_CHARS characters. */
  private appendCarry(piece: string): void {
    if (this.carryTruncated) return;
    const room = MAX_ANALYZED_CHARS - this.carry.length;
    if (piece.length > room) {
      this.carry += piece.slice(0, room);
      this.carryTruncated = true;
    } else {
      this.carry += piece;
    }
  }

  finish(): LogParseResult {
    if (this.carry !== '' || this.carryTruncated) {
      const line = this.carry;
      this.carry = '';
      this.carryTruncated = false;
      this.handleLine(line);
    }
    const signals: Record<string, LogSignalSummary> = {};
    for (const [name, s] of this.signals) {
      signals[name] = { category: s.category, count: s.count, firstSeenAt: s.firstSeenAt, lastSeenAt: s.lastSeenAt, upstreams: [...s.upstreams] };
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
        firstAt: Number.isFinite(this.firstMs) ? new Date(this.firstMs).toISOString() : null,
        lastAt: Number.isFinite(this.lastMs) ? new Date(this.lastMs).toISOString() : null,
      },
    };
  }

  private handleLine(raw: string): void {
    this.lines++;
    let line = raw;
    const len = line.length;
    if (len > 0 && line.charCodeAt(len - 1) === 13) line = line.slice(0, len - 1);
    if (this.lines === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.length > MAX_ANALYZED_CHARS) line = line.slice(0, MAX_ANALYZED_CHARS);
    if (isBlank(line)) {
      this.blank++;
      return;
    }
    if (this.fastPath(line)) {
      this.count(this.fastFormat!, this.fastStatus, this.fastMs);
      return;
    }
    const a = this.analyzer.analyze(line, this.fastFormat ?? undefined);
    const ms = a.observedAt !== null ? Date.parse(a.observedAt) : null;
    if (a.format === null) {
      if (ms !== null) this.seeTime(ms);
      return;
    }
    this.count(a.format, a.status ?? 0, ms);
    for (const h of a.hits) this.record(a, h);
  }

  private count(format: LogFormat, status: number, ms: number | null): void {
    this.recognized++;
    this.formatCounts[FORMAT_INDEX.get(format)!]!++;
    if (status > 0 && status < 600) this.statusCounts[status]!++;
    if (ms !== null) this.seeTime(ms);
  }

  private seeTime(ms: number): void {
    if (ms < this.firstMs) this.firstMs = ms;
    if (ms > this.lastMs) this.lastMs = ms;
  }

  /** Count a hit in the summary; build its finding (excerpt and all) only while under the cap. */
  private record(a: DetailedAnalysis, h: Hit): void {
    let s = this.signals.get(h.signal);
    if (!s) {
      s = { category: h.category, count: 0, firstSeenAt: null, lastSeenAt: null, upstreams: new Set() };
      this.signals.set(flatten(h.signal), s);
    }
    s.count++;
    const at = a.observedAt;
    if (at !== null) {
      if (s.firstSeenAt === null || at < s.firstSeenAt) s.firstSeenAt = flatten(at);
      if (s.lastSeenAt === null || at > s.lastSeenAt) s.lastSeenAt = flatten(at);
    }
    const upstream = h.upstream ?? a.upstream;
    if (upstream && s.upstreams.size < MAX_UPSTREAMS_PER_SIGNAL && !s.upstreams.has(upstream)) {
      s.upstreams.add(flatten(upstream));
    }
    if (s.count <= this.maxPerSignal) {
      // A deep copy, so the kept finding shares no memory with the chunk its line was cut from.
      this.findings.push(JSON.parse(JSON.stringify(toFinding(a, h, this.lines))) as Finding);
    }
  }

  /**
   * Most lines of a big log are successful access-log lines: read their status and time with
   * fixed-position checks and skip the analysers. Returns true when the line needs nothing else;
   * otherwise leaves `fastFormat` as a hint (or null) for the full analysis.
   */
  private fastPath(line: string): boolean {
    this.fastFormat = null;
    this.fastMs = null;
    this.fastStatus = 0;
    // Syslog-prefixed lines (`Feb 25 16:19:49 host haproxy[7]: …`) start with a month name.
    const c0 = line.charCodeAt(0);
    if (c0 >= 65 && c0 <= 90) {
      const done = this.fastHaproxy(line);
      if (this.fastFormat !== null) return done;
    }
    const close = line.indexOf('] "');
    if (close > 0) {
      let format: LogFormat | null = null;
      let ms: number | null = null;
      if (line.charCodeAt(0) === 91 && line.charCodeAt(5) === 45 && line.charCodeAt(11) === 84) {
        format = 'envoy-access';
        ms = fastIsoMs(line, 1);
      } else if (close >= 27 && line.charCodeAt(close - 27) === 91 && line.charCodeAt(close - 6) === 32) {
        format = 'combined-access';
        ms = fastClfMs(line, close - 26);
      }
      if (format === null || ms === null) return false;
      const reqEnd = line.indexOf('" ', close + 3);
      if (reqEnd < 0) return false;
      const status = readStatus(line, reqEnd + 2);
      if (status < 0) return false;
      this.fastMs = ms;
      this.fastStatus = status;
      const afterStatus = reqEnd + 2 + (status === 0 ? 1 : 3);
      if (format === 'envoy-access') {
        this.fastFormat = format;
        // `- ` after the status: no response flags.
        return status < 500 && line.charCodeAt(afterStatus + 1) === 45 && line.charCodeAt(afterStatus + 2) === 32;
      }
      const lastQuote = line.lastIndexOf('"');
      if (lastQuote > afterStatus && line.indexOf('[', lastQuote) !== -1) {
        this.fastFormat = 'ingress-nginx-access';
        return status < 500 && ((status !== 404 && status !== 503) || line.indexOf('default-backend', lastQuote) === -1);
      }
      if (lastQuote > afterStatus && line.endsWith('ms')) {
        this.fastFormat = 'traefik-access';
        return status < 500;
      }
      this.fastFormat = 'combined-access';
      return status < 500;
    }
    return c0 >= 65 && c0 <= 90 ? false : this.fastHaproxy(line);
  }

  /** `… [25/Feb/2019:16:19:48.143] fe be/srv Tq/Tw/Tc/Tr/Ta status bytes - - ---- …` */
  private fastHaproxy(line: string): boolean {
    let j = line.indexOf(' [');
    for (let tries = 0; j !== -1 && tries < 3; tries++) {
      if (
        line.charCodeAt(j + 4) === 47 &&
        line.charCodeAt(j + 8) === 47 &&
        line.charCodeAt(j + 13) === 58 &&
        line.charCodeAt(j + 22) === 46 &&
        line.charCodeAt(j + 26) === 93
      ) {
        break;
      }
      j = line.indexOf(' [', j + 2);
    }
    if (j === -1 || line.charCodeAt(j + 26) !== 93) return false;
    const ms = fastClfMs(line, j + 2);
    if (ms === null) return false;
    // Skip frontend and backend/server.
    let p = line.indexOf(' ', j + 28);
    if (p < 0) return false;
    p = line.indexOf(' ', p + 1);
    if (p < 0) return false;
    const timersEnd = line.indexOf(' ', p + 1);
    if (timersEnd < 0) return false;
    let slashes = 0;
    for (let k = p + 1; k < timersEnd; k++) if (line.charCodeAt(k) === 47) slashes++;
    this.fastFormat = 'haproxy';
    this.fastMs = ms;
    if (slashes === 4) {
      const status = readStatus(line, timersEnd + 1);
      if (status < 0) return false;
      this.fastStatus = status;
      // status, bytes, two captured cookies, then the termination state.
      let q = timersEnd + 1;
      for (let k = 0; k < 4; k++) {
        q = line.indexOf(' ', q) + 1;
        if (q === 0) return false;
      }
      return status < 500 && line.charCodeAt(q) === 45 && line.charCodeAt(q + 1) === 45;
    }
    if (slashes === 2) {
      const bytesEnd = line.indexOf(' ', timersEnd + 1);
      if (bytesEnd < 0) return false;
      return line.charCodeAt(bytesEnd + 1) === 45 && line.charCodeAt(bytesEnd + 2) === 45;
    }
    return false;
  }
}

/** A 3-digit status (or Envoy's "0") followed by a space or the end; -1 when there is none. */
function readStatus(line: string, i: number): number {
  const a = line.charCodeAt(i) - 48;
  if (a === 0 && (line.charCodeAt(i + 1) === 32 || i + 1 === line.length)) return 0;
  const b = line.charCodeAt(i + 1) - 48;
  const c = line.charCodeAt(i + 2) - 48;
  if (a < 1 || a > 5 || b < 0 || b > 9 || c < 0 || c > 9) return -1;
  const next = line.charCodeAt(i + 3);
  if (next !== 32 && i + 3 !== line.length) return -1;
  return a * 100 + b * 10 + c;
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
  collector.push(text);
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
    collector.push(text);
    for await (const chunk of rest) collector.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
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
  const decoder = encoding === 'utf8' ? new StringDecoder('utf8') : new TextDecoder(encoding);
  const decode = (b: Buffer): string => (decoder instanceof StringDecoder ? decoder.write(b) : decoder.decode(b, { stream: true }));
  const headText = decode(headBuf);
  sniffText(headText);
  collector.push(headText);
  for await (const chunk of rest) collector.push(typeof chunk === 'string' ? chunk : decode(chunk));
  const tail = decoder instanceof StringDecoder ? decoder.end() : decoder.decode();
  if (tail) collector.push(tail);
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
