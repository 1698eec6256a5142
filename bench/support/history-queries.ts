/**
 * The searches and stats windows history.bench.ts measures: what people ask of an incident history —
 * words alone, words with a filter, filters alone, the newest page; 90-day stats at several offsets,
 * for all services or one, for one severity. Each is sent through the API as a query string and run
 * directly with the SQL the service builds from the same object.
 */
import type { SearchHistoryQuery, StatsQuery } from '../../src/history/dto/history.dto.js';

const DAY_MS = 86_400_000;

export interface NamedQuery<Q> {
  name: string;
  query: Q;
}

export interface QueryContext {
  /** The newest creation time in the history: windows end here or earlier. */
  end: Date;
  /** Services by incident count, most first. */
  servicesByVolume: string[];
}

/** A window of `days` ending `offsetDays` before the end of the history. */
function window(context: QueryContext, offsetDays: number, days = 90): { from: string; to: string } {
  const to = context.end.getTime() + 1 - offsetDays * DAY_MS;
  return { from: new Date(to - days * DAY_MS).toISOString(), to: new Date(to).toISOString() };
}

function services(context: QueryContext): { busy: string; middling: string; quiet: string } {
  const list = context.servicesByVolume;
  return { busy: list[0], middling: list[Math.floor(list.length / 4)], quiet: list[list.length - 3] ?? list[list.length - 1] };
}

export function searchQueries(context: QueryContext): Array<NamedQuery<SearchHistoryQuery>> {
  const { busy, middling } = services(context);
  return [
    { name: 'q "502 upstream"', query: { q: '502 upstream' } },
    { name: 'q "connection refused"', query: { q: 'connection refused' } },
    { name: 'q "timeout" + busy service', query: { q: 'timeout', service: busy } },
    { name: 'q "TLS handshake" + category TLS', query: { q: 'TLS handshake', category: 'TLS' } },
    { name: 'q "DNS" + last 90 days', query: { q: 'DNS', ...window(context, 0) } },
    { name: 'q "keep-alive" + SEV2', query: { q: 'keep-alive', severity: 'SEV2' } },
    { name: 'q phrase "connection reset" -tls', query: { q: '"connection reset" -tls' } },
    { name: 'q "upstream timeout", newest', query: { q: 'upstream timeout', sort: 'newest' } },
    { name: 'q "certificate expired" + published', query: { q: 'certificate expired', postmortemStatus: 'published' } },
    { name: 'q "deploy 502" + ingress-nginx', query: { q: 'deploy 502', gateway: 'ingress-nginx' } },
    { name: 'q "pool exhausted" + service + 180 d', query: { q: 'pool exhausted', service: middling, ...window(context, 0, 180) } },
    { name: 'q "oom killed"', query: { q: 'oom killed' } },
    { name: 'q "rollback" + UPSTREAM_DOWN + 90 d', query: { q: 'rollback', category: 'UPSTREAM_DOWN', ...window(context, 180) } },
    { name: 'q "proxy_read_timeout"', query: { q: 'proxy_read_timeout' } },
    { name: 'busy service, newest', query: { service: busy } },
    { name: 'UPSTREAM_TIMEOUT + last 90 days', query: { category: 'UPSTREAM_TIMEOUT', ...window(context, 0) } },
    { name: 'SEV1 + resolved', query: { severity: 'SEV1', status: 'resolved' } },
    { name: 'service + 90 days a quarter ago', query: { service: middling, ...window(context, 90) } },
    { name: 'envoy + UPSTREAM_RESET', query: { gateway: 'envoy', category: 'UPSTREAM_RESET' } },
    { name: 'published + last 90 days', query: { postmortemStatus: 'published', ...window(context, 0) } },
    { name: 'everything, newest', query: {} },
    { name: 'status investigating', query: { status: 'investigating' } },
  ];
}

export function statsQueries(context: QueryContext): Array<NamedQuery<StatsQuery>> {
  const { busy, middling, quiet } = services(context);
  return [
    { name: 'last 90 days', query: window(context, 0) },
    { name: '90 days, 30 days ago', query: window(context, 30) },
    { name: '90 days, 90 days ago', query: window(context, 90) },
    { name: '90 days, 180 days ago', query: window(context, 180) },
    { name: '90 days, a year ago', query: window(context, 365) },
    { name: '90 days, 540 days ago', query: window(context, 540) },
    { name: 'last 90 days, busy service', query: { ...window(context, 0), service: busy } },
    { name: '90 days 180 ago, busy service', query: { ...window(context, 180), service: busy } },
    { name: 'last 90 days, middling service', query: { ...window(context, 0), service: middling } },
    { name: '90 days 90 ago, quiet service', query: { ...window(context, 90), service: quiet } },
    { name: 'last 90 days, SEV1', query: { ...window(context, 0), severity: 'SEV1' } },
    { name: '90 days a year ago, SEV2', query: { ...window(context, 365), severity: 'SEV2' } },
    { name: '90 days 270 ago, SEV4', query: { ...window(context, 270), severity: 'SEV4' } },
    { name: '90 days 30 ago, busy service SEV3', query: { ...window(context, 30), service: busy, severity: 'SEV3' } },
    { name: 'last 90 days, nginx', query: { ...window(context, 0), gateway: 'nginx' } },
    { name: '90 days 450 ago, middling service', query: { ...window(context, 450), service: middling } },
  ];
}

/** The query object as the URL query string the API reads. */
export function toQueryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
