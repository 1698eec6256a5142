import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ValidationError } from '../common/errors/domain-errors.js';
import type { Page } from '../common/pagination/cursor.js';
import { incidentRef } from '../incidents/incident.view.js';
import type { HistorySort, SearchHistoryQuery } from './dto/history.dto.js';
import { TIME_TO_RESOLVE_SQL } from './metrics-sql.js';

export interface HistoryItem {
  incidentId: string;
  ref: string;
  title: string;
  service: string;
  severity: string;
  status: string;
  gateway: string | null;
  /** Confirmed cause categories. */
  categories: string[];
  /** The confirmed primary cause (or the first confirmed one). */
  primaryCause: { category: string; description: string } | null;
  resolution: string | null;
  createdAt: string;
  resolvedAt: string | null;
  timeToResolveSeconds: number | null;
  postmortemStatus: string | null;
  publishedAt: string | null;
  /** Search relevance (0–1, higher is better); null without `q`. */
  rank: number | null;
  /** Where the words were found, matches between « and »; null without `q`. */
  headline: string | null;
}

/** Keyset position of the last item: relevance (when sorting by it), creation time, id. */
interface HistoryCursor {
  sort: HistorySort;
  rank: string | null;
  at: string;
  id: string;
}

function encodeHistoryCursor(cursor: HistoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.rank, cursor.at, cursor.id]), 'utf8').toString('base64url');
}

function decodeHistoryCursor(raw: string, sort: HistorySort): HistoryCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 4) {
      const [s, rank, at, id] = value as unknown[];
      if (
        s === sort &&
        (rank === null || (typeof rank === 'string' && /^\d+(\.\d+)?$/.test(rank))) &&
        (sort === 'relevance') === (rank !== null) &&
        typeof at === 'string' &&
        !Number.isNaN(Date.parse(at)) &&
        typeof id === 'string' &&
        /^[0-9a-f-]{36}$/i.test(id)
      ) {
        return { sort, rank: rank as string | null, at, id };
      }
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError([{ field: 'cursor', message: 'cursor is not one this search returned (same q, filters and sort)' }]);
}

interface HistoryRow {
  id: string;
  ref_number: number;
  title: string;
  service: string;
  severity: string;
  status: string;
  gateway: string | null;
  categories: string[];
  postmortem_status: string | null;
  published_at: Date | null;
  resolution: string | null;
  created_at: Date;
  /** Creation time to the microsecond, for the cursor (a JS Date keeps milliseconds). */
  created_key: string;
  resolved_at: Date | null;
  ttr: number | null;
  rank: string | null;
  headline: string | null;
  cause_category: string | null;
  cause_description: string | null;
}

/**
 * The search as one SQL statement and its parameters (the benchmark runs the same SQL directly to
 * measure the API's overhead over the database).
 */
