import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A slash command handled once: Slack retries (`X-Slack-Retry-Num`) carry the same `trigger_id`, and
 * get the first answer back instead of acting twice.
 */
@Entity({ name: 'slack_command_receipts' })
@Index('ix_slack_command_receipts_created_at', ['createdAt'])
export class SlackCommandReceipt {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  triggerId: string;

  @Column({ type: 'varchar', length: 50 })
  teamId: string;

  @Column({ type: 'varchar', length: 50 })
  userId: string;

  @Column({ type: 'text' })
  text: string;

  /** The answer given; null while the first request is still working on it. */
  @Column({ type: 'jsonb', nullable: true })
  response: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
