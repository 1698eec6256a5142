/**
 * The floor Stepwise is compared with: Fastify and a `pg` pool doing the least an API can do per
 * request — parse JSON, insert one row and return it, or read one row by id.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BaselineServer {
  url: string;
  close(): Promise<void>;
}

export async function startBaselineServer(databaseUrl: string, poolSize: number): Promise<BaselineServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 10_000 });
  let server: FastifyInstance | null = null;
  try {
    await pool.query(
      `CREATE TABLE IF NOT EXISTS bench_baseline (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         title text,
         payload jsonb,
         created_at timestamptz DEFAULT now()
       )`,
    );
    server = Fastify({ logger: false });
    server.post('/rows', async (request, reply) => {
      const body = request.body as { title?: unknown; payload?: unknown } | null;
      if (!body || typeof body.title !== 'string' || typeof body.payload !== 'object') {
        return reply.code(400).send({ error: 'title (string) and payload (object) are required' });
      }
      const { rows } = await pool.query('INSERT INTO bench_baseline (title, payload) VALUES ($1, $2) RETURNING *', [body.title, body.payload]);
      return reply.code(201).send(rows[0]);
    });
    server.get<{ Params: { id: string } }>('/rows/:id', async (request, reply) => {
      if (!UUID.test(request.params.id)) return reply.code(400).send({ error: 'id must be a UUID' });
      const { rows } = await pool.query('SELECT * FROM bench_baseline WHERE id = $1', [request.params.id]);
      if (rows.length === 0) return reply.code(404).send({ error: 'not found' });
      return rows[0];
    });
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    const listening = server;
    return {
      url,
      async close() {
        await listening.close();
        await pool.end();
      },
    };
  } catch (error) {
    await server?.close();
    await pool.end();
    throw error;
  }
}
