import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { condenseTimeline, type TimelineRow } from './condense-timeline.js';
import { largeRecord } from './fixtures/generated-records.js';
import type { PostmortemTimelineEvent } from './postmortem-record.js';

let seq = 0;
function event(kind: string, minute: number, data: Record<string, unknown> = {}): PostmortemTimelineEvent {
  seq += 1;
  return { id: `e${seq}`, at: new Date(Date.UTC(2026, 2, 14, 9, minute)).toISOString(), kind, actor: 'alice', message: `${kind} ${seq}`, data };
}

function eventsIn(rows: TimelineRow[]): PostmortemTimelineEvent[] {
  return rows.flatMap((row) => (row.type === 'event' ? [row.event] : row.events));
}

describe('condenseTimeline', () => {
  it('keeps every event on its own row while runs of minor events are short', () => {
    const events = [event('incident.created', 0), event('step.started', 1), event('step.completed', 2), event('note', 3)];
    const result = condenseTimeline(events);
    assert.equal(result.rows.length, 4);
    assert.equal(result.condensedEvents, 0);
  });

  it('merges a run of minor events into one summary row between milestones', () => {
    const events = [
      event('incident.created', 0),
      event('evidence.parsed', 1),
      event('chatops.message', 2),
      event('step.started', 3),
      event('step.completed', 4),
    ];
    const result = condenseTimeline(events);
    assert.deepEqual(
      result.rows.map((row) => row.type),
      ['event', 'summary', 'event'],
    );
    assert.equal(result.condensedEvents, 3);
    assert.equal(result.summaryRows, 1);
  });

  it('condenses 1,000 events to the row budget, never merging status changes, step outcomes or confirmed causes', () => {
    const record = largeRecord({ events: 1000, evidence: 10, findings: 0 });
    record.timeline.splice(500, 0, { ...event('root_cause.confirmed', 30, { status: 'confirmed' }), at: record.timeline[500]!.at });
    const result = condenseTimeline(record.timeline, 150);
    assert.ok(result.rows.length <= 150, `${result.rows.length} rows`);
    assert.equal(eventsIn(result.rows).length, record.timeline.length, 'every event is shown or counted');
    const milestones = new Set(['incident.status_changed', 'step.completed', 'root_cause.confirmed']);
    const merged = result.rows.flatMap((row) => (row.type === 'summary' ? row.events : [])).filter((e) => milestones.has(e.kind));
    assert.deepEqual(merged, []);
    assert.equal(result.condensedEvents + result.rows.filter((row) => row.type === 'event').length, record.timeline.length);
  });

  it('stays within budget when milestones alone exceed it', () => {
    const events = Array.from({ length: 400 }, (_, i) => event('incident.status_changed', i % 60, { from: 'mitigated', to: 'investigating' }));
    const result = condenseTimeline(events, 50);
    assert.ok(result.rows.length <= 50);
    assert.equal(eventsIn(result.rows).length, 400);
  });

  it('orders by time, keeps the written order for equal instants, and puts unreadable instants last', () => {
    const a = event('note', 5);
    const b = event('note', 1);
    const c = { ...event('note', 1), at: 'garbage' };
    const d = event('note', 1);
    const result = condenseTimeline([a, b, c, d]);
    assert.deepEqual(
      eventsIn(result.rows).map((e) => e.id),
      [b.id, d.id, a.id, c.id],
    );
  });

  it('gives the same rows for the same input', () => {
    const record = largeRecord({ events: 300, evidence: 3, findings: 0 });
    assert.deepEqual(condenseTimeline(record.timeline, 40), condenseTimeline(record.timeline, 40));
  });
});
