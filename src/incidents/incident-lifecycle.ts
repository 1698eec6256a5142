/**
 * The incident lifecycle of DESIGN §2 as plain data and functions (no framework imports).
 *
 *   open → acknowledged → investigating → mitigated → resolved → closed
 *
 * Shortcuts: any unresolved state → resolved (with a resolution note); resolved → investigating (reopen).
 * Also allowed because responders do them in practice: open → investigating (working on it acknowledges it),
 * mitigated → investigating (the mitigation did not hold). `closed` follows `resolved` only.
 */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'investigating', 'mitigated', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

const ALLOWED: Record<IncidentStatus, readonly IncidentStatus[]> = {
  open: ['acknowledged', 'investigating', 'resolved'],
  acknowledged: ['investigating', 'mitigated', 'resolved'],
  investigating: ['mitigated', 'resolved'],
  mitigated: ['investigating', 'resolved'],
  resolved: ['investigating', 'closed'],
  closed: [],
};

export function allowedTransitions(from: IncidentStatus): IncidentStatus[] {
  return [...ALLOWED[from]];
}

export function isIncidentStatus(value: unknown): value is IncidentStatus {
  return typeof value === 'string' && (INCIDENT_STATUSES as readonly string[]).includes(value);
}

/** Timestamps an incident carries for its lifecycle; each is set once, the first time it applies. */
export interface LifecycleTimestamps {
  acknowledgedAt: Date | null;
  investigatingAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

export type TransitionPlan =
  | { ok: true; from: IncidentStatus; to: IncidentStatus; set: Partial<LifecycleTimestamps>; reopened: boolean }
  | { ok: false; from: IncidentStatus; to: IncidentStatus; allowed: IncidentStatus[]; reason: string };

/**
 * Decides a status change and which timestamps it sets. Moving past `open` acknowledges the incident
 * (so time-to-acknowledge is measured even when nobody pressed "acknowledge"). Reopening clears
 * nothing: the first resolution stays on record and the timeline tells the rest.
 */
export function planTransition(
  from: IncidentStatus,
  to: IncidentStatus,
  current: LifecycleTimestamps,
  now: Date,
  note?: string,
): TransitionPlan {
  const allowed = allowedTransitions(from);
  if (from === to) {
    return { ok: false, from, to, allowed, reason: `The incident is already ${to}.` };
  }
  if (!allowed.includes(to)) {
    const reason =
      allowed.length === 0
        ? `A ${from} incident cannot change status.`
        : `Cannot move from ${from} to ${to}; allowed: ${allowed.join(', ')}.`;
    return { ok: false, from, to, allowed, reason };
  }
  if (to === 'resolved' && from !== 'mitigated' && !note?.trim()) {
    return {
      ok: false,
      from,
      to,
      allowed,
      reason: 'Resolving an incident that was never mitigated needs a resolution note (field "note").',
    };
  }
  const set: Partial<LifecycleTimestamps> = {};
  const stamp = (field: keyof LifecycleTimestamps) => {
    if (current[field] === null && set[field] === undefined) set[field] = now;
  };
  if (to !== 'open') stamp('acknowledgedAt');
  if (to === 'investigating') stamp('investigatingAt');
  if (to === 'mitigated') stamp('mitigatedAt');
  if (to === 'resolved') stamp('resolvedAt');
  if (to === 'closed') stamp('closedAt');
  return { ok: true, from, to, set, reopened: to === 'investigating' && (from === 'resolved' || from === 'mitigated') };
}
