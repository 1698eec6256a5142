/**
 * Query plans for history.bench.ts: runs `EXPLAIN (ANALYZE, BUFFERS)` on the SQL the history
 * services build and reads from the plan text which indexes it uses and which tables it scans whole.
 */
import type pg from 'pg';

/** The indexes the history search and stats are meant to use. */
export const WATCHED_INDEXES = [
  'ix_incident_search_document',
  'ix_incident_search_categories',
  'ix_incident_search_created',
  'ix_incident_search_service_created',
  'ix_root_causes_confirmed',
  'uq_incident_steps_incident_key',
  'ix_incidents_created_at_id',
  'ix_incidents_service_created_at',
  'ix_incidents_severity_created_at',
] as const;

export interface PlanSummary {
  text: string;
  /** Watched indexes the plan names, in WATCHED_INDEXES order. */
  indexes: string[];
  /** Tables read by a (parallel) sequential scan. */
  seqScans: string[];
  /** Whether Postgres compiled the query with JIT (costly for queries of a few hundred ms). */
  jit: boolean;
  planningMs: number | null;
  executionMs: number | null;
}

export function summarizePlan(text: string): PlanSummary {
  const seqScans = [...new Set([...text.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]))];
  const ms = (label: string) => {
    const match = new RegExp(`${label} Time: ([\\d.]+) ms`).exec(text);
    return match ? Number(match[1]) : null;
  };
  return {
    text,
    indexes: WATCHED_INDEXES.filter((name) => new RegExp(`\\b${name}\\b`).test(text)),
    seqScans,
    jit: /^\s*JIT:/m.test(text),
    planningMs: ms('Planning'),
    executionMs: ms('Execution'),
  };
}

export async function explain(client: pg.Client, sql: string, params: unknown[]): Promise<PlanSummary> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  return summarizePlan(rows.map((row) => row['QUERY PLAN']).join('\n'));
}
