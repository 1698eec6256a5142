import type { Incident, Impact, Symptom } from './entities/incident.entity.js';
import type { TimelineEvent } from './entities/timeline-event.entity.js';
import { allowedTransitions, type IncidentStatus } from './incident-lifecycle.js';
import type { SimilarIncident } from '../history/similar-incidents.service.js';

export interface IncidentStepSummary {
  key: string;
  position: number;
  title: string;
  status: string;
  [field: string]: unknown;
}

export interface IncidentView {
  id: string;
  ref: string;
  title: string;
  summary: string | null;
  severity: string;
  status: IncidentStatus;
  allowedTransitions: IncidentStatus[];
  service: string;
  environment: string | null;
  gateway: string | null;
  symptom: Symptom | null;
  impact: Impact | null;
  commander: string | null;
  tags: string[];
  runbook: { key: string; version: number } | null;
  steps: IncidentStepSummary[];
  resolution: string | null;
  createdBy: string;
  detectedAt: string;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  investigatingAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  version: number;
  /** Only in the answer to a create: earlier incidents like this one ("has this happened before?"). */
  similar?: SimilarIncident[];
}

export function incidentRef(refNumber: number): string {
  return `INC-${refNumber}`;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toIncidentView(incident: Incident, steps: IncidentStepSummary[] = []): IncidentView {
  return {
    id: incident.id,
    ref: incidentRef(incident.refNumber),
    title: incident.title,
    summary: incident.summary,
    severity: incident.severity,
    status: incident.status,
    allowedTransitions: allowedTransitions(incident.status),
    service: incident.service,
    environment: incident.environment,
    gateway: incident.gateway,
    symptom: incident.symptom,
    impact: incident.impact,
    commander: incident.commander,
    tags: incident.tags,
    runbook: incident.runbookKey && incident.runbookVersion ? { key: incident.runbookKey, version: incident.runbookVersion } : null,
    steps,
    resolution: incident.resolution,
    createdBy: incident.createdBy,
    detectedAt: incident.detectedAt.toISOString(),
    createdAt: incident.createdAt.toISOString(),
    updatedAt: incident.updatedAt.toISOString(),
    acknowledgedAt: iso(incident.acknowledgedAt),
    investigatingAt: iso(incident.investigatingAt),
    mitigatedAt: iso(incident.mitigatedAt),
    resolvedAt: iso(incident.resolvedAt),
    closedAt: iso(incident.closedAt),
    version: incident.version,
  };
}

export interface TimelineEventView {
  id: string;
  at: string;
  kind: string;
  actor: string;
  message: string;
  data: Record<string, unknown>;
  recordedAt: string;
}

export function toTimelineView(event: TimelineEvent): TimelineEventView {
  return {
    id: event.id,
    at: event.at.toISOString(),
    kind: event.kind,
    actor: event.actor,
    message: event.message,
    data: event.data,
    recordedAt: event.recordedAt.toISOString(),
  };
}
