import { parseInstant } from './format.js';
import type { PostmortemIncident } from './postmortem-record.js';

/**
 * Response metrics of one incident (domain-notes §1.9, §2.4), in seconds:
 *
 * - impact start `t_start` = the earlier of the symptom's first-seen time and the detection time;
 * - `t_detect` = `detectedAt` (the incident's creation time when no detection time was recorded);
 * - `t_ack` = `acknowledgedAt`, or `investigatingAt` when work started without a separate acknowledgement;
 * - TTD = t_detect − t_start (null unless a first-seen time was recorded: otherwise t_start *is* t_detect);
 * - TTA = t_ack − t_detect; TTM = mitigatedAt − t_start; TTR = resolvedAt − t_start;
 * - impact duration = (mitigatedAt, or resolvedAt when not mitigated separately) − t_start.
 *
 * A value is null when a timestamp it needs is missing, and also when the timestamps contradict
 * each other (an end before its start); `inconsistencies` then says which.
 */
export interface PostmortemMetrics {
  timeToDetectSeconds: number | null;
  timeToAcknowledgeSeconds: number | null;
  timeToMitigateSeconds: number | null;
  /** TTM measured from detection instead of impact start. */
  timeToMitigateFromDetectionSeconds: number | null;
  timeToResolveSeconds: number | null;
  durationSeconds: number | null;
  /** ISO instant of the impact start used above. */
  impactStartedAt: string | null;
  /** Where the impact start came from. */
  impactStartSource: 'first-seen' | 'detected' | null;
  /** ISO instant the impact ended (mitigation, else resolution). */
  impactEndedAt: string | null;
  inconsistencies: string[];
}

export function computeMetrics(incident: PostmortemIncident): PostmortemMetrics {
  const inconsistencies: string[] = [];
  const firstSeen = parseInstant(incident.symptom?.firstSeenAt);
  const detected = parseInstant(incident.detectedAt) ?? parseInstant(incident.createdAt);
  const acknowledged = parseInstant(incident.acknowledgedAt) ?? parseInstant(incident.investigatingAt);
  const mitigated = parseInstant(incident.mitigatedAt);
  const resolved = parseInstant(incident.resolvedAt);

  let start: number | null = null;
  let source: PostmortemMetrics['impactStartSource'] = null;
  if (firstSeen !== null && (detected === null || firstSeen <= detected)) {
    start = firstSeen;
    source = 'first-seen';
  } else if (detected !== null) {
    start = detected;
    source = 'detected';
  }
  const end = mitigated ?? resolved;

  const span = (from: number | null, to: number | null, what: string): number | null => {
    if (from === null || to === null) return null;
    const seconds = Math.round((to - from) / 1000);
    if (seconds < 0) {
      inconsistencies.push(what);
      return null;
    }
    return seconds;
  };

  const metrics: PostmortemMetrics = {
    timeToDetectSeconds: source === 'first-seen' ? span(start, detected, 'detection is before the impact start') : null,
    timeToAcknowledgeSeconds: span(detected, acknowledged, 'acknowledgement is before detection'),
    timeToMitigateSeconds: span(start, mitigated, 'mitigation is before the impact start'),
    timeToMitigateFromDetectionSeconds: null,
    timeToResolveSeconds: span(start, resolved, 'resolution is before the impact start'),
    durationSeconds: null,
    impactStartedAt: start === null ? null : new Date(start).toISOString(),
    impactStartSource: source,
    impactEndedAt: end === null ? null : new Date(end).toISOString(),
    inconsistencies,
  };
  // Reported once: the same contradiction would otherwise be listed for every metric built on it.
  metrics.timeToMitigateFromDetectionSeconds = mitigated !== null && detected !== null && mitigated >= detected ? Math.round((mitigated - detected) / 1000) : null;
  metrics.durationSeconds = start !== null && end !== null && end >= start ? Math.round((end - start) / 1000) : null;
  return metrics;
}
