import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event announced to webhook subscribers, written in the same transaction as the change it
 * announces (the outbox): if that transaction commits, the event exists; if not, it never did.
 * Its id is the `Stepwise-Event-Id` receivers deduplicate on.
 */
@Entity({ name: 'outbox_events' })
@Index('ix_outbox_events_incident_type', ['incidentId', 'type', 'createdAt'])
@Index('ix_outbox_events_created_at', ['createdAt'])
export class OutboxEvent {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'uuid', nullable: true })
  incidentId: string | null;

  /** The envelope's `data`. */
  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
