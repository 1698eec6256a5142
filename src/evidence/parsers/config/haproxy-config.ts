import type { Finding } from '../finding.js';

/**
 * HAProxy configuration (`haproxy.cfg`), read for the settings behind 502/503/504 that the third
 * step asks about. As with nginx, a configuration shows a risk, so its findings weigh little.
 */

interface Section {
  /** `global`, `defaults`, `frontend`, `backend`, `listen`, … */
  kind: string;
  name: string;
  line: number;
  /** Keyword lines of the section: words and where they are. */
  lines: Array<{ words: string[]; line: number; text: string }>;
}

export interface HaproxyConfigResult {
  findings: Finding[];
  summary: { sections: number; backends: string[]; servers: number };
}

const SECTION_KINDS = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'resolvers', 'peers', 'userlist', 'program', 'http-errors', 'ring', 'cache', 'mailers']);

/** Whether the text reads as HAProxy configuration: sections and `server` lines with addresses. */
export function looksLikeHaproxyConfig(text: string): boolean {
  // Unlike nginx's, its lines end without `;` or `{`: `listen 80;` and `server {` are nginx's.
  return /^\s*(?:backend|listen|frontend)\s+[\w.:-]+(?:\s+[^;{\s]+)?\s*$/m.test(text) && /^\s*(?:server\s+\S+\s+\S+|default_backend\s+\S+|use_backend\s+\S+|bind\s+\S+)[^;{]*$/m.test(text);
}

export function analyzeHaproxyConfig(text: string): HaproxyConfigResult {
  const sections = readSections(text);
  const findings: Finding[] = [];
  const add = (line: { line: number; text: string }, category: Finding['category'], signal: string, weight: number, detail: Record<string, unknown>): void => {
    findings.push({ category, signal, weight, excerpt: line.text.slice(0, 500), location: { line: line.line }, observedAt: null, upstream: null, detail });
  };
  // `defaults` apply to the proxies after them, until the next `defaults`.
  let defaults: Section | null = null;
  let servers = 0;
  const backends: string[] = [];
  for (const section of sections) {
    if (section.kind === 'defaults') {
      defaults = section;
      continue;
    }
    if (section.kind !== 'backend' && section.kind !== 'listen') continue;
    backends.push(section.name);
    const setting = (...keyword: string[]) => find(section, keyword) ?? (defaults ? find(defaults, keyword) : null);
    const header = { line: section.line, text: `${section.kind} ${section.name}` };

    const serverTimeout = setting('timeout', 'server');
    if (!serverTimeout) {
      // HAProxy warns at start: without it a hung server holds the connection for ever.
      add(header, 'GATEWAY_CONFIG', 'haproxy_config.no_timeout_server', 1.5, { backend: section.name });
    } else if (serverTimeout.words[2] && milliseconds(serverTimeout.words[2]) < 5000) {
      add(serverTimeout, 'GATEWAY_CONFIG', 'haproxy_config.short_timeout_server', 2, { backend: section.name, value: serverTimeout.words[2] });
    }
    if (!setting('timeout', 'connect')) add(header, 'GATEWAY_CONFIG', 'haproxy_config.no_timeout_connect', 1.3, { backend: section.name });

    const reuse = setting('http-reuse');
    if (reuse && (reuse.words[1] === 'always' || reuse.words[1] === 'aggressive')) {
      // The documentation's warning: these modes accept occasional failures when a server closes
      // an idle connection just as a request is sent on it.
      add(reuse, 'UPSTREAM_RESET', 'haproxy_config.aggressive_connection_reuse', 1.3, { backend: section.name, mode: reuse.words[1] });
    }

    const serverLines = section.lines.filter((l) => l.words[0] === 'server');
    servers += serverLines.length;
    const checksByDefault = setting('default-server')?.words.includes('check') ?? false;
    const unchecked = serverLines.filter((l) => !l.words.includes('check') && !checksByDefault);
    if (serverLines.length > 1 && unchecked.length > 0) {
      // Without health checks a dead server keeps its share of requests (503/502 for each).
      add(unchecked[0]!, 'UPSTREAM_DOWN', 'haproxy_config.servers_without_health_check', 1.5, { backend: section.name, servers: unchecked.map((l) => l.words[1]) });
    }
  }
  return { findings, summary: { sections: sections.length, backends, servers } };
}

function find(section: Section, keyword: string[]): { words: string[]; line: number; text: string } | null {
  // The last occurrence wins, as in HAProxy.
  for (let i = section.lines.length - 1; i >= 0; i--) {
    const l = section.lines[i]!;
    if (keyword.every((k, j) => l.words[j] === k)) return l;
  }
  return null;
}

/** HAProxy time: a number of ms by default, or with a unit (us, ms, s, m, h, d). */
function milliseconds(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h|d)?$/.exec(value);
  if (!m) return Number.POSITIVE_INFINITY;
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const factor: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return n * factor[unit]!;
}

function readSections(text: string): Section[] {
  const sections: Section[] = [];
  let current: Section | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const words = line.split(/\s+/);
    if (SECTION_KINDS.has(words[0]!)) {
      current = { kind: words[0]!, name: words[1] ?? '', line: index + 1, lines: [] };
      sections.push(current);
      return;
    }
    current?.lines.push({ words, line: index + 1, text: raw.trim() });
  });
  return sections;
}
