import type { Gateway } from '../../../diagnosis/cause-category.js';
import type { Finding } from '../finding.js';

/** Which hop produced a response (DESIGN §4, domain-notes §3.2). */
export const HAR_HOPS = [
  'cloudflare',
  'cloudfront',
  'aws-alb',
  'envoy',
  'nginx',
  'haproxy',
  'traefik',
  'caddy',
  'apache',
  /** Google Cloud's external Application Load Balancer (Google Front End). */
  'google-lb',
  /** Fastly, or any Varnish in front (the same error pages). */
  'fastly',
  'akamai',
  /** Azure Application Gateway. */
  'azure-gateway',
  'kong',
  /** Heroku's router. */
  'heroku',
  /** The response came from the application behind the gateways. */
  'origin',
  /** The request never got a response from any server (status 0, `_error`). */
  'browser',
  'unknown',
] as const;
export type HarHop = (typeof HAR_HOPS)[number];

/** The gateway an incident would name for a hop, when it is one. */
export function hopToGateway(hop: HarHop): Gateway | null {
  switch (hop) {
    case 'cloudflare':
    case 'aws-alb':
    case 'envoy':
    case 'nginx':
    case 'haproxy':
    case 'traefik':
    case 'caddy':
    case 'apache':
      return hop;
    case 'cloudfront':
    case 'google-lb':
    case 'fastly':
    case 'akamai':
    case 'azure-gateway':
    case 'kong':
    case 'heroku':
      return 'other';
    default:
      return null;
  }
}

/** HAR timing phases; `connect` here is TCP only (HAR's `connect` includes `ssl`; the summary separates them). */
export const TIMING_PHASES = ['blocked', 'dns', 'connect', 'ssl', 'send', 'wait', 'receive'] as const;
export type TimingPhase = (typeof TIMING_PHASES)[number];

/** Milliseconds per phase; `null` where the HAR says -1 (not applicable) or omits the phase. */
export type EntryTimings = Record<TimingPhase, number | null>;

export interface FailingEntry {
  /** 0-based index into `log.entries`. */
  index: number;
  /** ISO-8601 UTC, or null when the entry has no readable date. */
  startedDateTime: string | null;
  method: string;
  /** The request URL with secret-looking query parameters redacted. */
  url: string;
  status: number;
  statusText: string;
  hop: HarHop;
  /** What identified the hop (a header or body excerpt), or null. */
  hopEvidence: string | null;
  /** `response._error` (Chrome, mitmproxy, capture-har), as text. */
  error: string | null;
  timings: EntryTimings;
  slowestPhase: TimingPhase | null;
  serverIp: string | null;
}

export interface HarPageSummary {
  id: string | null;
  title: string | null;
  startedDateTime: string | null;
}

export interface HarSummary {
  /** `log.version` ("1.1", "1.2"), or null. */
  version: string | null;
  creator: { name: string | null; version: string | null } | null;
  browser: { name: string | null; version: string | null } | null;
  /** The first `maxPages` pages (titles query-redacted); `pageCount` has them all. */
  pages: HarPageSummary[];
  pageCount: number;
  /** Elements of `log.entries`. */
  entries: number;
  /** Entries larger than `maxEntryBytes`: counted (and their status, when it comes first), content skipped. */
  oversizedEntries: number;
  /** Elements of `log.entries` that are not objects or lack a response. */
  invalidEntries: number;
  bytes: number;
  bom: boolean;
  jsonp: boolean;
  /** Response status → count ("0" for no response). */
  statusCounts: Record<string, number>;
  /** `_error` value → count (at most 200 distinct values; the rest under "(other errors)"). */
  errorCounts: Record<string, number>;
  /** 5xx, 52x and status-0/`_error` entries, the first `maxFailingEntries` of them. */
  failingEntries: FailingEntry[];
  failingEntriesTotal: number;
  /** Failing entries per hop. */
  hops: Partial<Record<HarHop, number>>;
  /** Sum over all entries per phase, ms (`connect` without `ssl`; -1 values skipped). */
  timingTotals: Record<TimingPhase, number>;
  /** Phase with the largest total, or null when no timings were read. */
  slowestPhase: TimingPhase | null;
  /** Findings per signal before the per-signal cap. */
  signalCounts: Record<string, number>;
  /** Findings dropped by the per-signal cap. */
  findingsDropped: number;
}

export interface HarParseResult {
  findings: Finding[];
  summary: HarSummary;
}

export interface HarParseOptions {
  /** Findings kept per signal (default 20); the summary counts them all. */
  maxFindingsPerSignal?: number;
  /** Failing entries listed in the summary (default 200). */
  maxFailingEntries?: number;
  /** Pages listed in the summary (default 100). */
  maxPages?: number;
  /**
   * Entries larger than this are counted, their status read from their first bytes, and their content
   * skipped (default 32 MiB: parsing one entry costs about 5x its size in memory, and an entry this big
   * is a media download, not an error page).
   */
  maxEntryBytes?: number;
}
