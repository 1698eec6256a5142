/**
 * Log parser throughput: generates a mixed nginx/Envoy/HAProxy log of the given size (mostly 2xx,
 * a few percent failures with their error-log lines), then measures in the same process the floor
 * (stream the file, split it into lines, count them) and the parser (stream it through
 * parseLogStream). Run from compiled output: `node dist/bench/evidence-logs.js 200`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { pathToFileURL } from 'node:url';
import { parseLogStream } from '../src/evidence/parsers/logs/index.js';

export interface LogBenchResult {
  sizeMb: number;
  parseMbPerS: number;
  splitMbPerS: number;
  ratio: number;
  peakRssMb: number;
  lines: number;
  findings: number;
}

const READ_CHUNK = 1 << 20;
/** Timed rounds of the floor and the parser, alternating. */
const ROUNDS = 5;

/** Small deterministic PRNG so runs are comparable. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PATHS = ['/', '/api/v1/orders', '/api/v1/users/42', '/static/app.js', '/healthz', '/api/v2/search?q=shoes&page=3', '/login', '/cart/checkout'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'curl/8.5.0',
  'Go-http-client/2.0',
];
const OK_STATUSES = [200, 200, 200, 200, 200, 201, 204, 301, 304, 404];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function clf(d: Date): string {
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function nginxTime(d: Date): string {
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function haproxyTime(d: Date): string {
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** One line (sometimes two: an access line and its error-log line) in one of the three shapes. */
function makeLines(rand: () => number, t: Date): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const ip = `${10 + Math.floor(rand() * 200)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${1 + Math.floor(rand() * 254)}`;
  const upstream = `10.0.${Math.floor(rand() * 16)}.${1 + Math.floor(rand() * 60)}:${pick([8080, 3000, 9000])}`;
  const failing = rand() < 0.03;
  const shape = rand();
  const reqPath = pick(PATHS);
  const ua = pick(AGENTS);
  if (shape < 0.45) {
    if (!failing) {
      return `${ip} - - [${clf(t)}] "GET ${reqPath} HTTP/1.1" ${pick(OK_STATUSES)} ${Math.floor(rand() * 50_000)} "-" "${ua}"\n`;
    }
    const kind = rand();
    const access = `${ip} - - [${clf(t)}] "GET ${reqPath} HTTP/1.1" ${kind < 0.7 ? 502 : 504} 157 "-" "${ua}"\n`;
    const cid = Math.floor(rand() * 1e6);
    const error =
      kind < 0.4
        ? `${nginxTime(t)} [error] 31#31: *${cid} connect() failed (111: Connection refused) while connecting to upstream, client: ${ip}, server: shop.example.com, request: "GET ${reqPath} HTTP/1.1", upstream: "http://${upstream}${reqPath}", host: "shop.example.com"\n`
        : kind < 0.7
          ? `${nginxTime(t)} [error] 31#31: *${cid} upstream prematurely closed connection while reading response header from upstream, client: ${ip}, server: shop.example.com, request: "GET ${reqPath} HTTP/1.1", upstream: "http://${upstream}${reqPath}", host: "shop.example.com"\n`
          : `${nginxTime(t)} [error] 31#31: *${cid} upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${ip}, server: shop.example.com, request: "GET ${reqPath} HTTP/1.1", upstream: "http://${upstream}${reqPath}", host: "shop.example.com"\n`;
    return access + error;
  }
  if (shape < 0.75) {
    const [status, flags, details] = failing
      ? pick([
          [503, 'UF,URX', 'upstream_reset_before_response_started{remote_connection_failure,delayed_connect_error:_111}'],
          [503, 'UH', 'no_healthy_upstream'],
          [503, 'UC', 'upstream_reset_before_response_started{connection_termination}'],
          [504, 'UT', 'upstream_response_timeout'],
        ] as const)
      : ([pick(OK_STATUSES), '-', 'via_upstream'] as const);
    const duration = Math.floor(rand() * 300);
    return `[${t.toISOString()}] "GET ${reqPath} HTTP/1.1" ${status} ${flags} ${details} - "-" 0 ${Math.floor(rand() * 20_000)} ${duration} ${duration - 1} "${ip}" "${ua}" "${Math.floor(rand() * 1e12).toString(16)}-4e1d-9a1b-1c2d3e4f5a6b" "shop.example.com" "${upstream}" outbound|8080||orders.shop.svc.cluster.local 10.1.2.3:41234 10.1.2.4:8080 ${ip}:51234 - default\n`;
  }
  const [status, term, timers] = failing
    ? pick([
        [502, 'SH--', '0/0/1/-1/12'],
        [504, 'sH--', '0/0/1/-1/30001'],
        [503, 'SC--', '0/0/-1/-1/3003'],
      ] as const)
    : ([pick(OK_STATUSES), '----', `0/0/${Math.floor(rand() * 5)}/${Math.floor(rand() * 400)}/${Math.floor(rand() * 500)}`] as const);
  const day = t.getUTCDate();
  return `${MONTHS[t.getUTCMonth()]} ${day < 10 ? ' ' : ''}${day} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} lb1 haproxy[4721]: ${ip}:${40_000 + Math.floor(rand() * 20_000)} [${haproxyTime(t)}] www~ be_app/app${1 + Math.floor(rand() * 9)} ${timers} ${status} ${Math.floor(rand() * 30_000)} - - ${term} 12/11/3/1/0 0/0 "GET ${reqPath} HTTP/1.1"\n`;
}

