import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { Incident } from '../../incidents/entities/incident.entity.js';
import { STEP_STATUSES, type StepStatus } from '../step-rules.js';

/** One pass of a step, kept when the step is repeated or reopened. */
export interface StepAttempt {
  attempt: number;
  status: StepStatus;
  outcome: string | null;
  notes: string | null;
  observations: Record<string, unknown> | null;
  skipReason: string | null;
  performedBy: string | null;
  startedAt: string | null;
  completedAt: string | null;
  timeSpentSeconds: number | null;
}

/** The incident's progress on one step of its runbook. */
@Entity({ name: 'incident_steps' })
// Unique on (incident_id, step_key), INCLUDE-ing what the stats read so they scan the index only
// (HistoryPerformance migration); TypeORM cannot describe INCLUDE, so it leaves this index alone.
@Index('uq_incident_steps_incident_key', { synchronize: false })
export class IncidentStep {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  incidentId: string;

  @ManyToOne(() => Incident, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  incident?: Incident;

  @Column({ type: 'varchar', length: 64 })
  stepKey: string;

  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'enum', enum: STEP_STATUSES, enumName: 'step_status', default: 'pending' })
  status: StepStatus;

  @Column({ type: 'varchar', length: 64, nullable: true })
  outcome: string | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @Column({ type: 'jsonb', nullable: true })
  observations: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  skipReason: string | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** Who started the current attempt. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  startedBy: string | null;

  /** Who completed or skipped the current attempt. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  performedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** Time spent over every attempt, in seconds. */
  @Column({ type: 'int', default: 0 })
  timeSpentSeconds: number;

  /** Earlier attempts (repeats of steps 5-6, passes before a reopen), oldest first. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  history: StepAttempt[];

  @VersionColumn({ default: 1 })
  version: number;
}
