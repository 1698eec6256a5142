import { ApiKey } from '../auth/entities/api-key.entity.js';
import { IdempotencyRecord } from '../common/idempotency/idempotency-record.entity.js';
import { Incident } from '../incidents/entities/incident.entity.js';
import { TimelineEvent } from '../incidents/entities/timeline-event.entity.js';
import { Runbook } from '../runbooks/entities/runbook.entity.js';
import { IncidentStep } from '../steps/entities/incident-step.entity.js';

/** Every entity, listed once for the app and the migration CLI. */
export const ENTITIES = [ApiKey, IdempotencyRecord, Incident, IncidentStep, Runbook, TimelineEvent];
