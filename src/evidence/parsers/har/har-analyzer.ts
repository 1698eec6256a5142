import type { Finding } from '../finding.js';
import { RedactionTally } from '../../redaction/redaction-report.js';
import { redactInlineSecrets, redactUrl } from '../../redaction/text-redaction.js';
import type { HarDocumentInfo } from './har-entry-scanner.js';
import { readEntry, readEntryBody, toUtcIso, type HarEntryView } from './har-entry-view.js';
import { detectHop, type HopVerdict } from './har-hop.js';
import { classifyNetError } from './har-net-errors.js';
import type { CauseSignal } from './har-signals.js';
import { responseSignals } from './har-signals.js';
import { addTimings, emptyTimingTotals, nearGatewayTimeout, slowestPhase } from './har-timings.js';
import type { FailingEntry, HarHop, HarPageSummary, HarParseOptions, HarParseResult, HarSummary, TimingPhase } from './har-types.js';

const DEFAULT_MAX_FINDINGS_PER_SIGNAL = 20;
const DEFAULT_MAX_FAILING_ENTRIES = 200;
const DEFAULT_MAX_PAGES = 100;
const EXCERPT_LIMIT = 500;
const MAX_ERROR_KEYS = 200;
const OTHER_ERRORS_KEY = '(other errors)';

/** Statuses where a wait close to a gateway timeout means the gateway gave up waiting. */
const TIMEOUT_STATUSES: ReadonlySet<number> = new Set([502, 503, 504, 524]);

/** Phases that, when slow on a failing request, point at a category (threshold ms). */
const SLOW_PHASES: readonly { phase: TimingPhase; thresholdMs: number; signal: string; category: CauseSignal['category']; meaning: string }[] = [
  { phase: 'dns', thresholdMs: 2000, signal: 'har.timing.slow_dns', category: 'DNS', meaning: 'name resolution took seconds' },
  { phase: 'connect', thresholdMs: 3000, signal: 'har.timing.slow_connect', category: 'NETWORK', meaning: 'the TCP connection took seconds (SYN retransmits)' },
  { phase: 'ssl', thresholdMs: 3000, signal: 'har.timing.slow_tls', category: 'TLS', meaning: 'the TLS handshake took seconds' },
];

