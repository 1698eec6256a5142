import { parseInstant } from './format.js';
import type { PostmortemTimelineEvent } from './postmortem-record.js';

/**
 * Turning a long timeline (a busy incident writes thousands of events) into a table people read.
 *
 * Events have three weights:
 * - milestones are never merged: the incident opening, status changes, severity changes, step
 *   outcomes and skips, steps reopened, root causes confirmed;
 * - notes and evidence added are shown one by one while the table stays within its row budget;
 * - everything else (steps started, evidence parsed, edits, bot chatter) is merged: consecutive
 *   runs of them become one summary row.
 * When the table is still over budget, everything between two milestones becomes one summary
 * row; if milestones alone exceed it, runs of the same milestone kind merge, and as a last resort
 * the middle of the table is summarised. The result is deterministic for a given input.
 */

export type EventWeight = 'milestone' | 'detail' | 'minor';

export type TimelineRow =
  | { type: 'event'; event: PostmortemTimelineEvent; ms: number | null; weight: EventWeight }
  | { type: 'summary'; events: PostmortemTimelineEvent[]; firstMs: number | null; lastMs: number | null };

export interface CondensedTimeline {
  rows: TimelineRow[];
  totalEvents: number;
  /** Events represented by summary rows rather than their own row. */
  condensedEvents: number;
  summaryRows: number;
}

export const DEFAULT_TIMELINE_ROW_BUDGET = 150;

const MILESTONE_KINDS = new Set(['incident.created', 'incident.status_changed', 'step.completed', 'step.skipped', 'steps.reopened']);
const DETAIL_KINDS = new Set(['note', 'evidence.added']);

export function eventWeight(event: PostmortemTimelineEvent): EventWeight {
  if (MILESTONE_KINDS.has(event.kind)) return 'milestone';
  if (isRootCauseConfirmation(event)) return 'milestone';
  if (event.kind === 'incident.updated' && isRecord(event.data?.['changes']) && 'severity' in event.data['changes']) return 'milestone';
  if (DETAIL_KINDS.has(event.kind)) return 'detail';
  return 'minor';
}

function isRootCauseConfirmation(event: PostmortemTimelineEvent): boolean {
  if (!/root[-_.]?cause/i.test(event.kind)) return false;
  return /confirm/i.test(event.kind) || event.data?.['status'] === 'confirmed' || event.data?.['to'] === 'confirmed';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function condenseTimeline(events: readonly PostmortemTimelineEvent[], budget = DEFAULT_TIMELINE_ROW_BUDGET): CondensedTimeline {
  const limit = Math.max(3, budget);
  const sorted = events
    .map((event, index) => ({ event, index, ms: parseInstant(event.at) }))
    // Stable: equal instants keep the order the service wrote them in; unreadable instants go last.
    .sort((a, b) => (a.ms ?? Infinity) - (b.ms ?? Infinity) || a.index - b.index);
  const instants = new Map(sorted.map((entry) => [entry.event, entry.ms]));
  const withInstants = (list: PostmortemTimelineEvent[]) => list.map((event) => ({ event, ms: instants.get(event) ?? null }));

  // Level 1: runs of minor events become one row.
  let rows: TimelineRow[] = [];
  let run: Array<{ event: PostmortemTimelineEvent; ms: number | null }> = [];
  const flushMinor = () => {
    if (run.length === 1) rows.push({ type: 'event', event: run[0]!.event, ms: run[0]!.ms, weight: 'minor' });
    else if (run.length > 1) rows.push(summary(run));
    run = [];
  };
  for (const entry of sorted) {
    const weight = eventWeight(entry.event);
    if (weight === 'minor') {
      run.push(entry);
      continue;
    }
    flushMinor();
    rows.push({ type: 'event', event: entry.event, ms: entry.ms, weight });
  }
  flushMinor();

  // Level 2: everything between two milestones becomes one row.
  if (rows.length > limit) rows = mergeRuns(rows, withInstants, (row) => !(row.type === 'event' && row.weight === 'milestone'), () => true);
  // Level 3: runs of the same milestone kind (a flapping status) merge too.
  if (rows.length > limit) rows = mergeRuns(rows, withInstants, () => true, (a, b) => kindOf(a) === kindOf(b));
  // Level 4: keep the start and the end, summarise the middle.
  if (rows.length > limit) {
    const head = Math.floor((limit - 1) / 2);
    const tail = limit - 1 - head;
    const middle = rows.slice(head, rows.length - tail);
    rows = [...rows.slice(0, head), summary(withInstants(middle.flatMap(eventsOf))), ...rows.slice(rows.length - tail)];
  }

  const summaries = rows.filter((row) => row.type === 'summary');
  return {
    rows,
    totalEvents: events.length,
    condensedEvents: summaries.reduce((n, row) => n + (row.type === 'summary' ? row.events.length : 0), 0),
    summaryRows: summaries.length,
  };
}

function summary(entries: Array<{ event: PostmortemTimelineEvent; ms: number | null }>): TimelineRow {
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  for (const { ms } of entries) {
    if (ms === null) continue;
    if (firstMs === null || ms < firstMs) firstMs = ms;
    if (lastMs === null || ms > lastMs) lastMs = ms;
  }
  return { type: 'summary', events: entries.map((e) => e.event), firstMs, lastMs };
}

function eventsOf(row: TimelineRow): PostmortemTimelineEvent[] {
  return row.type === 'event' ? [row.event] : row.events;
}

function kindOf(row: TimelineRow): string {
  return row.type === 'event' ? row.event.kind : '(summary)';
}

/**
 * Merges consecutive rows that are `mergeable` and `same` as their neighbour into summary rows;
 * a run of one row stays as it is.
 */
function mergeRuns(
  rows: TimelineRow[],
  withInstants: (events: PostmortemTimelineEvent[]) => Array<{ event: PostmortemTimelineEvent; ms: number | null }>,
  mergeable: (row: TimelineRow) => boolean,
  same: (a: TimelineRow, b: TimelineRow) => boolean,
): TimelineRow[] {
  const out: TimelineRow[] = [];
  let group: TimelineRow[] = [];
  const flush = () => {
    if (group.length === 1) out.push(group[0]!);
    else if (group.length > 1) out.push(summary(withInstants(group.flatMap(eventsOf))));
    group = [];
  };
  for (const row of rows) {
    if (!mergeable(row)) {
      flush();
      out.push(row);
      continue;
    }
    if (group.length > 0 && !same(group[group.length - 1]!, row)) flush();
    group.push(row);
  }
  flush();
  return out;
}
