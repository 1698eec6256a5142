import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadFigures, LoadReport, LoadSpec } from './load-client.js';

export type { LoadFigures, LoadSpec } from './load-client.js';

/** Beyond the load's own duration: process start, connecting, and requests still in flight at the end. */
const GRACE_MS = 30_000;

/** Runs autocannon in a child process and resolves with its figures; the child ends with the load. */
export function runLoad(spec: LoadSpec): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load-client.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      outcome();
    };
    const deadline = setTimeout(() => {
      settle(() => reject(new Error(`load client did not report within ${spec.durationSeconds} s + ${GRACE_MS / 1000} s`)));
      child.kill();
    }, spec.durationSeconds * 1000 + GRACE_MS);
    child.once('message', (message: LoadReport) =>
      settle(() => (message.ok ? resolve(message.figures) : reject(new Error(`autocannon failed: ${message.error}`)))),
    );
    child.once('error', (error) => settle(() => reject(error)));
    child.once('exit', (code, signal) => settle(() => reject(new Error(`load client exited (${signal ?? code}) before reporting`))));
    child.send(spec);
  });
}
