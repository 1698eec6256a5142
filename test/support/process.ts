import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

export interface RunningServer {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

/** Starts the built server (`dist/src/main.js`) as a user would, and waits until it is ready. */
export async function startServer(env: Record<string, string>, port: number, timeoutMs = 60_000): Promise<RunningServer> {
  const main = path.resolve('dist/src/main.js');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' };
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, [main], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      if (res.ok) return { child, baseUrl, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become ready in ${timeoutMs} ms:\n${output}`);
}

/** Sends a signal and waits for the exit; answers the exit code, or the signal that ended it. */
export async function stopServer(server: RunningServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | NodeJS.Signals | null> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.child.exitCode ?? server.child.signalCode;
  const exited = once(server.child, 'exit');
  server.child.kill(signal);
  const [code, endedBy] = (await exited) as [number | null, NodeJS.Signals | null];
  return code ?? endedBy;
}

/** A port unlikely to collide with other tests on this machine. */
export function freePortGuess(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}