/** `"response": {"status": 200` near the start of an entry (browsers write the response before its body). */
const OVERSIZED_STATUS = /"response"\s*:\s*\{\s*"status"\s*:\s*(\d{1,3})\b/;

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function asText(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Accumulates findings and the summary entry by entry, in bounded memory. */
export class HarAnalyzer {
  private readonly maxFindingsPerSignal: number;
  private readonly maxFailingEntries: number;
  private readonly maxPages: number;
  /** Redaction of URLs and excerpts that go into findings; its counts are not reported here. */
  private readonly tally = new RedactionTally();

  private readonly findings: Finding[] = [];
  private readonly keptPerSignal = new Map<string, number>();
  private readonly signalCounts: Record<string, number> = {};
  private findingsDropped = 0;
  private readonly statusCounts: Record<string, number> = {};
  /** A Map: the keys are text from the file (an `_error` of "__proto__" must stay a plain key). */
  private readonly errorCounts = new Map<string, number>();
  private readonly failingEntries: FailingEntry[] = [];
  private failingEntriesTotal = 0;
  private readonly hops: Partial<Record<HarHop, number>> = {};
  private readonly timingTotals = emptyTimingTotals();
  private invalidEntries = 0;
  private oversizedEntries = 0;

  constructor(options: HarParseOptions = {}) {
    this.maxFindingsPerSignal = options.maxFindingsPerSignal ?? DEFAULT_MAX_FINDINGS_PER_SIGNAL;
    this.maxFailingEntries = options.maxFailingEntries ?? DEFAULT_MAX_FAILING_ENTRIES;
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  }

  /** An entry too large to parse: count it, and its status when its first bytes give it. */
  addOversizedEntry(head: string): void {
    this.oversizedEntries++;
    const status = OVERSIZED_STATUS.exec(head);
    if (status) this.statusCounts[status[1]!] = (this.statusCounts[status[1]!] ?? 0) + 1;
  }

  addEntry(raw: unknown, index: number): void {
    const view = readEntry(raw);
    if (!view) {
      this.invalidEntries++;
      return;
    }
    const statusKey = String(view.status);
    this.statusCounts[statusKey] = (this.statusCounts[statusKey] ?? 0) + 1;
    addTimings(this.timingTotals, view.timings);
    const failing = view.status >= 500 || view.status <= 0 || view.error !== null;
    if (!failing) return;

    if (view.status >= 500) view.body = readEntryBody(raw);
    const verdict = detectHop(view);
    this.hops[verdict.hop] = (this.hops[verdict.hop] ?? 0) + 1;

    const signals: CauseSignal[] = [];
    if (view.error !== null) {
      const netError = classifyNetError(view.error);
      // Free-text errors can all differ (addresses, ports): keep the number of distinct keys bounded.
      const key = this.errorCounts.has(netError.key) || this.errorCounts.size < MAX_ERROR_KEYS ? netError.key : OTHER_ERRORS_KEY;
      this.errorCounts.set(key, (this.errorCounts.get(key) ?? 0) + 1);
      signals.push(...netError.signals);
    }
    if (view.status >= 500) signals.push(...responseSignals(view, verdict.hop));
    signals.push(...this.timingSignals(view));

    const url = this.safeUrl(view.url);
    this.failingEntriesTotal++;
    if (this.failingEntries.length < this.maxFailingEntries) {
      this.failingEntries.push({
        index,
        startedDateTime: view.startedDateTime,
        method: view.method,
        url,
        status: view.status,
        statusText: view.statusText,
        hop: verdict.hop,
        hopEvidence: verdict.evidence === null ? null : this.safeText(verdict.evidence),
        error: view.error === null ? null : this.safeText(clip(view.error, 500)),
        timings: view.timings,
        slowestPhase: slowestPhase(view.timings),
        serverIp: view.serverIp,
      });
    }
    for (const signal of signals) this.addFinding(signal, view, verdict, index, url);
  }

  private timingSignals(view: HarEntryView): CauseSignal[] {
    const signals: CauseSignal[] = [];
    const wait = view.timings.wait ?? view.time;
    if (TIMEOUT_STATUSES.has(view.status) && wait !== null) {
      const seconds = nearGatewayTimeout(wait);
      if (seconds !== null) {
        signals.push({
          signal: 'har.timing.wait_at_gateway_timeout',
          category: 'UPSTREAM_TIMEOUT',
          weight: 3,
          meaning: `the ${view.status} came after waiting ${(wait / 1000).toFixed(1)} s, the common ${seconds} s gateway timeout`,
          matched: `wait ${Math.round(wait)} ms`,
        });
      }
    }
    if (view.status >= 500) {
      for (const rule of SLOW_PHASES) {
        const value = view.timings[rule.phase];
        if (value !== null && value >= rule.thresholdMs) {
          signals.push({ signal: rule.signal, category: rule.category, weight: 1.5, meaning: rule.meaning, matched: `${rule.phase} ${Math.round(value)} ms` });
        }
      }
    }
    return signals;
  }

  private addFinding(signal: CauseSignal, view: HarEntryView, verdict: HopVerdict, index: number, url: string): void {
    this.signalCounts[signal.signal] = (this.signalCounts[signal.signal] ?? 0) + 1;
    const kept = this.keptPerSignal.get(signal.signal) ?? 0;
    if (kept >= this.maxFindingsPerSignal) {
      this.findingsDropped++;
      return;
    }
    this.keptPerSignal.set(signal.signal, kept + 1);
    const response = view.status === 0 ? 'no response (status 0)' : `${view.status}${view.statusText ? ` ${view.statusText}` : ''}`;
    const parts = [`${view.method} ${clip(url, 160)} → ${response}`];
    if (verdict.hop !== 'unknown') parts.push(`hop ${verdict.hop}${verdict.evidence ? ` (${verdict.evidence})` : ''}`);
    if (signal.matched && !(verdict.evidence ?? '').includes(signal.matched)) parts.push(`"${signal.matched}"`);
    this.findings.push({
      category: signal.category,
      signal: signal.signal,
      weight: signal.weight,
      excerpt: clip(this.safeText(parts.join('; ')), EXCERPT_LIMIT),
      location: { entry: index },
      observedAt: view.startedDateTime,
      upstream: signal.upstream ?? null,
      detail: {
        status: view.status,
        method: view.method,
        url,
        host: view.host,
        hop: verdict.hop,
        hopEvidence: verdict.evidence === null ? null : this.safeText(verdict.evidence),
        via: verdict.via,
        serverIp: view.serverIp,
        meaning: signal.meaning,
        timings: view.timings,
      },
    });
  }

  private safeUrl(url: string): string {
    return redactUrl(url, this.tally);
  }

  private safeText(text: string): string {
    return redactInlineSecrets(text, this.tally);
  }

  finish(document: HarDocumentInfo): HarParseResult {
    const metadata = document.metadata;
    const creator = asRecord(metadata.creator);
    const browser = asRecord(metadata.browser);
    const pagesRaw = Array.isArray(metadata.pages) ? metadata.pages : [];
    const pages: HarPageSummary[] = [];
    for (const page of pagesRaw.slice(0, this.maxPages)) {
      const record = asRecord(page);
      if (!record) continue;
      const title = asText(record['title']);
      pages.push({
        id: asText(record['id']),
        title: title === null ? null : this.safeText(this.safeUrl(clip(title, 300))),
        startedDateTime: toUtcIso(record['startedDateTime']),
      });
    }
    const summary: HarSummary = {
      version: asText(metadata.version),
      creator: creator ? { name: asText(creator['name']), version: asText(creator['version']) } : null,
      browser: browser ? { name: asText(browser['name']), version: asText(browser['version']) } : null,
      pages,
      pageCount: pagesRaw.length,
      entries: document.entries,
      oversizedEntries: document.oversizedEntries,
      invalidEntries: this.invalidEntries + document.nonObjectEntries,
      bytes: document.bytes,
      bom: document.bom,
      jsonp: document.jsonpCallback !== null,
      statusCounts: this.statusCounts,
      errorCounts: Object.fromEntries(this.errorCounts),
      failingEntries: this.failingEntries,
      failingEntriesTotal: this.failingEntriesTotal,
      hops: this.hops,
      timingTotals: roundTotals(this.timingTotals),
      slowestPhase: slowestPhase(this.timingTotals),
      signalCounts: this.signalCounts,
      findingsDropped: this.findingsDropped,
    };
    return { findings: this.findings, summary };
  }
}

function roundTotals(totals: Record<TimingPhase, number>): Record<TimingPhase, number> {
  const rounded = { ...totals };
  for (const phase of Object.keys(rounded) as TimingPhase[]) rounded[phase] = Math.round(rounded[phase] * 1000) / 1000;
  return rounded;
}
