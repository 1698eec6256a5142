import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PgBoss } from 'pg-boss';
import type { Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';

export interface JobOptions {
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInSeconds?: number;
  singletonKey?: string;
  /** Run no earlier than this many seconds from now. */
  startAfterSeconds?: number;
}

type Handler<T> = (data: T, job: { id: string; retryCount: number }) => Promise<void>;

/**
 * Background work in Postgres through pg-boss, so any instance can pick a job up and a job in
 * flight when a process dies is retried once it expires. pg-boss runs its SQL through the app's own
 * pg pool: on the embedded database that is the single connection everything shares.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private boss: PgBoss | null = null;
  private readonly workers: Array<{ queue: string; options: JobOptions; handler: Handler<never> }> = [];
  private started: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Registers a worker; call from a module's onModuleInit, before the app boots. */
  register<T>(queue: string, options: JobOptions, handler: Handler<T>): void {
    this.workers.push({ queue, options, handler: handler as Handler<never> });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.started = this.start();
    await this.started;
  }

  private async start(): Promise<void> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values as unknown[]) },
      schema: 'pgboss',
      supervise: true,
      superviseIntervalSeconds: 30,
    });
    boss.on('error', (error: Error) => this.logger.error(`pg-boss: ${error.message}`));
    await boss.start();
    for (const worker of this.workers) {
      await boss.createQueue(worker.queue, {
        retryLimit: worker.options.retryLimit ?? 3,
        retryDelay: worker.options.retryDelaySeconds ?? 5,
        retryBackoff: true,
        expireInSeconds: worker.options.expireInSeconds ?? 15 * 60,
      });
      await boss.work<unknown>(worker.queue, { pollingIntervalSeconds: this.config.STEPWISE_JOB_POLL_SECONDS, batchSize: 1 }, async (jobs) => {
        for (const job of jobs) await worker.handler(job.data as never, { id: job.id, retryCount: (job as { retryCount?: number }).retryCount ?? 0 });
      });
    }
    this.boss = boss;
  }

  async send(queue: string, data: object, options: JobOptions = {}): Promise<string | null> {
    await this.started;
    if (!this.boss) throw new Error('The job queue is not running');
    return this.boss.send(queue, data, {
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
    });
  }

  /**
   * Enqueues inside the caller's transaction (pg-boss runs its INSERT on the transaction's own
   * connection): the job exists exactly when the change that asked for it commits.
   */
  async sendWithin(tx: EntityManager, queue: string, data: object, options: JobOptions = {}): Promise<string | null> {
    await this.started;
    if (!this.boss) throw new Error('The job queue is not running');
    const runner = tx.queryRunner;
    if (!runner) throw new Error('sendWithin needs a transaction manager');
    return this.boss.send(queue, data, {
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.startAfterSeconds ? { startAfter: Math.max(1, Math.ceil(options.startAfterSeconds)) } : {}),
      db: {
        executeSql: async (text: string, values?: unknown[]) => ({ rows: (await runner.query(text, values as unknown[], true)).records as unknown[] }),
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.started?.catch(() => undefined);
    if (this.boss) await this.boss.stop({ graceful: true, timeout: 10_000 });
    this.boss = null;
  }
}
