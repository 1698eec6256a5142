import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { CAUSE_CATEGORIES, GATEWAYS, type CauseCategory, type Gateway } from '../../diagnosis/cause-category.js';
import { INCIDENT_STATUSES, type IncidentStatus } from '../../incidents/incident-lifecycle.js';
import { SEVERITIES, type Severity } from '../../incidents/entities/incident.entity.js';
import { POSTMORTEM_STATUSES, type PostmortemStatus } from '../../postmortems/entities/postmortem.entity.js';

export const HISTORY_SORTS = ['relevance', 'newest'] as const;
export type HistorySort = (typeof HISTORY_SORTS)[number];

/** `?format=csv` answers like `Accept: text/csv`, for links pasted into a spreadsheet. */
class ExportableQuery {
  @IsOptional() @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class SearchHistoryQuery extends ExportableQuery {
  /**
   * Words to find in titles, summaries, causes, resolutions, postmortems and notes (web-search
   * syntax: `"exact phrase"`, `or`, `-exclude`).
   */
  @IsOptional() @IsString() @Length(1, 200)
  q?: string;

  @IsOptional() @IsString() @Length(1, 100)
  service?: string;

  /** A confirmed cause category. */
  @IsOptional() @IsIn(CAUSE_CATEGORIES)
  category?: CauseCategory;

  @IsOptional() @IsIn(SEVERITIES)
  severity?: Severity;

  @IsOptional() @IsIn(GATEWAYS)
  gateway?: Gateway;

  /** The incident's status. */
  @IsOptional() @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @IsOptional() @IsIn(POSTMORTEM_STATUSES)
  postmortemStatus?: PostmortemStatus;

  /** Incidents created at or after this instant. */
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  /** Incidents created before this instant. */
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;

  /**
   * `relevance` (default with `q`: the best of the newest 5,000 matches first) or `newest` (default
   * without `q`; pages through every match).
   */
  @IsOptional() @IsIn(HISTORY_SORTS)
  sort?: HistorySort;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(300)
  cursor?: string;
}

export class StatsQuery extends ExportableQuery {
  /** Window start (incidents created at or after it); default 90 days before `to`. */
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  /** Window end (exclusive); default now. */
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;

  @IsOptional() @IsString() @Length(1, 100)
  service?: string;

  @IsOptional() @IsIn(SEVERITIES)
  severity?: Severity;

  /** Only incidents with this gateway. */
  @IsOptional() @IsIn(GATEWAYS)
  gateway?: Gateway;
}
