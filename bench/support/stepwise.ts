import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ApiKeyRole } from '../../src/auth/entities/api-key.entity.js';
import { createApp } from '../../src/app.setup.js';
import { loadConfig } from '../../src/config/app-config.js';

export interface BenchStepwise {
  app: NestFastifyApplication;
  url: string;
  /** A key of the asked role, made the way an admin would: requests go through the usual key lookup. */
  key: string;
}

/** Stepwise on loopback (random port) on the given database, quiet, with a fresh key of `role`. */
export async function startStepwise(databaseUrl: string, poolSize: number, dataDir: string, role: ApiKeyRole): Promise<BenchStepwise> {
  const adminKey = `bench-admin-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const config = loadConfig(process.env, {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: poolSize,
    LOG_LEVEL: 'warn',
    LOG_REQUESTS: false,
    STEPWISE_DATA_DIR: dataDir,
    STEPWISE_ADMIN_KEY: adminKey,
    STEPWISE_DOCS: false,
  });
  const app = await createApp(config);
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('Stepwise is not listening on a TCP port');
    const url = `http://127.0.0.1:${address.port}`;
    const response = await fetch(`${url}/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ name: `bench-${role}`, role }),
    });
    const created = (await response.json()) as { key?: unknown };
    if (response.status !== 201 || typeof created.key !== 'string') throw new Error(`POST /v1/api-keys answered ${response.status}: ${JSON.stringify(created).slice(0, 300)}`);
    return { app, url, key: created.key };
  } catch (error) {
    await app.close();
    throw error;
  }
}
