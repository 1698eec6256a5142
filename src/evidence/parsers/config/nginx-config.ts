import type { Finding } from '../finding.js';

/**
 * nginx configuration (`nginx -T` output or a single file), read for the settings behind 502s that
 * the third step of the runbook asks about. A configuration shows a risk, not what happened, so
 * its findings weigh little: they tip a ranking between close causes, they do not make one.
 */

interface Directive {
  name: string;
  args: string[];
  line: number;
  /** The directive as written on its line, for the excerpt. */
  text: string;
  children: Directive[] | null;
}

export interface NginxConfigResult {
  findings: Finding[];
  summary: { directives: number; upstreams: string[]; proxyPasses: number; resolver: boolean };
}

/** Whether the text reads as nginx configuration. */
export function looksLikeNginxConfig(text: string): boolean {
  return /(?:^|[\s{;])(?:proxy_pass|fastcgi_pass|uwsgi_pass|grpc_pass)\s+\S+\s*;/m.test(text) || /(?:^|\s)upstream\s+[\w.-]+\s*\{/m.test(text);
}

/** Reads the directives and applies the checks; never throws on malformed input (it reads what it can). */
export function analyzeNginxConfig(text: string): NginxConfigResult {
  const lines = text.split(/\r?\n/);
  const root = parseDirectives(text, lines);
  const findings: Finding[] = [];
  const upstreams = new Map<string, Directive>();
  const all: Directive[] = [];
  walk(root, (d) => {
    all.push(d);
    if (d.name === 'upstream' && d.args[0] && d.children) upstreams.set(d.args[0], d);
  });
  const add = (d: Directive, category: Finding['category'], signal: string, weight: number, detail: Record<string, unknown>): void => {
    findings.push({ category, signal, weight, excerpt: d.text.slice(0, 500), location: { line: d.line }, observedAt: null, upstream: null, detail });
  };

  // Each proxy_pass with the settings in force where it is (inherited from server and http).
  let proxyPasses = 0;
  visitScopes(root, [], (directive, scopes) => {
    if (directive.name !== 'proxy_pass' || !directive.args[0]) return;
    proxyPasses++;
    const target = directive.args[0];
    const hostPart = /^[a-z]+:\/\/([^/:]+|\[[^\]]+\])/i.exec(target)?.[1] ?? '';
    const inScope = (name: string): Directive | null => nearest(scopes, name);
    const resolver = inScope('resolver');

    if (hostPart.includes('$')) {
      if (!resolver) {
        // A variable makes nginx resolve at request time, which needs a resolver: without one every
        // request fails with "no resolver defined to resolve …" (502).
        add(directive, 'GATEWAY_CONFIG', 'nginx_config.variable_proxy_pass_without_resolver', 4, { target });
      }
      return;
    }
    const upstream = upstreams.get(hostPart);
    if (upstream) {
      const keepalive = upstream.children!.find((d) => d.name === 'keepalive');
      if (keepalive) {
        const version = inScope('proxy_http_version')?.args[0];
        // proxy_set_header is inherited only by levels that set none of their own.
        const headers = nearestList(scopes, 'proxy_set_header');
        const clearsConnection = headers.some((d) => d.args[0]?.toLowerCase() === 'connection' && (d.args[1] === '' || d.args[1] === '""' || d.args[1] === "''"));
        if (version !== '1.1' || !clearsConnection) {
          add(directive, 'GATEWAY_CONFIG', 'nginx_config.upstream_keepalive_not_used', 1.5, {
            upstream: hostPart,
            missing: [...(version !== '1.1' ? ['proxy_http_version 1.1'] : []), ...(!clearsConnection ? ['proxy_set_header Connection ""'] : [])],
          });
        } else {
          const timeout = upstream.children!.find((d) => d.name === 'keepalive_timeout')?.args[0] ?? '60s';
          // Idle upstream connections outliving the app's own keep-alive (Node's default was 5 s)
          // are closed by the app first; a request sent on one fails ("upstream prematurely closed").
          if (seconds(timeout) > 5) {
            add(keepalive, 'UPSTREAM_RESET', 'nginx_config.upstream_keepalive_may_outlive_app', 1.3, { upstream: hostPart, keepaliveTimeout: timeout });
          }
        }
      }
    } else if (hostPart && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostPart) && !hostPart.startsWith('[') && hostPart !== 'localhost' && !hostPart.startsWith('unix:') && !resolver) {
      // A literal name is resolved once, at start or reload; a backend that moves (a new pod, a
      // load balancer's changing addresses) keeps getting the old address until the next reload.
      add(directive, 'DNS', 'nginx_config.proxy_pass_name_resolved_once', 1.5, { host: hostPart });
    }
    for (const name of ['proxy_read_timeout', 'proxy_send_timeout']) {
      const setting = inScope(name);
      if (setting && setting.args[0] && seconds(setting.args[0]) < 5) {
        add(setting, 'GATEWAY_CONFIG', `nginx_config.short_${name}`, 2, { value: setting.args[0] });
      }
    }
  });

  return {
    findings: dedupe(findings),
    summary: { directives: all.length, upstreams: [...upstreams.keys()], proxyPasses, resolver: all.some((d) => d.name === 'resolver') },
  };
}

