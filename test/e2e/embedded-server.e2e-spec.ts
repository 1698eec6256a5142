import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { freePortGuess, startServer, stopServer, type RunningServer } from '../support/process.js';

/**
 * The server as a user starts it (`node dist/src/main.js`) with no DATABASE_URL: the embedded
 * database, the bootstrap admin key, JSON logs, and data that survive a restart and a kill -9.
 */
describe('embedded database server', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stepwise-embedded-'));
  const running: RunningServer[] = [];
  after(async () => {
    for (const server of running) await stopServer(server, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('bootstraps an admin key, keeps data across a restart and a kill, and never logs the key', async () => {
    const env = { STEPWISE_DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_REQUESTS: 'true' };
    const first = await startServer(env, freePortGuess());
    running.push(first);
    const keyFile = path.join(dataDir, 'admin-key');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'the admin key file is private');
    const key = readFileSync(keyFile, 'utf8').trim();
    assert.match(first.output(), new RegExp(keyFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the log says where the key is');
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    const created = await fetch(`${first.baseUrl}/v1/incidents`, {
      method: 'POST',
      headers: { ...auth, 'x-request-id': 'req-embedded-1' },
      body: JSON.stringify({ title: 'Persisted across restarts', severity: 'SEV3', service: 'persist' }),
    });
    assert.equal(created.status, 201);
    const incident = (await created.json()) as { id: string; ref: string };

    // A graceful restart: Nest closes the app, then re-raises SIGTERM.
    assert.ok([0, 'SIGTERM'].includes((await stopServer(first, 'SIGTERM'))!));
    const second = await startServer(env, freePortGuess());
    running.push(second);
    const afterRestart = await fetch(`${second.baseUrl}/v1/incidents/${incident.ref}`, { headers: auth });
    assert.equal(afterRestart.status, 200);
    const note = await fetch(`${second.baseUrl}/v1/incidents/${incident.id}/timeline`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ message: 'written just before the kill' }),
    });
    assert.equal(note.status, 201);

    // A crash: the committed note must survive.
    await stopServer(second, 'SIGKILL');
    const third = await startServer(env, freePortGuess());
    running.push(third);
    const timeline = await fetch(`${third.baseUrl}/v1/incidents/${incident.id}/timeline`, { headers: auth });
    const events = ((await timeline.json()) as { items: Array<{ message: string }> }).items;
    assert.ok(events.some((e) => e.message === 'written just before the kill'));
    assert.equal(readFileSync(keyFile, 'utf8').trim(), key, 'the admin key is made once');

    const logs = first.output() + second.output() + third.output();
    assert.equal(logs.includes(key), false, 'the API key never reaches the logs');
    const requestLine = logs.split('\n').find((line) => line.includes('req-embedded-1'));
    assert.ok(requestLine, 'request logs carry the request id');
    assert.doesNotThrow(() => JSON.parse(requestLine!), 'logs are JSON lines');
    await stopServer(third);
  });

  it('creates the admin key from STEPWISE_ADMIN_KEY when given, and refuses bad configuration', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stepwise-cfg-'));
    try {
      const adminKey = 'a-very-long-configured-admin-key-123';
      const server = await startServer({ STEPWISE_DATA_DIR: dir, STEPWISE_ADMIN_KEY: adminKey, STEPWISE_EMBEDDED_STORAGE: 'memory' }, freePortGuess());
      running.push(server);
      const res = await fetch(`${server.baseUrl}/v1/api-keys`, { headers: { authorization: `Bearer ${adminKey}` } });
      assert.equal(res.status, 200);
      await stopServer(server);

      await assert.rejects(startServer({ STEPWISE_DATA_DIR: dir, PORT_OVERRIDE: '1', LOG_LEVEL: 'loud' }, freePortGuess(), 15_000), /LOG_LEVEL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