async function generate(file: string, bytes: number): Promise<void> {
  const rand = prng(42);
  const out = createWriteStream(file);
  let written = 0;
  let ms = Date.UTC(2026, 2, 14, 9, 0, 0);
  while (written < bytes) {
    const batch: string[] = [];
    let batchLen = 0;
    while (batchLen < 1 << 20) {
      ms += Math.floor(rand() * 40);
      const s = makeLines(rand, new Date(ms));
      batch.push(s);
      batchLen += s.length;
    }
    const chunk = batch.join('');
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** The floor: decode and split into lines (the same way the parser does), nothing else. */
async function splitOnly(file: string): Promise<{ lines: number; chars: number }> {
  const decoder = new StringDecoder('utf8');
  let lines = 0;
  let chars = 0;
  let carry = '';
  const take = (line: string): void => {
    lines++;
    chars += line.length;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) {
    const text = decoder.write(chunk as Buffer);
    let start = 0;
    let nl = text.indexOf('\n');
    if (carry !== '' && nl !== -1) {
      take(carry + text.slice(0, nl));
      carry = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      take(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    carry += text.slice(start);
  }
  if (carry.length > 0) take(carry);
  return { lines, chars };
}

export async function benchLogs(sizeMb: number): Promise<LogBenchResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stepwise-logbench-'));
  const file = path.join(dir, 'mixed.log');
  try {
    await generate(file, sizeMb * 1024 * 1024);
    const actualMb = (await stat(file)).size / (1024 * 1024);

    // The two are timed in alternating rounds after one untimed pass of each (the file in the page
    // cache, the JIT warm), and each keeps its best round: on a shared machine a slow phase then
    // lands on both sides instead of on one.
    await splitOnly(file);
    await parseLogStream(createReadStream(file, { highWaterMark: READ_CHUNK }));
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    let splitSeconds = Infinity;
    let splitLines = 0;
    let parseSeconds = Infinity;
    let result: Awaited<ReturnType<typeof parseLogStream>> | null = null;
    for (let round = 0; round < ROUNDS; round++) {
      let t0 = process.hrtime.bigint();
      splitLines = (await splitOnly(file)).lines;
      splitSeconds = Math.min(splitSeconds, Number(process.hrtime.bigint() - t0) / 1e9);
      t0 = process.hrtime.bigint();
      result = await parseLogStream(createReadStream(file, { highWaterMark: READ_CHUNK }));
      parseSeconds = Math.min(parseSeconds, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (!result) throw new Error('parser produced no result');
    if (result.summary.lines !== splitLines) {
      throw new Error(`line counts differ: split ${splitLines}, parser ${result.summary.lines}`);
    }
    const splitMbPerS = actualMb / splitSeconds;
    const parseMbPerS = actualMb / parseSeconds;
    return {
      sizeMb: Math.round(actualMb * 10) / 10,
      parseMbPerS: Math.round(parseMbPerS * 10) / 10,
      splitMbPerS: Math.round(splitMbPerS * 10) / 10,
      ratio: Math.round((parseMbPerS / splitMbPerS) * 1000) / 1000,
      peakRssMb: Math.round(peakRss / (1024 * 1024)),
      lines: result.summary.lines,
      findings: result.findings.length,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = Number(process.argv[2] ?? 200);
  benchLogs(Number.isFinite(size) && size > 0 ? size : 200).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