/** One finding per signal and line: a setting inherited by many locations is reported once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.signal}:${f.location.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** nginx time: `30`, `30s`, `1m`, `500ms`, `1h` → seconds (NaN-safe: unknown reads as large). */
function seconds(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) return Number.POSITIVE_INFINITY;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'ms':
      return n / 1000;
    case 'm':
      return n * 60;
    case 'h':
      return n * 3600;
    case 'd':
      return n * 86400;
    default:
      return n;
  }
}

function walk(directives: Directive[], visit: (d: Directive) => void): void {
  for (const d of directives) {
    visit(d);
    if (d.children) walk(d.children, visit);
  }
}

/** Visits every directive with the chain of enclosing blocks' contents (innermost last). */
function visitScopes(directives: Directive[], scopes: Directive[][], visit: (d: Directive, scopes: Directive[][]) => void): void {
  const here = [...scopes, directives];
  for (const d of directives) {
    visit(d, here);
    // An upstream block is not a scope proxy settings flow into.
    if (d.children && d.name !== 'upstream') visitScopes(d.children, here, visit);
  }
}

function nearest(scopes: Directive[][], name: string): Directive | null {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const found = scopes[i]!.find((d) => d.name === name);
    if (found) return found;
  }
  return null;
}

/** An array directive (proxy_set_header …): the innermost level that sets any, as nginx inherits it. */
function nearestList(scopes: Directive[][], name: string): Directive[] {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const found = scopes[i]!.filter((d) => d.name === name);
    if (found.length > 0) return found;
  }
  return [];
}

/**
 * Directives and blocks, with their line numbers. Comments, quoted strings (kept with their quotes
 * stripped, an empty string as `""`) and `nginx -T`'s `# configuration file …:` separators are
 * handled; an unbalanced brace ends the block early rather than failing.
 */
function parseDirectives(text: string, lines: string[]): Directive[] {
  const root: Directive[] = [];
  const stack: Directive[][] = [root];
  let words: string[] = [];
  let startLine = 0;
  let line = 1;
  let i = 0;
  const n = text.length;
  const flush = (children: Directive[] | null): void => {
    if (words.length > 0) {
      const d: Directive = { name: words[0]!, args: words.slice(1), line: startLine, text: (lines[startLine - 1] ?? '').trim(), children };
      stack[stack.length - 1]!.push(d);
      if (children) stack.push(children);
    }
    words = [];
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === 'n' && words.length === 0 && (i === 0 || text[i - 1] === '\n') && text.startsWith('nginx: ', i)) {
      // `nginx -T` prints its verdict ("nginx: the configuration file … syntax is ok") first.
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === ';') {
      flush(null);
      i++;
    } else if (c === '{') {
      if (words.length === 0) words = ['{'];
      flush([]);
      i++;
    } else if (c === '}') {
      flush(null);
      if (stack.length > 1) stack.pop();
      i++;
    } else if (c === '"' || c === "'") {
      if (words.length === 0) startLine = line;
      let j = i + 1;
      let value = '';
      while (j < n && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < n) j++;
        if (text[j] === '\n') line++;
        value += text[j];
        j++;
      }
      words.push(value === '' ? '""' : value);
      i = j + 1;
    } else {
      if (words.length === 0) startLine = line;
      let j = i;
      while (j < n && !/[\s;{}#"']/.test(text[j]!)) j++;
      words.push(text.slice(i, j));
      i = j;
    }
  }
  flush(null);
  return root;
}
