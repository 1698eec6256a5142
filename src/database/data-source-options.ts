import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';
import { SnakeNamingStrategy } from './naming.js';

/**
 * Settings of the app's sessions on a real server. JIT is off: its compile time (40 ms and more)
 * exceeds what it saves on the stats and search queries, the only ones large enough to trigger it.
 * work_mem is 16 MB (the server default is 4): the history search sorts its relevance window (up to
 * ten thousand matches with their rank vectors), which spilled to disk at 4 MB.
 */
export const SESSION_OPTIONS = '-c jit=off -c work_mem=16MB';

/**
 * The one description of the database, used by the app and by the TypeORM CLI.
 * Schema changes go through migrations only; `synchronize` stays off.
 */
export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into Postgres 13+ (and PGlite): no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: ['error', 'warn'],
    extra: { max: poolSize, connectionTimeoutMillis: 10_000 },
  };
}
