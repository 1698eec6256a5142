import type { Finding } from '../finding.js';
import { parseAccess, statusHits } from './access.js';
import { parseGunicorn, parseNghttpx, parseNode, parseSelinuxAudit, parseUwsgi } from './app-servers.js';
import { parseApacheError } from './apache.js';
import { parseApiGatewayBody, parseAwsLb, parseAwsServerless } from './aws.js';
import { parseCloudflareLogpush, parseCloudflarePage } from './cloudflare.js';
import { looksLikeEnvoy, parseEnvoyJson, parseEnvoyText } from './envoy.js';
import { parseCloudFrontLog, parseCloudFrontPage, parseGcpLoadBalancer } from './cdn-cloud.js';
import { parseCurl } from './curl.js';
import { parsePlatform } from './platform.js';
import { parseMeshProxy } from './mesh-proxies.js';
import { CurlResponseReader, type CurlResponseResult } from './curl-response.js';
import { parseCaddyJson, parseCaddyV1, parseTraefikJson, parseTraefikText } from './go-proxies.js';
import { parseHaproxy } from './haproxy.js';
import { excerptOf, isRecord, mergeHits, type FamilyResult, type Hit } from './hit.js';
import { jsonAccessStatus, jsonMessageText, jsonTimestamp, parseHtmlErrorPage, parseKongBody, W3cReader } from './misc.js';
import { classifyErrnoText, classifyGoNetError } from './network-errors.js';
import { looksLikeNginxError, parseNginxError } from './nginx.js';
import { findTimestampMs, toIso } from './timestamps.js';
import type { LineAnalysis, LogFormat } from './types.js';

/** Longest stretch of one line that is analysed; the rest cannot change what the line says. */
export const MAX_ANALYZED_CHARS = 64 * 1024;

/** Everything the stream parser needs from one line, beyond the public `LineAnalysis`. */
export interface DetailedAnalysis {
  format: LogFormat | null;
  hits: Hit[];
  /** Epoch ms of the line's own timestamp. */
  observedMs: number | null;
  upstream: string | null;
  status: number | null;
  /** The text the hits' positions refer to (joined, BOM-free, capped). */
  text: string;
  /** Another reading that ended at this line (a curl response judged when a log line followed it). */
  extra?: DetailedAnalysis;
}

type Family = (text: string, analyzer: LineAnalyzer, depth: number) => FamilyResult | null;

/**
 * Families in the order they are tried. Structured formats with strict shapes go first, loose
 * message-phrase families later, so a phrase quoted inside an access line (a URL, a user agent)
 * cannot make it look like an error log.
 */
const FAMILIES: Family[] = [
  (t, a, d) => (t.charCodeAt(t.length - 1) === 125 /* } */ ? a.parseJson(t, d) : null),
  (t) => parseAwsLb(t),
  (t) => parseCloudFrontLog(t),
  (t) => parseCurl(t),
  (t) => parseHaproxy(t),
  (t) => (looksLikeEnvoy(t) ? parseEnvoyText(t) : null),
  (t) => parseApacheError(t),
  (t) => parseAccess(t),
  (t) => (looksLikeNginxError(t) ? parseNginxError(t) : null),
  (t) => parseTraefikText(t),
  (t) => parseCaddyV1(t),
  (t) => parseCloudflarePage(t),
  (t) => parseCloudFrontPage(t),
  (t) => parseGunicorn(t),
  (t) => parseUwsgi(t),
  (t) => parseNghttpx(t),
  (t) => parseSelinuxAudit(t),
  (t, a) => a.w3c.parse(t),
  (t) => parseHtmlErrorPage(t),
  (t) => parseNode(t),
  (t) => parsePlatform(t),
  (t) => parseAwsServerless(t),
  (t) => parseMeshProxy(t),
];

/** Entry points for a format already identified by the stream parser's fast path. */
const BY_FORMAT: Partial<Record<LogFormat, (text: string) => FamilyResult | null>> = {
  'combined-access': parseAccess,
  'ingress-nginx-access': parseAccess,
  'traefik-access': parseAccess,
  'envoy-access': parseEnvoyText,
  haproxy: parseHaproxy,
};

/**
 * Reads lines. Holds the little state some formats need across lines (W3C's `#Fields:`), so a
 * stream uses one analyzer for the whole file.
 */
export class LineAnalyzer {
  readonly w3c = new W3cReader();
  private readonly curlResponse = new CurlResponseReader();

  analyze(raw: string, hint?: LogFormat): DetailedAnalysis {
    const a = this.analyzeLine(raw, hint);
    const judged = this.curlResponse.takeJudged();
    if (judged) a.extra = curlAnalysis(judged);
    return a;
  }

  private analyzeLine(raw: string, hint?: LogFormat): DetailedAnalysis {
    const text = normalize(raw);
    if (text === '') return { format: null, hits: [], observedMs: null, upstream: null, status: null, text };
    // curl -v/-i output spans lines (status, headers, body): its reader sees every line first.
    const curl = this.curlResponse.read(text);
    if (curl) return curlAnalysis(curl);
    let result: FamilyResult | null = null;
    const direct = hint ? BY_FORMAT[hint] : sniff(text);
    if (direct) result = direct(text);
    if (!result) result = this.runFamilies(text, 0);
    if (!result) {
      const hits = [...classifyGoNetError(text)];
      if (hits.length === 0) hits.push(...classifyErrnoText(text));
      if (hits.length > 0) result = { format: 'text', hits };
    }
    if (!result) return { format: null, hits: [], observedMs: null, upstream: null, status: null, text };
    const own = result.observedMs;
    const observedMs = own !== undefined && own !== null && Number.isFinite(own) ? own : findTimestampMs(text);
    return {
      format: result.format,
      hits: mergeHits(result.hits),
      observedMs,
      upstream: result.upstream ?? null,
      status: result.status ?? null,
      text,
    };
  }

