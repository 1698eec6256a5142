import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ValidationError } from '../common/errors/domain-errors.js';
import type { StatsQuery } from './dto/history.dto.js';
import type { Stats } from './stats.types.js';
import { TIME_TO_ACKNOWLEDGE_SQL, TIME_TO_MITIGATE_SQL, TIME_TO_RESOLVE_SQL } from './metrics-sql.js';

export type { DurationStat, RecurringCause, Stats, StepStat, WeekStat } from './stats.types.js';

const DAY_MS = 86_400_000;
/** Default window: the last 90 days. Longest: about three years of weekly buckets. */
export const DEFAULT_WINDOW_DAYS = 90;
const MAX_WINDOW_DAYS = 3 * 366;

function durationJson(column: string): string {
  return `json_build_object(
    'p50Seconds', percentile_cont(0.5) WITHIN GROUP (ORDER BY ${column}),
    'p90Seconds', percentile_cont(0.9) WITHIN GROUP (ORDER BY ${column}),
    'meanSeconds', round(avg(${column})::numeric, 1)::float8,
    'count', count(${column}),
    'missing', count(*) - count(${column}))`;
}

function countsBy(column: string): string {
  return `(SELECT coalesce(json_object_agg(k, n ORDER BY n DESC, k), '{}'::json) FROM (SELECT ${column} AS k, count(*) AS n FROM base GROUP BY 1) x)`;
}

