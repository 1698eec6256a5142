import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Evidence } from './evidence.entity.js';

/** The stored bytes of an evidence item, in chunks of at most 1 MiB so nothing is held whole in memory. */
@Entity({ name: 'evidence_blobs' })
export class EvidenceBlob {
  @PrimaryColumn({ type: 'uuid' })
  evidenceId: string;

  @PrimaryColumn({ type: 'int' })
  seq: number;

  @ManyToOne(() => Evidence, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'evidence_id' })
  evidence?: Evidence;

  @Column({ type: 'bytea' })
  data: Buffer;
}
