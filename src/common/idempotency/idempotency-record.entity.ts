import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The first answer to a POST with an `Idempotency-Key`, kept so a retry gets it again. */
@Entity({ name: 'idempotency_records' })
@Index('uq_idempotency_records_key', ['apiKeyId', 'key'], { unique: true })
@Index('ix_idempotency_records_created_at', ['createdAt'])
export class IdempotencyRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  apiKeyId: string;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  /** sha256 of method, path and body: the same key with another request is refused (422). */
  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ type: 'varchar', length: 16 })
  state: 'in_progress' | 'completed';

  @Column({ type: 'int', nullable: true })
  responseStatus: number | null;

  @Column({ type: 'jsonb', nullable: true })
  responseBody: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
