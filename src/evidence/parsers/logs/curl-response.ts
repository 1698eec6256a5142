import { detectHop } from '../har/har-hop.js';
import type { HarEntryView } from '../har/har-entry-view.js';
import { responseSignals } from '../har/har-signals.js';
import { normalizeTimings } from '../har/har-timings.js';
import { hit, type FamilyResult, type Hit } from './hit.js';

/**
 * The response in `curl -v` (or `curl -i`) output, which the runbook's first step asks responders
 * to paste: the status line, the headers and the start of the body, read as one response and
 * judged the way a HAR entry is (which hop produced it, what its wording says).
 *
 * `curl -v` prefixes response headers with `< ` and ends them with a bare `<`; the body follows,
 * then `* Connection #0 to host … left intact`. `curl -i` prints the status line and headers
 * without a prefix. A response is judged when the transfer ends, when another request starts, or
 * at the end of the input (`flush`).
 */

/** Body text kept for the fingerprints (error pages are short; the wording is near the start). */
const MAX_BODY_CHARS = 16 * 1024;
/** Lines of body read before the response is judged anyway: the input may go on with something else. */
const MAX_BODY_LINES = 200;

// A reason phrase is a few words: a line that goes on with headers is a paste joined into one line.
const STATUS_LINE_RE = /^(<\s*)?(HTTP\/[0-9.]+) (\d{3})(?: ([A-Za-z][\w '.-]{0,60}))?\s*$/;
const HEADER_RE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s?(.*)$/;
const REQUEST_RE = /^([A-Z]+) (\S+) HTTP\/[0-9.]+$/;
const TRANSFER_END_RE = /^\* (?:Connection #\d+ to host .* left intact|Closing connection|shutting down connection|Connection died|Recv failure|Send failure)/i;

const VERBOSE_NOTE_RE =
  /^\*\s+(?:Trying \S+|Connected to |ALPN|TLSv1\.[0-3] \(|SSL connection using|Server certificate:|subject:|start date:|expire date:|subjectAltName:|issuer:|SSL certificate verify ok|using HTTP\/|Using HTTP2|Connection state changed|Copying HTTP\/2|Host \S+ was resolved|IPv[46]: |CAfile:|CApath:|successfully set certificate verify locations|Established connection|Request completely sent off|old SSL session ID|Connection #\d+ to host \S+ left intact|Closing connection)/;

/** The start of a log line (a date, a bracketed date, a syslog stamp, a combined log's address): not a body. */
const LOG_LINE_START_RE = /^(?:\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d|\[\d{4}-\d\d-\d\d|\[\d\d?\/[A-Z][a-z]{2}\/\d{4}|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d |\d{1,3}(?:\.\d{1,3}){3} - )/;

export interface CurlResponseResult extends FamilyResult {
  /** The text the hits' positions refer to: the status line and what identified the hop. */
  excerptText: string;
}

type State = 'idle' | 'headers' | 'body';

export class CurlResponseReader {
  private state: State = 'idle';
  private verbose = false;
  private statusLine = '';
  private status = 0;
  private statusText = '';
  private headers: [string, string][] = [];
  private body: string[] = [];
  private bodyChars = 0;
  private method = '';
  private path = '';
  private host: string | null = null;
  private serverIp: string | null = null;
  /** Inside the `> ` request lines of curl -v. */
  private inRequest = false;
  private judged: CurlResponseResult | null = null;

  /**
   * Reads one trimmed line. Null when the line is none of curl's (the caller tries the other
   * families); otherwise the line is curl's, with the judged response when one just ended.
   */
  read(text: string): CurlResponseResult | null {
    const c0 = text.charCodeAt(0);
    if (this.state === 'idle' && c0 !== 60 /* < */ && c0 !== 72 /* H */ && c0 !== 62 /* > */ && c0 !== 42 /* * */) return null;
    if (c0 === 62 /* > */ || c0 === 42 /* * */) return this.readRequestSide(text);
    const status = STATUS_LINE_RE.exec(text);
    if (status && (status[1] !== undefined || this.state !== 'headers' || !this.verbose)) {
      // A new response (a redirect followed, or the next request): judge the one before.
      const previous = this.state === 'idle' ? null : this.judge();
      this.start(status[1] !== undefined, text, Number(status[3]), status[4] ?? '');
      return previous ?? { format: 'curl', hits: [], excerptText: text };
    }
    if (this.state !== 'idle' && LOG_LINE_START_RE.test(text)) {
      // A log line: the paste has moved on. The response is judged now and the line is left to the
      // other families.
      this.judged = this.judge();
      return null;
    }
    if (this.state === 'headers') {
      const line = this.verbose ? (c0 === 60 ? text.slice(1).trim() : null) : text;
      if (line === null) return this.beginBody(text);
      if (line === '') {
        this.state = 'body';
        return { format: 'curl', hits: [], excerptText: text };
      }
      const header = HEADER_RE.exec(line);
      if (header) {
        this.headers.push([header[1]!.toLowerCase(), header[2]!.trim()]);
        return { format: 'curl', hits: [], excerptText: text };
      }
      return this.beginBody(text);
    }
    if (this.state === 'body') return this.addBody(text);
    return null;
  }

  /** Whether a response is open: every line must then come through `read`. */
  get open(): boolean {
    return this.state !== 'idle';
  }

  /** The response still open at the end of the input, judged; null when there is none. */
  flush(): CurlResponseResult | null {
    return this.state === 'idle' ? null : this.judge();
  }

  /** A response judged by the last `read` without that line being curl's; null when none. */
  takeJudged(): CurlResponseResult | null {
    const judged = this.judged;
    this.judged = null;
    return judged;
  }

  private readRequestSide(text: string): CurlResponseResult | null {
    if (text.charCodeAt(0) === 62 /* > */) {
      // Request lines only after a request line: a markdown quote (`> Error: …`) is not curl's.
      const rest = text.slice(1).trim();
      const request = REQUEST_RE.exec(rest);
      if (request) {
        // A new request while a response is open: that response is complete.
        const previous = this.state !== 'idle' ? this.judge() : null;
        this.method = request[1]!;
        this.path = request[2]!;
        this.inRequest = true;
        return previous ?? { format: 'curl', hits: [], excerptText: text };
      }
      if (!this.inRequest) return null;
      const header = rest === '' ? null : HEADER_RE.exec(rest);
      if (rest !== '' && !header) {
        this.inRequest = false;
        return null;
      }
      if (header && header[1]!.toLowerCase() === 'host') this.host = header[2]!.trim();
      return { format: 'curl', hits: [], excerptText: text };
    }
    const connected = /^\* Connected to (\S+) \(([^)]+)\) port (\d+)/.exec(text);
    if (connected) {
      this.host = connected[1]!;
      this.serverIp = connected[2]!;
    }
    if (this.state !== 'idle' && TRANSFER_END_RE.test(text)) return this.judge(text);
    if (this.state === 'body') return this.addBody(text);
    // curl's progress notes are its own; `* ` lines reporting a failure (connect, TLS) are left to
    // the families that read those texts.
    return connected || VERBOSE_NOTE_RE.test(text) ? { format: 'curl', hits: [], excerptText: text } : null;
  }

  private start(verbose: boolean, line: string, status: number, statusText: string): void {
    this.state = 'headers';
    this.inRequest = false;
    this.verbose = verbose;
    this.statusLine = line;
    this.status = status;
    this.statusText = statusText.trim();
    this.headers = [];
    this.body = [];
    this.bodyChars = 0;
  }

  private beginBody(text: string): CurlResponseResult {
    this.state = 'body';
    return this.addBody(text);
  }

  private addBody(text: string): CurlResponseResult {
    if (this.bodyChars < MAX_BODY_CHARS) {
      this.body.push(text);
      this.bodyChars += text.length + 1;
    }
    if (this.body.length >= MAX_BODY_LINES) return this.judge(text);
    return { format: 'curl', hits: [], excerptText: text };
  }

  /** Judges the open response with the HAR rules and closes it. */
  private judge(line?: string): CurlResponseResult {
    const view: HarEntryView = {
      startedDateTime: null,
      method: this.method,
      url: this.host ? `https://${this.host}${this.path}` : this.path,
      host: this.host,
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
      mimeType: this.headers.find(([name]) => name === 'content-type')?.[1] ?? null,
      body: this.body.length > 0 ? this.body.join('\n') : null,
      error: null,
      timings: normalizeTimings(null),
      time: null,
      serverIp: this.serverIp,
    };
    const status = this.status;
    const statusLine = this.statusLine;
    this.state = 'idle';
    this.headers = [];
    this.body = [];
    this.bodyChars = 0;
    if (status < 500) return { format: 'curl', hits: [], excerptText: line ?? statusLine, status };
    const verdict = detectHop(view);
    const excerptText = verdict.evidence ? `${statusLine} (${verdict.evidence})` : statusLine;
    const detail: Record<string, unknown> = { status, hop: verdict.hop };
    if (verdict.evidence) detail.hopEvidence = verdict.evidence;
    if (verdict.via.length > 0) detail.via = verdict.via;
    const upstream = this.host;
    const hits: Hit[] = responseSignals(view, verdict.hop).map((s) => {
      const d = { ...detail, meaning: s.meaning, ...(s.matched ? { matched: s.matched } : {}) };
      // The HAR rules' signal names, under curl's: the same observation from another tool.
      return hit(s.category, `curl.${s.signal.replace(/^har\./, '').replace(/-/g, '_')}`, s.weight, { at: 0, upstream: s.upstream ?? upstream, detail: d });
    });
    return { format: 'curl', hits, excerptText, status, upstream };
  }
}
