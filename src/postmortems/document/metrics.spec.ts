import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureRecord } from './fixtures/record.js';
import { addBusinessDays, formatBytes, formatDuration, formatInteger, formatUtcRange } from './format.js';
import { computeMetrics } from './metrics.js';
import type { PostmortemIncident } from './postmortem-record.js';

function incident(overrides: Partial<PostmortemIncident>): PostmortemIncident {
  return { ...fixtureRecord().incident, ...overrides };
}

describe('computeMetrics', () => {
  it('measures each metric per its definition on fixed timestamps', () => {
    const m = computeMetrics(
      incident({
        symptom: { statusCode: 502, firstSeenAt: '2026-03-14T08:58:00Z' },
        detectedAt: '2026-03-14T09:04:00Z',
        acknowledgedAt: '2026-03-14T09:07:30Z',
        investigatingAt: '2026-03-14T09:08:00Z',
        mitigatedAt: '2026-03-14T09:52:00Z',
        resolvedAt: '2026-03-14T10:30:00Z',
      }),
    );
    assert.equal(m.timeToDetectSeconds, 6 * 60); // detection − impact start
    assert.equal(m.timeToAcknowledgeSeconds, 3 * 60 + 30); // acknowledgement − detection
    assert.equal(m.timeToMitigateSeconds, 54 * 60); // mitigation − impact start
    assert.equal(m.timeToMitigateFromDetectionSeconds, 48 * 60);
    assert.equal(m.timeToResolveSeconds, 92 * 60); // resolution − impact start
    assert.equal(m.durationSeconds, 54 * 60); // impact ends at mitigation
    assert.equal(m.impactStartSource, 'first-seen');
    assert.equal(m.impactStartedAt, '2026-03-14T08:58:00.000Z');
    assert.deepEqual(m.inconsistencies, []);
  });

  it('uses detection as the impact start when no first-seen time exists, and then does not claim a time to detect', () => {
    const m = computeMetrics(incident({ symptom: null, detectedAt: '2026-03-14T09:00:00Z', mitigatedAt: '2026-03-14T09:10:00Z' }));
    assert.equal(m.impactStartSource, 'detected');
    assert.equal(m.timeToDetectSeconds, null);
    assert.equal(m.timeToMitigateSeconds, 600);
  });

  it('counts the start of investigation as the acknowledgement when there was no separate one', () => {
    const m = computeMetrics(incident({ detectedAt: '2026-03-14T09:00:00Z', acknowledgedAt: null, investigatingAt: '2026-03-14T09:02:00Z' }));
    assert.equal(m.timeToAcknowledgeSeconds, 120);
  });

  it('ends the impact at resolution when nothing was mitigated separately', () => {
    const m = computeMetrics(incident({ symptom: null, detectedAt: '2026-03-14T09:00:00Z', mitigatedAt: null, resolvedAt: '2026-03-14T10:00:00Z' }));
    assert.equal(m.timeToMitigateSeconds, null);
    assert.equal(m.durationSeconds, 3600);
    assert.equal(m.impactEndedAt, '2026-03-14T10:00:00.000Z');
  });

  it('returns null for every metric whose timestamps are missing or unreadable', () => {
    const m = computeMetrics(
      incident({ symptom: null, detectedAt: null, createdAt: 'garbage', acknowledgedAt: null, investigatingAt: null, mitigatedAt: null, resolvedAt: null }),
    );
    assert.deepEqual(
      [m.timeToDetectSeconds, m.timeToAcknowledgeSeconds, m.timeToMitigateSeconds, m.timeToResolveSeconds, m.durationSeconds, m.impactStartedAt],
      [null, null, null, null, null, null],
    );
  });

  it('reports contradicting timestamps instead of a negative duration', () => {
    const m = computeMetrics(incident({ detectedAt: '2026-03-14T09:00:00Z', acknowledgedAt: '2026-03-14T08:00:00Z', symptom: null }));
    assert.equal(m.timeToAcknowledgeSeconds, null);
    assert.deepEqual(m.inconsistencies, ['acknowledgement is before detection']);
  });
});

describe('formatting', () => {
  it('writes durations at the precision people use', () => {
    assert.deepEqual(
      [0, 45, 60, 329, 599, 600, 3239, 3599, 5460, 86_399, 90_000, 3 * 86_400].map(formatDuration),
      ['0 s', '45 s', '1 min', '5 min 29 s', '9 min 59 s', '10 min', '54 min', '1 h', '1 h 31 min', '1 d', '1 d 1 h', '3 d'],
    );
  });

  it('writes numbers, sizes and ranges without depending on the locale', () => {
    assert.equal(formatInteger(1234567), '1,234,567');
    assert.equal(formatBytes(1_284_391), '1.2 MiB');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatUtcRange('2026-03-14T08:58:31Z', '2026-03-14T09:52:30Z'), '2026-03-14 08:58:31 to 09:52:30 UTC');
    assert.equal(formatUtcRange('2026-03-14T23:58:00Z', '2026-03-15T00:10:00Z'), '2026-03-14 23:58:00 UTC to 2026-03-15 00:10:00 UTC');
  });

  it('counts business days over a weekend', () => {
    // Resolved on Saturday 2026-03-14: five business days later is Friday 2026-03-20.
    assert.equal(addBusinessDays(Date.parse('2026-03-14T10:30:00Z'), 5), '2026-03-20');
    assert.equal(addBusinessDays(Date.parse('2026-03-18T10:30:00Z'), 5), '2026-03-25');
  });
});
