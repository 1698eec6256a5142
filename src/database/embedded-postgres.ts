import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** postgres:// URL the ordinary `pg` driver connects to. */
  url: string;
  /** Where the files live, or `memory://` for a throw-away instance. */
  location: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (Postgres compiled to WASM) in this process and serves it on a loopback port,
 * so TypeORM's ordinary `postgres` driver and the same migrations run against it.
 * PGlite has one session: the socket server accepts one connection, and the pool must be of one.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const location = dataDir === 'memory://' ? dataDir : path.resolve(dataDir, 'pgdata');
  if (location !== 'memory://') mkdirSync(location, { recursive: true });
  const db = await PGlite.create(location);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  let stopped = false;
  return {
    url,
    location,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}