  /** A reading spans lines right now (a curl response is open): shortcuts must not skip lines. */
  get spansLines(): boolean {
    return this.curlResponse.open;
  }

  /** What is still open at the end of the input (a curl response without its closing line). */
  flush(): DetailedAnalysis | null {
    const curl = this.curlResponse.flush();
    return curl ? curlAnalysis(curl) : null;
  }

  private runFamilies(text: string, depth: number): FamilyResult | null {
    for (const family of FAMILIES) {
      const r = family(text, this, depth);
      if (r) return r;
    }
    return null;
  }

  /** One JSON record: a known producer by its keys, else a generic record read by its message. */
  parseJson(text: string, depth: number): FamilyResult | null {
    const open = text.indexOf('{');
    if (open < 0) return null;
    let value: unknown;
    try {
      value = JSON.parse(text.slice(open));
    } catch {
      return null;
    }
    if (!isRecord(value)) return null;
    const obj = value;
    const known =
      parseCloudflareLogpush(obj, text) ??
      parseEnvoyJson(obj, text) ??
      parseTraefikJson(obj, text) ??
      parseCaddyJson(obj, text) ??
      parseGcpLoadBalancer(obj, text) ??
      parseKongBody(obj) ??
      parseApiGatewayBody(obj);
    if (known) return known;
    const observedMs = jsonTimestamp(obj);
    // Container runtimes wrap the original line: {"log":"…","stream":"stderr","time":"…"}.
    const wrapped = typeof obj.log === 'string' ? obj.log : null;
    if (wrapped && depth < 2) {
      const inner = this.runFamilies(normalize(wrapped), depth + 1);
      if (inner) return { ...inner, observedMs: inner.observedMs ?? observedMs, hits: shiftHits(inner.hits, text, wrapped) };
    }
    const access = jsonAccessStatus(obj);
    const message = jsonMessageText(obj);
    let hits: Hit[] = [];
    if (message && depth < 2) {
      const inner = this.runFamilies(message, depth + 1);
      hits = inner ? inner.hits : [];
      if (hits.length === 0) hits = classifyGoNetError(message);
      if (hits.length === 0) hits = classifyErrnoText(message);
      hits = shiftHits(hits, text, message);
    }
    if (hits.length === 0 && access && access.status >= 502 && access.status <= 504) {
      hits = statusHits(access.status, 0, access.upstream, access.upstreamStatus ? { upstreamStatus: access.upstreamStatus } : {});
    }
    return { format: 'json', hits, observedMs, upstream: access?.upstream ?? null, status: access?.status ?? null };
  }
}

function curlAnalysis(r: CurlResponseResult): DetailedAnalysis {
  return { format: r.format, hits: mergeHits(r.hits), observedMs: null, upstream: r.upstream ?? null, status: r.status ?? null, text: r.excerptText };
}

/** Positions of hits found in an embedded string, moved to the enclosing line. */
function shiftHits(hits: Hit[], text: string, embedded: string): Hit[] {
  const offset = Math.max(0, text.indexOf(embedded.slice(0, 40)));
  return hits.map((h) => ({ ...h, at: offset + (h.at ?? 0) }));
}

/**
 * The family a line's first characters announce, for lines without a prefix: a shortcut past
 * the other families' checks. Null when the start says nothing; the full order then applies.
 */
function sniff(text: string): ((text: string) => FamilyResult | null) | undefined {
  const c0 = text.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    // `2016/03/14 21:12:15 [error] …`
    if (text.charCodeAt(4) === 47 && text.charCodeAt(7) === 47 && text.charCodeAt(10) === 32 && text.charCodeAt(20) === 91) {
      return parseNginxError;
    }
    return undefined;
  }
  if (c0 === 91 /* [ */) {
    const c1 = text.charCodeAt(1);
    if (c1 >= 48 && c1 <= 57 && text.charCodeAt(5) === 45 && text.charCodeAt(11) === 84) return parseEnvoyText;
    if (/^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} /.test(text)) return parseApacheError;
  }
  return undefined;
}

/** One logical line: BOM removed, wrapped lines joined, capped. */
function normalize(raw: string): string {
  let s = raw.length > MAX_ANALYZED_CHARS ? raw.slice(0, MAX_ANALYZED_CHARS) : raw;
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  if (s.indexOf('\n') !== -1 || s.indexOf('\r') !== -1) s = s.replace(/[ \t]*\r?\n[ \t]*|\r/g, ' ');
  return s.trim();
}

/** Turn one hit of an analysed line into a finding. */
export function toFinding(a: DetailedAnalysis, h: Hit, lineNumber: number): Finding {
  return {
    category: h.category,
    signal: h.signal,
    weight: h.weight,
    excerpt: excerptOf(a.text, h.at),
    location: { line: lineNumber },
    observedAt: toIso(a.observedMs),
    upstream: h.upstream ?? a.upstream,
    ...(h.detail ? { detail: h.detail } : {}),
  };
}

/**
 * Read one log line (or a pasted fragment: several wrapped lines or an error page are read as one).
 * Returns its format, null when no parser understands it, and the cause findings it carries,
 * strongest first. Lines that are not evidence of an upstream cause (client TLS noise, client
 * disconnects, 404s, warnings, successes) give no finding.
 */
export function analyzeLogLine(line: string, lineNumber?: number): LineAnalysis {
  const a = new LineAnalyzer().analyze(line);
  return { format: a.format, findings: a.hits.map((h) => toFinding(a, h, lineNumber ?? 1)) };
}
