import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import { NotFoundError, ValidationError } from '../../common/errors/domain-errors.js';
import { decodeCursor, encodeCursor, type Page } from '../../common/pagination/cursor.js';
import { AppConfig } from '../../config/app-config.js';
import type { CreateWebhookDto, ListDeliveriesQuery, RotateWebhookSecretDto } from './dto/webhook.dto.js';
import { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { WebhookSubscription } from './entities/webhook-subscription.entity.js';
import { generateWebhookSecret } from './webhook-signature.js';
import { parseWebhookUrl, resolveWebhookTarget } from './webhook-url.js';

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  /** The first characters of the current secret, to tell secrets apart. */
  secretHint: string;
  previousSecretExpiresAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function toWebhookView(row: WebhookSubscription): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    active: row.active,
    secretHint: `${row.secrets[0].slice(0, 10)}…`,
    previousSecretExpiresAt: row.secrets.length > 1 ? iso(row.previousSecretExpiresAt) : null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

function toDeliveryView(row: WebhookDelivery): DeliveryView {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    lastDurationMs: row.lastDurationMs,
    lastAttemptAt: iso(row.lastAttemptAt),
    nextAttemptAt: iso(row.nextAttemptAt),
    deliveredAt: iso(row.deliveredAt),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Webhook subscriptions: registration (with the target checked), secret rotation, removal, delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async create(dto: CreateWebhookDto, principal: Principal): Promise<WebhookView & { secret: string }> {
    const url = await this.checkTarget(dto.url);
    const secret = dto.secret ?? generateWebhookSecret();
    const row = await this.dataSource.manager.save(
      this.dataSource.manager.create(WebhookSubscription, {
        url: url.href,
        events: dto.events,
        description: dto.description ?? null,
        secrets: [secret],
        previousSecretExpiresAt: null,
        active: true,
        createdBy: principal.actor,
        deletedAt: null,
      }),
    );
    return { ...toWebhookView(row), secret };
  }

  async list(): Promise<WebhookView[]> {
    const rows = await this.dataSource.manager.find(WebhookSubscription, { where: { deletedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toWebhookView);
  }

  async get(id: string): Promise<WebhookView> {
    return toWebhookView(await this.find(id));
  }

  /** A new secret; the old one keeps signing too (a second signature) until the overlap ends. */
  async rotateSecret(id: string, dto: RotateWebhookSecretDto): Promise<WebhookView & { secret: string }> {
    return this.dataSource.transaction(async (tx) => {
      const row = await tx.findOne(WebhookSubscription, { where: { id, deletedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('Webhook', id);
      const secret = dto.secret ?? generateWebhookSecret();
      if (row.secrets.includes(secret)) throw new ValidationError([{ field: 'secret', message: 'the new secret must differ from the current ones' }]);
      const overlapHours = dto.overlapHours ?? 24;
      row.secrets = overlapHours > 0 ? [secret, row.secrets[0]] : [secret];
      row.previousSecretExpiresAt = overlapHours > 0 ? new Date(Date.now() + overlapHours * 3_600_000) : null;
      const saved = await tx.save(row);
      return { ...toWebhookView(saved), secret };
    });
  }

  /** Stops deliveries at once: pending ones are cancelled; the delivery log stays readable. */
  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const row = await tx.findOne(WebhookSubscription, { where: { id, deletedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('Webhook', id);
      await tx.update(WebhookSubscription, { id }, { active: false, deletedAt: new Date() });
      await tx.query(
        `UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, last_error = coalesce(last_error, 'subscription deleted')
          WHERE subscription_id = $1 AND status = 'pending'`,
        [id],
      );
    });
  }

  /** Newest first. */
  async deliveries(id: string, query: ListDeliveriesQuery): Promise<Page<DeliveryView>> {
    const exists = await this.dataSource.manager.existsBy(WebhookSubscription, { id });
    if (!exists) throw new NotFoundError('Webhook', id);
    const limit = query.limit ?? 50;
    const qb = this.dataSource.manager
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .where('d.subscription_id = :id', { id })
      .orderBy("date_trunc('milliseconds', d.created_at)", 'DESC')
      .addOrderBy('d.id', 'DESC')
      .take(limit + 1);
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    if (query.cursor) {
      const position = decodeCursor(query.cursor);
      // Milliseconds on both sides: the cursor carries a JS date, the column microseconds.
      qb.andWhere("(date_trunc('milliseconds', d.created_at), d.id) < (:at, :cursorId)", { at: position.at, cursorId: position.id });
    }
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toDeliveryView),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  private async find(id: string): Promise<WebhookSubscription> {
    const row = await this.dataSource.manager.findOneBy(WebhookSubscription, { id, deletedAt: IsNull() });
    if (!row) throw new NotFoundError('Webhook', id);
    return row;
  }

  /** http(s) only, and no private, loopback or link-local target unless WEBHOOK_ALLOW_PRIVATE. */
  private async checkTarget(raw: string): Promise<URL> {
    const parsed = parseWebhookUrl(raw);
    if (!parsed.ok) throw new ValidationError([{ field: 'url', message: parsed.reason }]);
    const target = await resolveWebhookTarget(parsed.url, { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE });
    if (!target.ok) throw new ValidationError([{ field: 'url', message: target.reason }]);
    return parsed.url;
  }
}
