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
 * Matches ranked by relevance: the newest this many after the filters. Older matches are found with
 * narrower filters (service, category, from/to) or `sort=newest`, which pages through all of them.
 */
export const RELEVANCE_WINDOW = 5000;

/**
 * What the search engine is given: outside quoted phrases, words joined by `-` or `_`
 * (`keep-alive`, `proxy_read_timeout`) become separate words, so they match as all-of-these-words
 * instead of as a phrase — a phrase needs every match's positions re-checked from its whole document.
 * Quoted phrases stay phrases.
 */
export function searchTerms(text: string): string {
  return text
    .split('"')
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/(?<=[\p{L}\p{N}])[-_]+(?=[\p{L}\p{N}])/gu, ' ')))
    .join('"');
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
    const tsquery = `websearch_to_tsquery('english', ${param(searchTerms(text))})`;
    where.push(`s.document @@ ${tsquery}`);
    // Ranked on the small title/summary/causes vector: reading every match's whole document (its
    // postmortem included) costs more than the ranking is worth. Rounded so the next page's keyset
    // comparison sees exactly the value it was given.
    rankSql = `round(ts_rank(s.rank_document, ${tsquery}, 32)::numeric, 6)`;
  }
  // Every filter reads incident_search's own copy of the incident's columns: no join per match.
  if (query.service) where.push(`s.service = ${param(query.service)}`);
  if (query.severity) where.push(`s.severity = ${param(query.severity)}`);
  if (query.gateway) where.push(`s.gateway = ${param(query.gateway)}`);
  if (query.status) where.push(`s.status = ${param(query.status)}`);
  if (query.category) where.push(`s.categories @> ARRAY[${param(query.category)}]::text[]`);
  if (query.postmortemStatus) where.push(`s.postmortem_status = ${param(query.postmortemStatus)}`);
  if (query.from) where.push(`s.created_at >= ${param(query.from)}`);
  if (query.to) where.push(`s.created_at < ${param(query.to)}`);
  // The page's position is applied after the relevance window is cut, so every page ranks the same window.
  const after: string[] = [];
  if (query.cursor) {
    const cursor = decodeHistoryCursor(query.cursor, sort);
    (sort === 'relevance' ? after : where).push(
      sort === 'relevance'
        ? `(${rankSql}, s.created_at, s.incident_id) < (${param(cursor.rank)}::numeric, ${param(cursor.at)}::timestamptz, ${param(cursor.id)}::uuid)`
        : `(s.created_at, s.incident_id) < (${param(cursor.at)}::timestamptz, ${param(cursor.id)}::uuid)`,
    );
  }
  const order = sort === 'relevance' ? 'rank DESC, s.created_at DESC, s.incident_id DESC' : 's.created_at DESC, s.incident_id DESC';
  const headlineSql = text
    ? // $1 is the search text: it is the first parameter whenever there is one.
      `ts_headline('english', left(coalesce(pm.markdown, i.title || '. ' || coalesce(i.summary, '') || ' ' || coalesce(i.resolution, '')), 20000),
                   websearch_to_tsquery('english', $1), 'StartSel=«, StopSel=», MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "')`
    : 'NULL';
  // Filter, rank and cut the page on incident_search alone; then dress only the page's rows.
  const filtered = `incident_search s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  // Relevance ranks the newest RELEVANCE_WINDOW matches: ranking costs time per match, and a word
  // found in most of a large history would otherwise be ranked across all of it on every request.
  // The window carries only what ranking and the page read: not the whole document, so the sort
  // of up to ten thousand matches stays small.
  const windowColumns = 's.incident_id, s.categories, s.postmortem_status, s.published_at, s.created_at, s.rank_document';
  const source =
    sort === 'relevance'
      ? `(SELECT ${windowColumns} FROM ${filtered} ORDER BY s.created_at DESC, s.incident_id DESC LIMIT ${RELEVANCE_WINDOW}) s ${after.length ? `WHERE ${after.join(' AND ')}` : ''}`
      : filtered;
  const sql = `WITH page AS (
       SELECT s.incident_id AS id, s.categories, s.postmortem_status, s.published_at, s.created_at,
              to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key, ${rankSql} AS rank
         FROM ${source}
        ORDER BY ${order}
        LIMIT ${limit + 1})
     SELECT page.*, i.ref_number, i.title, i.service, i.severity::text AS severity, i.status::text AS status,
            i.gateway::text AS gateway, i.resolution, i.resolved_at, ${TIME_TO_RESOLVE_SQL} AS ttr,
            ${headlineSql} AS headline, cause.category AS cause_category, cause.description AS cause_description
       FROM page
       JOIN incidents i ON i.id = page.id
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
