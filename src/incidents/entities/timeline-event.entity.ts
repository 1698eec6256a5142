import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Incident } from './incident.entity.js';

/** Append-only record of what happened to an incident: the source of its story and its metrics. */
@Entity({ name: 'timeline_events' })
@Index('ix_timeline_events_incident_at', ['incidentId', 'at', 'seq'])
export class TimelineEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  incidentId: string;

  @ManyToOne(() => Incident, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  incident?: Incident;

  /** Orders events written in the same instant (the order they were written). */
  @Column({ type: 'bigint' })
  @Index('uq_timeline_events_seq', { unique: true })
  @Generated('increment')
  seq: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** e.g. `incident.created`, `incident.status_changed`, `incident.updated`, `note`, `step.completed`. */
  @Column({ type: 'varchar', length: 64 })
  kind: string;

  @Column({ type: 'varchar', length: 100 })
  actor: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;
}
