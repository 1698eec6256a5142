import { ApiKey } from '../auth/entities/api-key.entity.js';
import { SlackCommandReceipt } from '../chatops/slack/entities/slack-command-receipt.entity.js';
import { OutboxEvent } from '../chatops/webhooks/entities/outbox-event.entity.js';
import { WebhookDelivery } from '../chatops/webhooks/entities/webhook-delivery.entity.js';
import { WebhookSubscription } from '../chatops/webhooks/entities/webhook-subscription.entity.js';
import { Evidence } from '../evidence/entities/evidence.entity.js';
import { EvidenceBlob } from '../evidence/entities/evidence-blob.entity.js';
import { FindingRow } from '../evidence/entities/finding.entity.js';
import { IdempotencyRecord } from '../common/idempotency/idempotency-record.entity.js';
import { Incident } from '../incidents/entities/incident.entity.js';
import { TimelineEvent } from '../incidents/entities/timeline-event.entity.js';
import { ActionItem } from '../postmortems/entities/action-item.entity.js';
import { Postmortem, PostmortemRevision } from '../postmortems/entities/postmortem.entity.js';
import { Recurrence } from '../postmortems/entities/recurrence.entity.js';
import { RootCause } from '../postmortems/entities/root-cause.entity.js';
import { Runbook } from '../runbooks/entities/runbook.entity.js';
import { IncidentStep } from '../steps/entities/incident-step.entity.js';

/** Every entity, listed once for the app and the migration CLI. */
export const ENTITIES = [ApiKey, Evidence, EvidenceBlob, FindingRow, IdempotencyRecord, Incident, IncidentStep, Postmortem, PostmortemRevision, Recurrence, RootCause, ActionItem, Runbook, TimelineEvent, WebhookSubscription, OutboxEvent, WebhookDelivery, SlackCommandReceipt];
