import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { Incident } from '../../incidents/entities/incident.entity.js';

export const POSTMORTEM_STATUSES = ['draft', 'in_review', 'published'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

/** The incident's postmortem: the current revision; earlier ones are in postmortem_revisions. */
@Entity({ name: 'postmortems' })
export class Postmortem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_postmortems_incident', { unique: true })
  @Column({ type: 'uuid' })
  incidentId: string;

  @OneToOne(() => Incident, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  incident?: Incident;

  @Column({ type: 'enum', enum: POSTMORTEM_STATUSES, enumName: 'postmortem_status', default: 'draft' })
  status: PostmortemStatus;

  /** Bumped by each generation from the record. */
  @Column({ type: 'int' })
  revision: number;

  /** Sections people wrote; they survive regeneration. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  humanSections: Record<string, string>;

  /** The generated document (sections, metrics, metadata). */
  @Column({ type: 'jsonb' })
  document: Record<string, unknown>;

  @Column({ type: 'text' })
  markdown: string;

  /** Blameless-language flags open on the current text. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  blameFlags: Array<Record<string, unknown>>;

  @Column({ type: 'timestamptz' })
  generatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  publishedBy: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn({ default: 1 })
  version: number;
}

/** A frozen earlier revision, as it was when the next one replaced it. */
@Entity({ name: 'postmortem_revisions' })
@Index('uq_postmortem_revisions', ['incidentId', 'revision'], { unique: true })
export class PostmortemRevision {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  incidentId: string;

  @ManyToOne(() => Incident, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  incident?: Incident;

  @Column({ type: 'int' })
  revision: number;

  @Column({ type: 'enum', enum: POSTMORTEM_STATUSES, enumName: 'postmortem_status' })
  status: PostmortemStatus;

  @Column({ type: 'jsonb' })
  humanSections: Record<string, string>;

  @Column({ type: 'jsonb' })
  document: Record<string, unknown>;

  @Column({ type: 'text' })
  markdown: string;

  @Column({ type: 'timestamptz' })
  generatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;
}
