import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/** An admin-registered endpoint that hears about the events it subscribed to. */
@Entity({ name: 'webhook_subscriptions' })
export class WebhookSubscription {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ type: 'text', array: true })
  events: string[];

  @Column({ type: 'varchar', length: 200, nullable: true })
  description: string | null;

  /**
   * Signing secrets, newest first: one, or two while a rotation is in its overlap (deliveries are
   * signed with both, so receivers can switch at their own pace). Kept readable, not hashed: signing
   * needs the secret itself.
   */
  @Column({ type: 'text', array: true })
  secrets: string[];

  /** When the previous secret stops being used after a rotation. */
  @Column({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'varchar', length: 100 })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** Set when deleted: the row stays so its delivery log can still be read. */
  @Column({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  @VersionColumn({ default: 1 })
  version: number;
}
