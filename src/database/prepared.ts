import type { Pool, PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';

/**
 * Runs a hot statement as a named prepared statement: Postgres parses and plans it once per
 * connection instead of at every call (for the outbox statement planning cost ten times the run).
 * Inside a transaction it uses the transaction's own connection. The text must be constant for a
 * given name.
 *
 * Only for statements whose plan has no choice to make (inserts, a scan of a small table): after five
 * runs Postgres may keep a generic plan made from the statistics of that moment, and a query whose
 * best plan changes as a table grows (ORDER BY … LIMIT on an index) then keeps the old plan until the
 * next ANALYZE.
 */
export async function queryPrepared<T>(manager: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const runner = manager.queryRunner;
  if (runner && !runner.isReleased) {
    // A transaction's runner: its pg client is the connection the transaction runs on.
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<T & object>({ name, text, values })).rows;
  }
  const pool = (manager.connection.driver as unknown as { master: Pool }).master;
  return (await pool.query<T & object>({ name, text, values })).rows;
}
