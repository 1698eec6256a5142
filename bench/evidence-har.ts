/**
 * HAR parsing and redaction throughput and memory. Generates a HAR of the requested size in a temporary
 * file (corpus-like entries with varied values: mostly 200s with realistic bodies, some Cloudflare/ALB/nginx
 * 502/504s, some status-0 `_error` entries), streams it through `parseHarStream` and `redactHarStream`,
 * and deletes it.
 *
 *   node dist/bench/evidence-har.js [sizeMb]      (default 100)
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseHarStream } from '../src/evidence/parsers/har/har-parser.js';
import { redactHarStream } from '../src/evidence/redaction/har-redactor.js';

export interface HarBenchResult {
  sizeMb: number;
  parseMbPerS: number;
  redactMbPerS: number;
  peakRssMb: number;
  entries: number;
  findings: number;
}

/** A small deterministic generator, so runs are comparable. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

const WORDS = 'upstream gateway request latency service incident checkout payment catalog search profile session render module bundle vendor chunk'.split(' ');
const HOSTS = ['www.example.com', 'api.example.com', 'static.example-cdn.net', 'auth.example.com', 'img.example-cdn.net'];

function words(random: () => number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(WORDS[Math.floor(random() * WORDS.length)]!);
  return out.join(' ');
}

function hex(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

interface ResponseShape {
  status: number;
  statusText: string;
  headers: { name: string; value: string }[];
  content: Record<string, unknown>;
  _error?: string;
}

function requestHeaders(random: () => number, host: string): { name: string; value: string }[] {
  return [
    { name: ':authority', value: host },
    { name: ':method', value: 'GET' },
    { name: 'accept', value: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    { name: 'accept-encoding', value: 'gzip, deflate, br' },
    { name: 'accept-language', value: 'en-US,en;q=0.9' },
    { name: 'authorization', value: `Bearer eyJhbGciOiJIUzI1NiJ9.${hex(random, 48)}.${hex(random, 32)}` },
    { name: 'cookie', value: `session_id=${hex(random, 32)}; _ga=GA1.2.${Math.floor(random() * 1e9)}; theme=dark` },
    { name: 'user-agent', value: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36' },
    { name: 'referer', value: `https://${host}/account?tab=${Math.floor(random() * 10)}` },
  ];
}

function okResponse(random: () => number): ResponseShape {
  const kind = random();
  if (kind < 0.25) {
    // An image, base64 as Chrome writes it.
    const bytes = Buffer.alloc(500 + Math.floor(random() * 6000));
    for (let i = 0; i + 4 <= bytes.length; i += 4) bytes.writeUInt32LE(Math.floor(random() * 0xffffffff), i);
    return {
      status: 200,
      statusText: 'OK',
      headers: [
        { name: 'content-type', value: 'image/png' },
        { name: 'cache-control', value: 'public, max-age=31536000' },
        { name: 'server', value: 'cloudflare' },
        { name: 'cf-ray', value: `${hex(random, 16)}-AMS` },
      ],
      content: { size: bytes.length, mimeType: 'image/png', text: bytes.toString('base64'), encoding: 'base64' },
    };
  }
  if (kind < 0.6) {
    const items = Array.from({ length: 3 + Math.floor(random() * 25) }, (_, i) => ({ id: i, name: words(random, 3), price: Math.round(random() * 10000) / 100, tags: words(random, 4).split(' ') }));
    const text = JSON.stringify({ items, page: 1, requestId: hex(random, 24) });
    return {
      status: 200,
      statusText: 'OK',
      headers: [
        { name: 'content-type', value: 'application/json; charset=utf-8' },
        { name: 'server', value: 'nginx/1.25.3' },
        { name: 'x-request-id', value: hex(random, 32) },
        { name: 'set-cookie', value: `session_id=${hex(random, 32)}; Path=/; HttpOnly; Secure` },
      ],
      content: { size: text.length, mimeType: 'application/json', text },
    };
  }
  const paragraphs = Array.from({ length: 4 + Math.floor(random() * 30) }, () => `<p class="copy">${words(random, 25)}</p>`).join('\n');
  const text = `<!doctype html><html><head><title>${words(random, 4)}</title><script src="/static/app.${hex(random, 8)}.js"></script></head><body>\n${paragraphs}\n</body></html>`;
  return {
    status: 200,
    statusText: 'OK',
    headers: [
      { name: 'content-type', value: 'text/html; charset=utf-8' },
      { name: 'server', value: 'cloudflare' },
      { name: 'cf-ray', value: `${hex(random, 16)}-FRA` },
      { name: 'cf-cache-status', value: 'DYNAMIC' },
    ],
    content: { size: text.length, mimeType: 'text/html', text },
  };
}

function failingResponse(random: () => number): { response: ResponseShape; wait: number } {
  const pick = Math.floor(random() * 6);
  const html = (text: string): Record<string, unknown> => ({ size: text.length, mimeType: 'text/html', text });
  switch (pick) {
    case 0:
      return {
        response: {
          status: 502,
          statusText: 'Bad Gateway',
          headers: [
            { name: 'server', value: 'awselb/2.0' },
            { name: 'content-type', value: 'text/html' },
          ],
          content: html('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>awselb/2.0</center>\r\n</body>\r\n</html>\r\n'),
        },
        wait: 5 + random() * 50,
      };
    case 1:
      return {
        response: {
          status: 504,
          statusText: 'Gateway Timeout',
          headers: [
            { name: 'server', value: 'nginx' },
            { name: 'content-type', value: 'text/html' },
          ],
          content: html('<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'),
        },
        wait: 60000 + random() * 400,
      };
    case 2:
      return {
        response: {
          status: 522,
          statusText: '',
          headers: [
            { name: 'server', value: 'cloudflare' },
            { name: 'cf-ray', value: `${hex(random, 16)}-LHR` },
          ],
          content: html(
            '<!DOCTYPE html><html><head><title>example.com | 522: Connection timed out</title></head><body><div id="cf-wrapper"><div id="cf-error-details"><h1>Connection timed out</h1><span class="code-label">Error code 522</span> Ray ID: 1 cloudflare</div></div></body></html>',
          ),
        },
        wait: 19000 + random() * 100,
      };
    case 3:
      return {
        response: {
          status: 503,
          statusText: 'Service Unavailable',
          headers: [
            { name: 'server', value: 'envoy' },
            { name: 'content-type', value: 'text/plain' },
          ],
          content: { size: 91, mimeType: 'text/plain', text: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure' },
        },
        wait: 2 + random() * 10,
      };
    case 4:
      return {
        response: { status: 0, statusText: '', headers: [], content: { size: 0, mimeType: 'x-unknown' }, _error: 'net::ERR_CONNECTION_RESET' },
        wait: 0,
      };
    default:
      return {
        response: { status: 0, statusText: '', headers: [], content: { size: 0, mimeType: 'x-unknown' }, _error: 'net::ERR_NAME_NOT_RESOLVED' },
        wait: 0,
      };
  }
}

function makeEntry(random: () => number, index: number, start: number): string {
  const host = HOSTS[Math.floor(random() * HOSTS.length)]!;
  const failing = random() < 0.03;
  const { response, wait } = failing ? failingResponse(random) : { response: okResponse(random), wait: 20 + random() * 300 };
  const reused = random() < 0.7;
  const timings = {
    blocked: Math.round(random() * 5000) / 1000,
    dns: reused ? -1 : Math.round(random() * 40000) / 1000,
    connect: reused ? -1 : Math.round(60000 + random() * 60000) / 1000,
    ssl: reused ? -1 : Math.round(30000 + random() * 30000) / 1000,
    send: Math.round(random() * 1000) / 1000,
    wait: Math.round(wait * 1000) / 1000,
    receive: Math.round(random() * 80000) / 1000,
  };
  const entry = {
    _initiator: { type: 'script', url: `https://${host}/static/app.js` },
    _priority: 'High',
    _resourceType: 'fetch',
    cache: {},
    connection: String(1000 + index),
    pageref: 'page_1',
    request: {
      method: 'GET',
      url: `https://${host}/api/v1/${words(random, 1)}/${index}?page=${index % 7}&access_token=${hex(random, 40)}&lang=en`,
      httpVersion: 'http/2.0',
      headers: requestHeaders(random, host),
      queryString: [
        { name: 'page', value: String(index % 7) },
        { name: 'access_token', value: hex(random, 40) },
        { name: 'lang', value: 'en' },
      ],
      cookies: [
        { name: 'session_id', value: hex(random, 32), path: '/', domain: host, expires: null, httpOnly: true, secure: true },
        { name: 'theme', value: 'dark', path: '/', domain: host, expires: null, httpOnly: false, secure: false },
      ],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      ...response,
      httpVersion: 'http/2.0',
      cookies: [],
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _transferSize: 1000 + Math.floor(random() * 20000),
    },
    serverIPAddress: `104.16.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`,
    startedDateTime: new Date(start + index * 37).toISOString(),
    time: Object.values(timings).reduce((sum, value) => sum + Math.max(0, value), 0),
    timings,
  };
  return JSON.stringify(entry, null, 2).replace(/\n/g, '\n    ');
}

async function writeHar(file: string, sizeBytes: number): Promise<number> {
  const random = createRandom(42);
  const out = createWriteStream(file);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{\n  "log": {\n    "version": "1.2",\n    "creator": { "name": "WebInspector", "version": "537.36" },\n');
  await write('    "pages": [{ "startedDateTime": "2026-11-25T10:00:00.000Z", "id": "page_1", "title": "https://www.example.com/account", "pageTimings": { "onContentLoad": 812, "onLoad": 1490 } }],\n    "entries": [\n    ');
  let written = 300;
  let entries = 0;
  const start = Date.parse('2026-11-25T10:00:00.000Z');
  while (written < sizeBytes) {
    const text = (entries === 0 ? '' : ',\n    ') + makeEntry(random, entries, start);
    written += Buffer.byteLength(text);
    entries++;
    await write(text);
  }
  await write('\n    ]\n  }\n}\n');
  out.end();
  await once(out, 'finish');
  return entries;
}

export async function benchHar(sizeMb: number): Promise<HarBenchResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stepwise-har-bench-'));
  const file = path.join(dir, 'bench.har');
  let peakRss = 0;
  const sample = (): void => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  try {
    await writeHar(file, sizeMb * 1024 * 1024);
    const bytes = (await stat(file)).size;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    peakRss = 0;
    const timer = setInterval(sample, 10);
    try {
      const parseStart = process.hrtime.bigint();
      const parsed = await parseHarStream(createReadStream(file));
      const parseSeconds = Number(process.hrtime.bigint() - parseStart) / 1e9;
      sample();
      gc?.();

      const redactStart = process.hrtime.bigint();
      let redactedBytes = 0;
      const redaction = redactHarStream(createReadStream(file));
      for await (const piece of redaction) redactedBytes += piece.length;
      const redactSeconds = Number(process.hrtime.bigint() - redactStart) / 1e9;
      sample();
      if (redactedBytes === 0 || redaction.report().total === 0) throw new Error('redaction produced nothing: the benchmark is broken');

      const megabytes = bytes / (1024 * 1024);
      return {
        sizeMb: Math.round(megabytes * 10) / 10,
        parseMbPerS: Math.round((megabytes / parseSeconds) * 10) / 10,
        redactMbPerS: Math.round((megabytes / redactSeconds) * 10) / 10,
        peakRssMb: Math.round(peakRss / (1024 * 1024)),
        entries: parsed.summary.entries,
        findings: parsed.findings.length,
      };
    } finally {
      clearInterval(timer);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizeMb = Number(process.argv[2] ?? 100);
  benchHar(sizeMb).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
