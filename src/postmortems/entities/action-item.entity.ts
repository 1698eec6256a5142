import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { CAUSE_CATEGORIES, type CauseCategory } from '../../diagnosis/cause-category.js';
import { Incident } from '../../incidents/entities/incident.entity.js';

export const ACTION_KINDS = ['prevent', 'detect', 'mitigate', 'process'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_PRIORITIES = ['P1', 'P2', 'P3'] as const;
export type ActionPriority = (typeof ACTION_PRIORITIES)[number];
export const ACTION_STATUSES = ['open', 'done', 'wont_do'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** One item of the prevention checklist, tracked to completion across incidents. */
@Entity({ name: 'action_items' })
@Index('ix_action_items_incident', ['incidentId'])
@Index('ix_action_items_status_due', ['status', 'dueDate'])
export class ActionItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  incidentId: string;

  @ManyToOne(() => Incident, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  incident?: Incident;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'enum', enum: ACTION_KINDS, enumName: 'action_kind' })
  kind: ActionKind;

  @Column({ type: 'enum', enum: ACTION_PRIORITIES, enumName: 'action_priority' })
  priority: ActionPriority;

  @Column({ type: 'varchar', length: 100, nullable: true })
  owner: string | null;

  @Column({ type: 'date' })
  dueDate: string;

  @Column({ type: 'enum', enum: ACTION_STATUSES, enumName: 'action_status', default: 'open' })
  status: ActionStatus;

  /** The prevention catalog entry it came from, when it came from one. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  catalogKey: string | null;

  /** The cause category it prevents, for recurrence detection. */
  @Column({ type: 'enum', enum: CAUSE_CATEGORIES, enumName: 'cause_category', nullable: true })
  category: CauseCategory | null;

  @Column({ type: 'varchar', length: 100 })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** When `action_item.overdue` was announced for the current due date (cleared when it moves). */
  @Column({ type: 'timestamptz', nullable: true })
  overdueNotifiedAt: Date | null;

  @VersionColumn({ default: 1 })
  version: number;
}