/** The stats as one SQL statement and its parameters (the benchmark also runs it directly). */
export function buildStatsSql(query: StatsQuery, now = new Date()): { sql: string; params: unknown[]; from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) throw new ValidationError([{ field: 'to', message: 'to must be after from' }]);
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw new ValidationError([{ field: 'from', message: `the window may span at most ${MAX_WINDOW_DAYS} days` }]);
  }
  const params: unknown[] = [from.toISOString(), to.toISOString()];
  const filters: string[] = [];
  if (query.service) filters.push(`i.service = $${params.push(query.service)}`);
  if (query.severity) filters.push(`i.severity = $${params.push(query.severity)}`);
  if (query.gateway) filters.push(`i.gateway = $${params.push(query.gateway)}`);
  const sql = `WITH base AS MATERIALIZED (
       SELECT i.id, i.ref_number, i.service, i.severity::text AS severity, coalesce(i.gateway::text, 'none') AS gateway,
              date_trunc('week', i.created_at AT TIME ZONE 'UTC') AS week,
              ${TIME_TO_ACKNOWLEDGE_SQL} AS tta, ${TIME_TO_MITIGATE_SQL} AS ttm, ${TIME_TO_RESOLVE_SQL} AS ttr,
              coalesce(cause.category, 'UNCLASSIFIED') AS category, coalesce(cause.step_keys, '{}') AS cause_steps
         FROM incidents i
         LEFT JOIN LATERAL (
                SELECT r.category::text AS category, r.step_keys FROM root_causes r
                 WHERE r.incident_id = i.id AND r.status = 'confirmed'
                 ORDER BY r."primary" DESC, r.confirmed_at NULLS LAST, r.created_at LIMIT 1) cause ON true
        WHERE i.created_at >= $1 AND i.created_at < $2 ${filters.map((f) => `AND ${f}`).join(' ')}
     ),
     weeks AS (
       SELECT generate_series(date_trunc('week', $1::timestamptz AT TIME ZONE 'UTC'), $2::timestamptz AT TIME ZONE 'UTC', interval '1 week') AS week
     ),
     week_totals AS (
       SELECT week, count(*) AS total,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ttr) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY ttr) AS p90, count(ttr) AS measured
         FROM base GROUP BY week
     ),
     week_categories AS (
       SELECT week, json_object_agg(category, n ORDER BY n DESC, category) AS by_category
         FROM (SELECT week, category, count(*) AS n FROM base GROUP BY 1, 2) x GROUP BY week
     ),
     recurring AS (
       SELECT service, category, count(*) AS n, array_agg('INC-' || ref_number ORDER BY ref_number) AS refs
         FROM (SELECT DISTINCT b.id, b.ref_number, b.service, r.category::text AS category
                 FROM base b JOIN root_causes r ON r.incident_id = b.id AND r.status = 'confirmed') x
        GROUP BY service, category HAVING count(*) > 1
     ),
     steps AS (
       SELECT s.step_key AS key, min(s.title) AS title, min(s.position) AS position,
              count(*) FILTER (WHERE s.status = 'done') AS completed,
              count(*) FILTER (WHERE s.status = 'skipped') AS skipped,
              count(*) FILTER (WHERE s.step_key = ANY (b.cause_steps)) AS found_cause,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY s.time_spent_seconds) FILTER (WHERE s.status = 'done') AS median_spent,
              round(avg(s.time_spent_seconds) FILTER (WHERE s.status = 'done')::numeric, 1)::float8 AS mean_spent
         FROM base b JOIN incident_steps s ON s.incident_id = b.id
        GROUP BY s.step_key
     )
     SELECT json_build_object(
       'incidents', (SELECT count(*) FROM base),
       'timeToAcknowledge', (SELECT ${durationJson('tta')} FROM base),
       'timeToMitigate', (SELECT ${durationJson('ttm')} FROM base),
       'timeToResolve', (SELECT ${durationJson('ttr')} FROM base),
       'byCategory', ${countsBy('category')},
       'byService', ${countsBy('service')},
       'bySeverity', ${countsBy('severity')},
       'byGateway', ${countsBy('gateway')},
       'recurring', (SELECT coalesce(json_agg(json_build_object('service', service, 'category', category, 'count', n, 'refs', refs)
                                              ORDER BY n DESC, service, category), '[]'::json) FROM recurring),
       'steps', (SELECT coalesce(json_agg(json_build_object('key', key, 'title', title, 'position', position, 'completed', completed,
                                                            'skipped', skipped, 'foundCause', found_cause,
                                                            'medianSecondsSpent', median_spent, 'meanSecondsSpent', mean_spent)
                                          ORDER BY position, key), '[]'::json) FROM steps),
       'weekly', (SELECT json_agg(json_build_object('weekStart', to_char(w.week, 'YYYY-MM-DD'), 'total', coalesce(t.total, 0),
                                                    'byCategory', coalesce(c.by_category, '{}'::json),
                                                    'timeToResolve', json_build_object('p50Seconds', t.p50, 'p90Seconds', t.p90, 'count', coalesce(t.measured, 0)))
                                  ORDER BY w.week)
                    FROM weeks w LEFT JOIN week_totals t USING (week) LEFT JOIN week_categories c USING (week)
                   WHERE w.week < $2::timestamptz AT TIME ZONE 'UTC')
     ) AS stats`;
  return { sql, params, from, to };
}

/**
 * Reliability figures over a window, in one SQL statement: the window's incidents are read once
 * (by the creation-time indexes) and every figure is aggregated in the database.
 */
@Injectable()
export class StatsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async stats(query: StatsQuery, now = new Date()): Promise<Stats> {
    const { sql, params, from, to } = buildStatsSql(query, now);
    const [row]: Array<{ stats: Omit<Stats, 'from' | 'to' | 'service' | 'severity' | 'gateway' | 'causeMostOftenFoundBy'> }> = await this.dataSource.query(sql, params);
    const stats = row.stats;
    const finder = [...stats.steps].filter((s) => s.foundCause > 0).sort((a, b) => b.foundCause - a.foundCause || a.position - b.position)[0];
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      service: query.service ?? null,
      severity: query.severity ?? null,
      gateway: query.gateway ?? null,
      ...stats,
      weekly: stats.weekly ?? [],
      causeMostOftenFoundBy: finder ? { key: finder.key, title: finder.title, count: finder.foundCause } : null,
    };
  }
}
