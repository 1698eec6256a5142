import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CAUSE_CATEGORIES, type CauseCategory } from '../../diagnosis/cause-category.js';
import type { FindingLocation } from '../parsers/finding.js';
import { Evidence } from './evidence.entity.js';

/** What a parser read in a piece of evidence that speaks for a cause. */
@Entity({ name: 'findings' })
@Index('ix_findings_incident', ['incidentId'])
@Index('ix_findings_evidence', ['evidenceId'])
export class FindingRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  evidenceId: string;

  @ManyToOne(() => Evidence, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'evidence_id' })
  evidence?: Evidence;

  @Column({ type: 'uuid' })
  incidentId: string;

  @Column({ type: 'enum', enum: CAUSE_CATEGORIES, enumName: 'cause_category' })
  category: CauseCategory;

  @Column({ type: 'varchar', length: 100 })
  signal: string;

  @Column({ type: 'double precision' })
  weight: number;

  @Column({ type: 'text' })
  excerpt: string;

  @Column({ type: 'jsonb' })
  location: FindingLocation;

  @Column({ type: 'timestamptz', nullable: true })
  observedAt: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  upstream: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail: Record<string, unknown> | null;
}
