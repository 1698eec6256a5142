import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { ModuleRef } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions, SESSION_OPTIONS } from './data-source-options.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

/** Stops the embedded database after the data source has let go of its connection. */
@Injectable()
class EmbeddedPostgresLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    const dataSource = this.moduleRef.get<DataSource>(getDataSourceToken(), { strict: false });
    if (dataSource?.isInitialized) await dataSource.destroy();
    await this.embedded.stop();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: EMBEDDED_POSTGRES,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<EmbeddedPostgres | null> => {
        if (config.DATABASE_URL) return null;
        const embedded = await startEmbeddedPostgres(
          config.STEPWISE_EMBEDDED_STORAGE === 'memory' ? 'memory://' : config.STEPWISE_DATA_DIR,
        );
        new Logger('Database').log(
          `No DATABASE_URL: using the embedded Postgres (PGlite) in ${embedded.location}. Set DATABASE_URL for a real server.`,
        );
        return embedded;
      },
    },
    EmbeddedPostgresLifecycle,
  ],
  exports: [EMBEDDED_POSTGRES],
})
class EmbeddedPostgresModule {}

/**
 * The embedded server takes one connection. The pool must never close it when idle: the pg pool's
 * default drops idle clients after 10 s, and a reconnect can race the socket server's handling of the
 * old socket and hang the next query.
 */
function embeddedOptions(url: string) {
  const options = dataSourceOptions(url, 1);
  return { ...options, extra: { ...options.extra, max: 1, idleTimeoutMillis: 0 }, retryAttempts: 0 };
}

@Module({
  imports: [
    EmbeddedPostgresModule,
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, EMBEDDED_POSTGRES],
      useFactory: (config: AppConfig, embedded: EmbeddedPostgres | null) =>
        embedded
          ? embeddedOptions(embedded.url)
          : serverOptions(config),
    }),
  ],
})
export class DatabaseModule {}

/**
 * A real server's options, with the app's session settings (SESSION_OPTIONS).
 */
function serverOptions(config: AppConfig) {
  const options = dataSourceOptions(config.DATABASE_URL!, config.DATABASE_POOL_SIZE);
  return { ...options, extra: { ...(options.extra as Record<string, unknown>), options: SESSION_OPTIONS }, retryAttempts: 5, retryDelay: 2000 };
}
