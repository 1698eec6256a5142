import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { OutboxEvent } from './entities/outbox-event.entity.js';
import { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { WebhookSubscription } from './entities/webhook-subscription.entity.js';
import { DELIVERY_QUEUE, OutboxService } from './outbox.service.js';
import { postPinned, type PostOutcome } from './pinned-post.js';
import { isRetryableDelivery, isSuccessfulDelivery, retryDelayMs, type DeliveryResult } from './retry-policy.js';
import type { WebhookEventName } from './webhook-events.js';
import { serializeEnvelope } from './webhook-events.js';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature.js';
import { parseWebhookUrl, resolveWebhookTarget } from './webhook-url.js';

/** Longest error text kept on a delivery. */
const MAX_ERROR_LENGTH = 500;
/** How often each instance looks for stale deliveries and overdue action items. */
const SWEEP_INTERVAL_MS = 60_000;

export type AttemptOutcome = DeliveryResult & PostOutcome;

/**
 * Delivers webhook events: one pg-boss job per delivery attempt, the attempt and its result recorded
 * on the delivery row, retries scheduled with exponential backoff and full jitter in the same
 * transaction that records the failure.
 */
@Injectable()
export class WebhookDeliveryService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // pg-boss's own retry is the safety net for a worker that dies mid-attempt; normal retries are ours.
    this.jobs.register<{ deliveryId: string }>(
      DELIVERY_QUEUE,
      { retryLimit: 2, retryDelaySeconds: 5, expireInSeconds: Math.ceil(this.config.STEPWISE_WEBHOOK_TIMEOUT_MS / 1000) + 30 },
      (data) => this.attempt(data.deliveryId),
    );
  }

  onApplicationBootstrap(): void {
    const run = () => void this.sweep().catch((error: Error) => this.logger.warn(`webhook sweep failed: ${error.message}`));
    // The first sweep waits for the job queue, which other modules' bootstrap hooks start.
    setTimeout(run, 2_000).unref();
    this.sweepTimer = setInterval(run, Math.min(SWEEP_INTERVAL_MS, this.staleAfterMs()));
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  /** An attempt older than this was cut off (its process died): the delivery is tried again. */
  private staleAfterMs(): number {
    return this.config.STEPWISE_WEBHOOK_TIMEOUT_MS + 5_000;
  }

  /** One delivery attempt. Never throws for the receiver's failures: they are recorded and retried. */
  async attempt(deliveryId: string): Promise<void> {
    const claimed = await this.dataSource.transaction(async (tx) => {
      const delivery = await tx
        .getRepository(WebhookDelivery)
        .createQueryBuilder('d')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where('d.id = :deliveryId', { deliveryId })
        .getOne();
      if (!delivery) return null;
      const stale = delivery.status === 'delivering' && (delivery.lastAttemptAt?.getTime() ?? 0) < Date.now() - this.staleAfterMs();
      // Delivered, failed, cancelled, or another worker's attempt in flight: nothing to do.
      if (delivery.status !== 'pending' && !stale) return null;
      const subscription = await tx.findOneBy(WebhookSubscription, { id: delivery.subscriptionId });
      if (!subscription || !subscription.active || subscription.deletedAt) {
        await tx.update(WebhookDelivery, { id: delivery.id }, { status: 'cancelled', nextAttemptAt: null, lastError: 'subscription deleted' });
        return null;
      }
      const event = await tx.findOneByOrFail(OutboxEvent, { id: delivery.eventId });
      delivery.status = 'delivering';
      delivery.attempts += 1;
      delivery.lastAttemptAt = new Date();
      delivery.nextAttemptAt = null;
      await tx.save(delivery);
      return { delivery, subscription, event };
    });
    if (!claimed) return;
    const { delivery, subscription, event } = claimed;
    const outcome = await this.send(subscription, event);
    await this.dataSource.transaction((tx) => this.record(tx, delivery, outcome));
  }

  private async send(subscription: WebhookSubscription, event: OutboxEvent): Promise<AttemptOutcome> {
    const parsed = parseWebhookUrl(subscription.url);
    if (!parsed.ok) return { error: `url refused: ${parsed.reason}`, durationMs: 0 };
    // Checked again at every attempt: a name that resolved to a public address yesterday may not today.
    const target = await resolveWebhookTarget(parsed.url, { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE });
    if (!target.ok) return { error: `target refused: ${target.reason}`, durationMs: 0 };
    const body = serializeEnvelope({ id: event.id, type: event.type as WebhookEventName, createdAt: event.createdAt.toISOString(), data: event.data });
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets = activeSecrets(subscription, new Date());
    const headers = {
      [WEBHOOK_HEADERS.signature]: signWebhook({ secrets, timestamp, body }),
      [WEBHOOK_HEADERS.eventId]: event.id,
      [WEBHOOK_HEADERS.event]: event.type,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    };
    return postPinned(parsed.url, body, { ...headers, 'user-agent': 'Stepwise-Webhooks/1' }, target.addresses, this.config.STEPWISE_WEBHOOK_TIMEOUT_MS);
  }

  private async record(tx: EntityManager, delivery: WebhookDelivery, outcome: AttemptOutcome): Promise<void> {
    const base = {
      lastStatusCode: outcome.status ?? null,
      lastError: outcome.error ? outcome.error.slice(0, MAX_ERROR_LENGTH) : isSuccessfulDelivery(outcome) ? null : `HTTP ${outcome.status}`,
      lastDurationMs: outcome.durationMs,
    };
    if (isSuccessfulDelivery(outcome)) {
      await tx.update(WebhookDelivery, { id: delivery.id }, { ...base, status: 'delivered', deliveredAt: new Date(), nextAttemptAt: null });
      return;
    }
    if (!isRetryableDelivery(outcome) || delivery.attempts >= this.config.STEPWISE_WEBHOOK_MAX_ATTEMPTS) {
      await tx.update(WebhookDelivery, { id: delivery.id }, { ...base, status: 'failed', nextAttemptAt: null });
      this.logger.warn(`webhook delivery ${delivery.id} failed after ${delivery.attempts} attempt(s): ${base.lastError}`);
      return;
    }
    const delayMs = retryDelayMs(delivery.attempts, { baseMs: this.config.STEPWISE_WEBHOOK_RETRY_BASE_MS });
    await tx.update(WebhookDelivery, { id: delivery.id }, { ...base, status: 'pending', nextAttemptAt: new Date(Date.now() + delayMs) });
    await this.jobs.sendWithin(tx, DELIVERY_QUEUE, { deliveryId: delivery.id }, { startAfterSeconds: delayMs / 1000, singletonKey: `${delivery.id}:${delivery.attempts}` });
  }

  /**
   * Runs on every instance (row locks keep them apart): retries attempts cut off by a dead process,
   * announces action items that just became overdue, and forgets what is past its retention.
   */
  async sweep(): Promise<void> {
    await this.retryCutOffAttempts();
    await this.announceOverdueActionItems();
    await this.forgetOldRecords();
  }

  private async retryCutOffAttempts(): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const stale: Array<{ id: string; attempts: number }> = await tx.query(
        `SELECT id, attempts FROM webhook_deliveries
          WHERE status = 'delivering' AND last_attempt_at < now() - make_interval(secs => $1::float8 / 1000)
          FOR UPDATE SKIP LOCKED LIMIT 500`,
        [this.staleAfterMs()],
      );
      for (const row of stale) {
        await tx.query(`UPDATE webhook_deliveries SET status = 'pending', last_error = 'attempt cut off (process stopped); retrying', next_attempt_at = now() WHERE id = $1`, [row.id]);
        await this.jobs.sendWithin(tx, DELIVERY_QUEUE, { deliveryId: row.id }, { singletonKey: `${row.id}:${row.attempts}:recovered` });
      }
    });
  }

  private async announceOverdueActionItems(): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const overdue: Array<{ id: string; incident_id: string; title: string; owner: string | null; due_date: string; priority: string; category: string | null }> = await tx.query(
        `SELECT id, incident_id, title, owner, to_char(due_date, 'YYYY-MM-DD') AS due_date, priority::text AS priority, category::text AS category
           FROM action_items
          WHERE status = 'open' AND due_date < current_date AND overdue_notified_at IS NULL
          FOR UPDATE SKIP LOCKED LIMIT 500`,
      );
      for (const item of overdue) {
        await this.outbox.emit(tx, 'action_item.overdue', item.incident_id, {
          actionItem: { id: item.id, title: item.title, owner: item.owner, dueDate: item.due_date, priority: item.priority, category: item.category },
        });
        await tx.query('UPDATE action_items SET overdue_notified_at = now() WHERE id = $1', [item.id]);
      }
    });
  }

  /**
   * Events whose deliveries are all settled (delivered, failed, cancelled) and Slack command receipts
   * are kept STEPWISE_WEBHOOK_RETENTION_DAYS, then deleted in bounded batches (deliveries go with
   * their event).
   */
  private async forgetOldRecords(): Promise<void> {
    const days = this.config.STEPWISE_WEBHOOK_RETENTION_DAYS;
    await this.dataSource.query(
      `DELETE FROM outbox_events e
        WHERE e.id IN (SELECT id FROM outbox_events WHERE created_at < now() - make_interval(days => $1) ORDER BY created_at LIMIT 5000)
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status IN ('pending', 'delivering'))`,
      [days],
    );
    await this.dataSource.query(
      `DELETE FROM slack_command_receipts
        WHERE trigger_id IN (SELECT trigger_id FROM slack_command_receipts WHERE created_at < now() - make_interval(days => $1) LIMIT 5000)`,
      [days],
    );
  }
}

/** The current secret, plus the previous one while a rotation's overlap lasts. */
export function activeSecrets(subscription: Pick<WebhookSubscription, 'secrets' | 'previousSecretExpiresAt'>, now: Date): string[] {
  const [current, previous] = subscription.secrets;
  return previous && subscription.previousSecretExpiresAt && subscription.previousSecretExpiresAt > now ? [current, previous] : [current];
}
