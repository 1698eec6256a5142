import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { decodeCursor, encodeCursor, type Page } from '../common/pagination/cursor.js';
import { queryPrepared } from '../database/prepared.js';
import { TimelineEvent } from './entities/timeline-event.entity.js';
import { toTimelineView, type TimelineEventView } from './incident.view.js';

export interface NewTimelineEvent {
  incidentId: string;
  kind: string;
  actor: string;
  message: string;
  data?: Record<string, unknown>;
  at?: Date;
}

/**
 * Told about every timeline event inside the transaction that writes it (the webhook outbox listens
 * here: an event it derives commits or rolls back with the change).
 */
export type TimelineListener = (tx: EntityManager, event: TimelineEvent) => Promise<void>;

/** Writes and reads the append-only timeline. Writes take the caller's transaction manager. */
@Injectable()
export class TimelineService {
  private readonly listeners: TimelineListener[] = [];

  constructor(@InjectRepository(TimelineEvent) private readonly events: Repository<TimelineEvent>) {}

  /** Registers a listener; call from a module's onModuleInit. */
  listen(listener: TimelineListener): void {
    this.listeners.push(listener);
  }

  async record(tx: EntityManager, event: NewTimelineEvent): Promise<TimelineEvent> {
    const saved = await this.insert(tx, event);
    for (const listener of this.listeners) await listener(tx, saved);
    return saved;
  }

  /** One prepared INSERT (every change writes one of these): the entity is built from what was sent. */
  private async insert(tx: EntityManager, event: NewTimelineEvent): Promise<TimelineEvent> {
    const now = new Date();
    const at = event.at ?? now;
    const data = event.data ?? {};
    const [row] = await queryPrepared<{ id: string; seq: string }>(
      tx,
      'timeline-insert',
      `INSERT INTO timeline_events (incident_id, at, kind, actor, message, data, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, seq`,
      [event.incidentId, at, event.kind, event.actor, event.message, JSON.stringify(data), now],
    );
    return tx.create(TimelineEvent, { id: row.id, seq: row.seq, incidentId: event.incidentId, at, kind: event.kind, actor: event.actor, message: event.message, data, recordedAt: now });
  }

  /** Oldest first: the timeline reads as the story of the incident. */
  async list(incidentId: string, limit = 200, cursor?: string): Promise<Page<TimelineEventView>> {
    const qb = this.events
      .createQueryBuilder('e')
      .where('e.incident_id = :incidentId', { incidentId })
      .orderBy('e.at', 'ASC')
      .addOrderBy('e.seq', 'ASC')
      .take(limit + 1);
    if (cursor) {
      const position = decodeCursor(cursor);
      qb.andWhere('(e.at, e.seq) > (:at, (SELECT seq FROM timeline_events WHERE id = :cursorId))', {
        at: position.at,
        cursorId: position.id,
      });
    }
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toTimelineView),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at.toISOString(), id: last.id }) : null,
    };
  }
}