export function buildHistorySearchSql(query: SearchHistoryQuery): { sql: string; params: unknown[]; limit: number; sort: HistorySort } {
  const limit = query.limit ?? 50;
  const text = query.q?.trim() || null;
  const sort: HistorySort = query.sort ?? (text ? 'relevance' : 'newest');
  if (sort === 'relevance' && !text) throw new ValidationError([{ field: 'sort', message: 'sort=relevance needs q' }]);
  if (query.from && query.to && Date.parse(query.from) >= Date.parse(query.to)) {
    throw new ValidationError([{ field: 'to', message: 'to must be after from' }]);
  }
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  let rankSql = 'NULL::numeric';
  if (text) {
    const tsquery = `websearch_to_tsquery('english', ${param(text)})`;
    where.push(`s.document @@ ${tsquery}`);
    // Rounded so the keyset comparison of the next page sees exactly the value it was given.
    rankSql = `round(ts_rank_cd(s.document, ${tsquery}, 32)::numeric, 6)`;
  }
  if (query.service) where.push(`i.service = ${param(query.service)}`);
  if (query.severity) where.push(`i.severity = ${param(query.severity)}`);
  if (query.gateway) where.push(`i.gateway = ${param(query.gateway)}`);
  if (query.status) where.push(`i.status = ${param(query.status)}`);
  if (query.category) where.push(`s.categories @> ARRAY[${param(query.category)}]::text[]`);
  if (query.postmortemStatus) where.push(`s.postmortem_status = ${param(query.postmortemStatus)}`);
  if (query.from) where.push(`i.created_at >= ${param(query.from)}`);
  if (query.to) where.push(`i.created_at < ${param(query.to)}`);
  if (query.cursor) {
    const cursor = decodeHistoryCursor(query.cursor, sort);
    where.push(
      sort === 'relevance'
        ? `(${rankSql}, i.created_at, i.id) < (${param(cursor.rank)}::numeric, ${param(cursor.at)}::timestamptz, ${param(cursor.id)}::uuid)`
        : `(i.created_at, i.id) < (${param(cursor.at)}::timestamptz, ${param(cursor.id)}::uuid)`,
    );
  }
  const order = sort === 'relevance' ? 'rank DESC, i.created_at DESC, i.id DESC' : 'i.created_at DESC, i.id DESC';
  const headlineSql = text
    ? // $1 is the search text: it is the first parameter whenever there is one.
      `ts_headline('english', left(coalesce(pm.markdown, page.title || '. ' || coalesce(page.summary, '') || ' ' || coalesce(page.resolution, '')), 20000),
                   websearch_to_tsquery('english', $1), 'StartSel=«, StopSel=», MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "')`
    : 'NULL';
  // Filter, rank and cut the page first; then dress only the page's rows (headline, cause).
  const sql = `WITH page AS (
       SELECT i.id, i.ref_number, i.title, i.summary, i.service, i.severity::text AS severity, i.status::text AS status,
              i.gateway::text AS gateway, s.categories, s.postmortem_status, s.published_at, i.resolution,
              i.created_at, i.resolved_at, ${TIME_TO_RESOLVE_SQL} AS ttr,
              to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key, ${rankSql} AS rank
         FROM incident_search s
         JOIN incidents i ON i.id = s.incident_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${order}
        LIMIT ${limit + 1})
     SELECT page.*, ${headlineSql} AS headline, cause.category AS cause_category, cause.description AS cause_description
       FROM page
       LEFT JOIN postmortems pm ON pm.incident_id = page.id
       LEFT JOIN LATERAL (
              SELECT r.category::text AS category, r.description FROM root_causes r
               WHERE r.incident_id = page.id AND r.status = 'confirmed'
               ORDER BY r."primary" DESC, r.confirmed_at NULLS LAST, r.created_at LIMIT 1) cause ON true
      ORDER BY ${sort === 'relevance' ? 'page.rank DESC, ' : ''}page.created_at DESC, page.id DESC`;
  return { sql, params, limit, sort };
}

/** Search over past incidents and their postmortems: Postgres full text (GIN) plus filters, keyset-paginated. */
@Injectable()
export class HistorySearchService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async search(query: SearchHistoryQuery): Promise<Page<HistoryItem>> {
    const { sql, params, limit, sort } = buildHistorySearchSql(query);
    const rows: HistoryRow[] = await this.dataSource.query(sql, params);
    const items = rows.slice(0, limit).map(toHistoryItem);
    const last = rows.length > limit ? rows[limit - 1] : null;
    return {
      items,
      nextCursor: last ? encodeHistoryCursor({ sort, rank: sort === 'relevance' ? last.rank : null, at: last.created_key, id: last.id }) : null,
    };
  }
}

function toHistoryItem(row: HistoryRow): HistoryItem {
  return {
    incidentId: row.id,
    ref: incidentRef(row.ref_number),
    title: row.title,
    service: row.service,
    severity: row.severity,
    status: row.status,
    gateway: row.gateway,
    categories: [...row.categories].sort(),
    primaryCause: row.cause_category ? { category: row.cause_category, description: row.cause_description ?? '' } : null,
    resolution: row.resolution,
    createdAt: row.created_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    timeToResolveSeconds: row.ttr,
    postmortemStatus: row.postmortem_status,
    publishedAt: row.published_at?.toISOString() ?? null,
    rank: row.rank === null ? null : Number(row.rank),
    headline: row.headline,
  };
}
