import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryPrepared } from '../../database/prepared.js';
import { DiagnosisService } from '../../diagnosis/diagnosis.service.js';
import { Incident } from '../../incidents/entities/incident.entity.js';
import type { TimelineEvent } from '../../incidents/entities/timeline-event.entity.js';
import { TimelineService } from '../../incidents/timeline.service.js';
import { JobsService } from '../../jobs/jobs.service.js';
import type { WebhookEventName } from './webhook-events.js';

export const DELIVERY_QUEUE = 'webhook.deliver';

/** Timeline kinds announced as they are. */
const ANNOUNCED: Record<string, WebhookEventName> = {
  'incident.created': 'incident.created',
  'incident.status_changed': 'incident.status_changed',
  'step.completed': 'step.completed',
  'evidence.parsed': 'evidence.parsed',
  'postmortem.published': 'postmortem.published',
};

/** Timeline kinds after which the diagnosis may rank another cause first. */
const DIAGNOSIS_INPUTS = new Set(['evidence.added', 'evidence.parsed', 'step.completed', 'step.skipped', 'steps.reopened']);

/**
 * The outbox: turns changes into webhook events inside the transaction that makes the change, with
 * one delivery row and one queued job per subscriber. Nothing is written when nobody subscribed.
 */
@Injectable()
export class OutboxService implements OnModuleInit {
  constructor(
    private readonly timeline: TimelineService,
    private readonly diagnosis: DiagnosisService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.timeline.listen((tx, event) => this.onTimelineEvent(tx, event));
  }

  private async onTimelineEvent(tx: EntityManager, event: TimelineEvent): Promise<void> {
    const parsedOnUpload = event.kind === 'evidence.added' && ['parsed', 'failed'].includes(String(event.data.parseStatus));
    const type = ANNOUNCED[event.kind] ?? (parsedOnUpload ? 'evidence.parsed' : undefined);
    if (type) {
      await this.emit(tx, type, event.incidentId, {
        timelineEventId: event.id,
        kind: event.kind,
        actor: event.actor,
        message: event.message,
        at: event.at.toISOString(),
        details: event.data,
      });
    }
    if (DIAGNOSIS_INPUTS.has(event.kind)) await this.announceDiagnosisChange(tx, event.incidentId);
  }

  /**
   * Writes the event and its deliveries in one statement (the incident's summary is joined in by
   * the database), then queues one delivery job per subscriber in the same transaction.
   * Returns the event id, or null when nobody subscribed to this type.
   */
  async emit(tx: EntityManager, type: WebhookEventName, incidentId: string | null, data: Record<string, unknown>): Promise<string | null> {
    const eventId = randomUUID();
    const deliveries = await queryPrepared<{ id: string }>(
      tx,
      'outbox-emit',
      `WITH subscribers AS (
         SELECT id FROM webhook_subscriptions WHERE active AND deleted_at IS NULL AND $2 = ANY (events)
       ), event AS (
         INSERT INTO outbox_events (id, type, incident_id, data)
         SELECT $1, $2, $3,
                jsonb_build_object('incident', (SELECT jsonb_build_object('id', i.id, 'ref', 'INC-' || i.ref_number, 'title', i.title,
                                                                          'service', i.service, 'severity', i.severity, 'status', i.status)
                                                   FROM incidents i WHERE i.id = $3)) || $4::jsonb
          WHERE EXISTS (SELECT 1 FROM subscribers)
         RETURNING id
       )
       INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, next_attempt_at)
       SELECT subscribers.id, event.id, $2, now() FROM subscribers, event
       RETURNING id`,
      [eventId, type, incidentId, JSON.stringify(data)],
    );
    for (const delivery of deliveries) {
      await this.jobs.sendWithin(tx, DELIVERY_QUEUE, { deliveryId: delivery.id }, { singletonKey: `${delivery.id}:0` });
    }
    return deliveries.length > 0 ? eventId : null;
  }

  /** `diagnosis.changed` when the top-ranked cause differs from the last one announced for the incident. */
  private async announceDiagnosisChange(tx: EntityManager, incidentId: string): Promise<void> {
    const [subscribed] = await tx.query(
      `SELECT 1 FROM webhook_subscriptions WHERE active AND deleted_at IS NULL AND 'diagnosis.changed' = ANY (events) LIMIT 1`,
    );
    if (!subscribed) return;
    const incident = await tx.findOneBy(Incident, { id: incidentId });
    if (!incident) return;
    const ranking = await this.diagnosis.rank(tx, incident);
    const top = ranking.causes[0];
    // Priors alone are not a diagnosis: announce once evidence or an outcome speaks.
    if (!top || (top.findings.length === 0 && top.outcomes.length === 0)) return;
    const [last]: Array<{ category: string | null }> = await tx.query(
      `SELECT data->'top'->>'category' AS category FROM outbox_events
        WHERE incident_id = $1 AND type = 'diagnosis.changed' ORDER BY created_at DESC, id DESC LIMIT 1`,
      [incidentId],
    );
    if (last?.category === top.category) return;
    await this.emit(tx, 'diagnosis.changed', incidentId, {
      top: { category: top.category, score: top.score },
      previous: last?.category ?? null,
      causes: ranking.causes.slice(0, 3).map((c) => ({ category: c.category, score: c.score })),
      nextCheck: ranking.nextCheck ?? null,
    });
  }
}
