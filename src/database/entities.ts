import { ApiKey } from '../auth/entities/api-key.entity.js';
import { IdempotencyRecord } from '../common/idempotency/idempotency-record.entity.js';
import { Incident } from '../incidents/entities/incident.entity.js';
import { TimelineEvent } from '../incidents/entities/timeline-event.entity.js';

/** Every entity, listed once for the app and the migration CLI. */
export const ENTITIES = [ApiKey, IdempotencyRecord, Incident, TimelineEvent];
