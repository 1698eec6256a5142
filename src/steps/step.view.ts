import type { IncidentStep, StepAttempt } from './entities/incident-step.entity.js';
import type { StepStatus } from './step-rules.js';

export interface StepView {
  key: string;
  position: number;
  title: string;
  status: StepStatus;
  outcome: string | null;
  notes: string | null;
  observations: Record<string, unknown> | null;
  skipReason: string | null;
  attempts: number;
  startedBy: string | null;
  performedBy: string | null;
  startedAt: string | null;
  completedAt: string | null;
  timeSpentSeconds: number;
  history: StepAttempt[];
  version: number;
}

export function toStepView(row: IncidentStep): StepView {
  return {
    key: row.stepKey,
    position: row.position,
    title: row.title,
    status: row.status,
    outcome: row.outcome,
    notes: row.notes,
    observations: row.observations,
    skipReason: row.skipReason,
    attempts: row.attempts,
    startedBy: row.startedBy,
    performedBy: row.performedBy,
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    timeSpentSeconds: row.timeSpentSeconds,
    history: row.history,
    version: row.version,
  };
}

/** The attempt a step is on, as history keeps it once the step moves on. */
export function currentAttempt(row: IncidentStep): StepAttempt {
  return {
    attempt: row.attempts,
    status: row.status,
    outcome: row.outcome,
    notes: row.notes,
    observations: row.observations,
    skipReason: row.skipReason,
    performedBy: row.performedBy ?? row.startedBy,
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    timeSpentSeconds: row.startedAt && row.completedAt ? secondsBetween(row.startedAt, row.completedAt) : null,
  };
}

export function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A step as the incident's answer lists it: the view without its history and observations. */
export type StepSummary = Omit<StepView, 'history' | 'observations'>;

/**
 * The incident's step summaries as one SQL expression (a JSON array in step order), for reads that
 * fetch an incident and its steps in one statement. `readStepSummaries` turns it into the same
 * objects `toStepView` gives.
 */
export function stepSummariesSql(incidentAlias: string): string {
  return `SELECT coalesce(json_agg(json_build_object(
            'key', s.step_key, 'position', s.position, 'title', s.title, 'status', s.status, 'outcome', s.outcome,
            'notes', s.notes, 'skipReason', s.skip_reason, 'attempts', s.attempts, 'startedBy', s.started_by,
            'performedBy', s.performed_by, 'startedAt', s.started_at, 'completedAt', s.completed_at,
            'timeSpentSeconds', s.time_spent_seconds, 'version', s.version) ORDER BY s.position), '[]'::json)
          FROM incident_steps s WHERE s.incident_id = ${incidentAlias}.id`;
}

export function readStepSummaries(json: unknown): StepSummary[] {
  const rows = (Array.isArray(json) ? json : []) as Array<Omit<StepSummary, 'startedAt' | 'completedAt'> & { startedAt: string | null; completedAt: string | null }>;
  // Instants come back in Postgres' text form: the answer uses the same ISO form as everywhere else.
  const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());
  return rows.map((row) => ({ ...row, startedAt: iso(row.startedAt), completedAt: iso(row.completedAt) }));
}
