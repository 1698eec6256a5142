/**
 * Response metrics as SQL expressions over an `incidents` row aliased `i`, in whole seconds — the
 * same definitions as the postmortem's metrics (src/postmortems/document/metrics.ts, domain-notes
 * §2.4), so the history and the document never disagree:
 *
 * - impact start = the earlier of the symptom's first-seen time and the detection time;
 * - time to acknowledge = (acknowledgement, or the start of investigation) − detection;
 * - time to mitigate / resolve = mitigation / resolution − impact start.
 *
 * A metric is NULL when its timestamp is missing or contradicts its start (an end before it): such
 * incidents are counted as missing, never as zero.
 */
const impactStart = `least(i.detected_at, (i.symptom->>'firstSeenAt')::timestamptz)`;

function span(from: string, to: string): string {
  return `(CASE WHEN ${to} >= ${from} THEN round(extract(epoch FROM ${to} - ${from}))::float8 END)`;
}

export const TIME_TO_ACKNOWLEDGE_SQL = span('i.detected_at', 'coalesce(i.acknowledged_at, i.investigating_at)');
export const TIME_TO_MITIGATE_SQL = span(impactStart, 'i.mitigated_at');
export const TIME_TO_RESOLVE_SQL = span(impactStart, 'i.resolved_at');
