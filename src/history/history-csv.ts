import { toCsv } from './csv.js';
import type { HistoryItem } from './history-search.service.js';
import type { DurationStat, Stats } from './stats.service.js';

/** One row per incident, columns named as the JSON fields are. */
export function historyCsv(items: HistoryItem[]): string {
  return toCsv(
    [
      { key: 'ref', header: 'ref' },
      { key: 'incidentId', header: 'incidentId' },
      { key: 'title', header: 'title' },
      { key: 'service', header: 'service' },
      { key: 'severity', header: 'severity' },
      { key: 'status', header: 'status' },
      { key: 'gateway', header: 'gateway' },
      { key: 'categories', header: 'categories' },
      { key: 'primaryCategory', header: 'primaryCauseCategory' },
      { key: 'primaryDescription', header: 'primaryCauseDescription' },
      { key: 'resolution', header: 'resolution' },
      { key: 'createdAt', header: 'createdAt' },
      { key: 'resolvedAt', header: 'resolvedAt' },
      { key: 'timeToResolveSeconds', header: 'timeToResolveSeconds' },
      { key: 'postmortemStatus', header: 'postmortemStatus' },
      { key: 'publishedAt', header: 'publishedAt' },
      { key: 'rank', header: 'rank' },
    ],
    items.map((item) => ({ ...item, primaryCategory: item.primaryCause?.category ?? null, primaryDescription: item.primaryCause?.description ?? null })),
  );
}

/**
 * Stats in long form — one figure per row (`section`, `key`, `value`, plus `count`/`missing` behind a
 * duration and `refs` behind a recurring cause) — so a pivot table can take any slice of it.
 */
export function statsCsv(stats: Stats): string {
  const rows: Record<string, unknown>[] = [];
  const add = (section: string, key: string, value: number | string | null, extra: Record<string, unknown> = {}): void => {
    rows.push({ section, key, value, ...extra });
  };
  add('window', 'from', stats.from);
  add('window', 'to', stats.to);
  add('filter', 'service', stats.service);
  add('filter', 'severity', stats.severity);
  add('filter', 'gateway', stats.gateway);
  add('summary', 'incidents', stats.incidents);
  const durations: Array<[string, DurationStat]> = [
    ['timeToAcknowledge', stats.timeToAcknowledge],
    ['timeToMitigate', stats.timeToMitigate],
    ['timeToResolve', stats.timeToResolve],
  ];
  for (const [section, d] of durations) {
    for (const key of ['p50Seconds', 'p90Seconds', 'meanSeconds'] as const) add(section, key, d[key], { count: d.count, missing: d.missing });
  }
  const breakdowns: Array<[string, Record<string, number>]> = [
    ['byCategory', stats.byCategory],
    ['byService', stats.byService],
    ['bySeverity', stats.bySeverity],
    ['byGateway', stats.byGateway],
  ];
  for (const [section, counts] of breakdowns) for (const [key, n] of Object.entries(counts)) add(section, key, n);
  for (const r of stats.recurring) add('recurring', `${r.service}/${r.category}`, r.count, { refs: r.refs });
  for (const s of stats.steps) {
    add('stepFoundCause', s.key, s.foundCause, { count: s.completed });
    add('stepMedianSecondsSpent', s.key, s.medianSecondsSpent, { count: s.completed });
  }
  for (const w of stats.weekly) {
    add('weeklyIncidents', w.weekStart, w.total);
    add('weeklyTimeToResolveP50Seconds', w.weekStart, w.timeToResolve.p50Seconds, { count: w.timeToResolve.count });
  }
  return toCsv(
    [
      { key: 'section', header: 'section' },
      { key: 'key', header: 'key' },
      { key: 'value', header: 'value' },
      { key: 'count', header: 'count' },
      { key: 'missing', header: 'missing' },
      { key: 'refs', header: 'refs' },
    ],
    rows,
  );
}
