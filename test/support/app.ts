import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.setup.js';
import { ApiKeysService } from '../../src/auth/api-keys.service.js';
import type { ApiKeyRole } from '../../src/auth/entities/api-key.entity.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';

/**
 * The app under test: the real Nest app on a real Postgres — the server in DATABASE_URL when set,
 * otherwise the embedded database in memory. Built once per test process and shared by every spec.
 */
let appPromise: Promise<NestFastifyApplication> | null = null;

export const TEST_SLACK_SIGNING_SECRET = 'test-slack-signing-secret-0123456789';

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return loadConfig(process.env, {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    LOG_REQUESTS: false,
    STEPWISE_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'stepwise-test-')),
    STEPWISE_EMBEDDED_STORAGE: 'memory',
    // Small limits so the oversize and background-parse paths run on small files.
    STEPWISE_EVIDENCE_MAX_BYTES: 4 * 1024 * 1024,
    STEPWISE_PARSE_INLINE_MAX_BYTES: 1024 * 1024,
    STEPWISE_JOB_POLL_SECONDS: 0.5,
    // Chat-ops: a known Slack secret to sign test payloads; webhooks to a receiver on loopback, retried fast.
    SLACK_SIGNING_SECRET: TEST_SLACK_SIGNING_SECRET,
    WEBHOOK_ALLOW_PRIVATE: true,
    STEPWISE_WEBHOOK_RETRY_BASE_MS: 200,
    STEPWISE_WEBHOOK_TIMEOUT_MS: 1000,
    ...overrides,
  });
}

export function getTestApp(): Promise<NestFastifyApplication> {
  appPromise ??= (async () => {
    const app = await createApp(testConfig());
    await app.getHttpAdapter().getInstance().ready();
    return app;
  })();
  return appPromise;
}

export async function closeTestApp(): Promise<void> {
  if (!appPromise) return;
  const app = await appPromise;
  appPromise = null;
  await app.close();
}

export async function http(): Promise<ReturnType<typeof request>> {
  const app = await getTestApp();
  return request(app.getHttpServer());
}

export async function dataSource(): Promise<DataSource> {
  return (await getTestApp()).get(DataSource);
}

const keyCache = new Map<ApiKeyRole, string>();

/** A fresh API key of a role, made through the service as an admin would. */
export async function apiKey(role: ApiKeyRole, name = `test-${role}`): Promise<string> {
  const app = await getTestApp();
  const created = await app.get(ApiKeysService).create(`${name}-${Math.random().toString(36).slice(2, 8)}`, role, '00000000-0000-0000-0000-000000000000');
  return created.key;
}

/** One shared key per role for specs that don't care which key they use. */
export async function keyFor(role: ApiKeyRole): Promise<string> {
  let key = keyCache.get(role);
  if (!key) {
    key = await apiKey(role);
    keyCache.set(role, key);
  }
  return key;
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A unique service name per test, so filters and counts see only that test's incidents. */
export function uniqueService(prefix = 'svc'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
