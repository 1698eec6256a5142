import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { CAUSE_CATEGORIES, type CauseCategory } from '../../diagnosis/cause-category.js';
import { Incident } from '../../incidents/entities/incident.entity.js';

export const ROOT_CAUSE_STATUSES = ['suspected', 'confirmed', 'ruled_out'] as const;
export type RootCauseStatus = (typeof ROOT_CAUSE_STATUSES)[number];

/** A cause of the incident: one primary, the rest contributing factors, each with its evidence. */
@Entity({ name: 'root_causes' })
@Index('ix_root_causes_incident', ['incidentId'])
@Index('ix_root_causes_category_status', ['category', 'status'])
// Partial covering index made by the HistoryPerformance migration (TypeORM cannot describe INCLUDE).
@Index('ix_root_causes_confirmed', { synchronize: false })
export class RootCause {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  incidentId: string;

  @ManyToOne(() => Incident, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  incident?: Incident;

  @Column({ type: 'enum', enum: CAUSE_CATEGORIES, enumName: 'cause_category' })
  category: CauseCategory;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'enum', enum: ROOT_CAUSE_STATUSES, enumName: 'root_cause_status', default: 'suspected' })
  status: RootCauseStatus;

  @Column({ type: 'boolean', default: false })
  primary: boolean;

  /** Findings that support it. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  findingIds: string[];

  /** Runbook steps whose outcomes support it. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  stepKeys: string[];

  @Column({ type: 'varchar', length: 100 })
  createdBy: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  confirmedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn({ default: 1 })
  version: number;
}
