import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CauseCategory, Gateway } from '../../diagnosis/cause-category.js';
import type { RunbookStepDefinition } from '../content/runbook-types.js';

/**
 * One immutable version of a runbook. Incidents point at (key, version), so a new version never
 * changes an incident already under way. The steps are one document, read and written whole.
 */
@Entity({ name: 'runbooks' })
@Index('uq_runbooks_key_version', ['key', 'version'], { unique: true })
export class Runbook {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'jsonb' })
  appliesTo: { statusCodes: number[]; gateways: Gateway[] };

  @Column({ type: 'jsonb' })
  priors: Record<CauseCategory, number>;

  @Column({ type: 'jsonb' })
  steps: RunbookStepDefinition[];

  @Column({ type: 'varchar', length: 100 })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
