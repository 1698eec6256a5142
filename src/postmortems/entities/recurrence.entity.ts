import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CAUSE_CATEGORIES, type CauseCategory } from '../../diagnosis/cause-category.js';

/**
 * A new incident on the same service and cause category as an earlier one whose prevention items
 * are still open: flagged on both incidents.
 */
@Entity({ name: 'recurrences' })
@Index('uq_recurrences_pair', ['incidentId', 'earlierIncidentId', 'category'], { unique: true })
@Index('ix_recurrences_earlier', ['earlierIncidentId'])
export class Recurrence {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  incidentId: string;

  @Column({ type: 'uuid' })
  earlierIncidentId: string;

  @Column({ type: 'varchar', length: 100 })
  service: string;

  @Column({ type: 'enum', enum: CAUSE_CATEGORIES, enumName: 'cause_category' })
  category: CauseCategory;

  /** The earlier incident's action items that were still open. */
  @Column({ type: 'uuid', array: true })
  openActionItemIds: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
