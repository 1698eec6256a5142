import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const API_KEY_ROLES = ['admin', 'responder', 'bot', 'viewer'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** Public part of the key, shown in lists so people can tell keys apart; used to look the key up. */
  @Index('uq_api_keys_prefix', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  prefix: string;

  /** sha256 of the whole key: keys are 190-bit random strings, so a fast hash is enough. */
  @Column({ type: 'varchar', length: 64 })
  secretHash: string;

  @Column({ type: 'enum', enum: API_KEY_ROLES, enumName: 'api_key_role' })
  role: ApiKeyRole;

  @Column({ type: 'uuid', nullable: true })
  createdByKeyId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
