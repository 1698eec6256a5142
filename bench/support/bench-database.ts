/**
 * The throwaway database a benchmark runs on: dropped and created at the start, dropped at the end.
 * Because it is dropped, its name must say it is a bench database; a DATABASE_URL (likely a real
 * Stepwise database) only lends its server, never its database.
 */
import pg from 'pg';

export const DEFAULT_BENCH_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/stepwise_bench';
const BENCH_DATABASE_NAME = 'stepwise_bench';

export class BenchSetupError extends Error {}

/** BENCH_DATABASE_URL as given, else DATABASE_URL's server with the stepwise_bench database, else the default. */
export function resolveBenchDatabaseUrl(env: NodeJS.ProcessEnv): string {
  const explicit = env.BENCH_DATABASE_URL?.trim();
  const url = new URL(explicit || env.DATABASE_URL?.trim() || DEFAULT_BENCH_DATABASE_URL);
  if (!/^postgres(ql)?:$/.test(url.protocol)) throw new BenchSetupError(`Not a postgres:// URL: ${redactUrl(url.href)}`);
  if (!explicit) url.pathname = `/${BENCH_DATABASE_NAME}`;
  const name = databaseName(url.href);
  if (!/bench/i.test(name)) {
    throw new BenchSetupError(
      `Refusing to use database "${name}": the benchmark drops its database, so its name must contain "bench" (e.g. ${BENCH_DATABASE_NAME}).`,
    );
  }
  return url.href;
}

export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

export function redactUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.href;
}

function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.href;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function withMaintenanceClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrl(databaseUrl), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    const url = new URL(databaseUrl);
    const reason = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
    throw new BenchSetupError(
      `Cannot connect to Postgres at ${url.hostname}:${url.port || '5432'} as "${decodeURIComponent(url.username) || 'postgres'}" (${reason}). ` +
        `Start a Postgres 15+ server or point BENCH_DATABASE_URL at one, e.g. ${DEFAULT_BENCH_DATABASE_URL}.`,
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops and creates the bench database; answers the server's version. */
export async function recreateBenchDatabase(databaseUrl: string): Promise<string> {
  const name = quoteIdent(databaseName(databaseUrl));
  return withMaintenanceClient(databaseUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version;
  });
}

export async function dropBenchDatabase(databaseUrl: string): Promise<void> {
  const name = quoteIdent(databaseName(databaseUrl));
  await withMaintenanceClient(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
