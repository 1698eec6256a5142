import { BenchSetupError } from './bench-database.js';

/** An integer setting from the environment, at least `min`; the fallback when unset. */
export function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new BenchSetupError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

/** What a bench must undo, in the order it was set up. */
export type Cleanups = Array<[what: string, undo: () => unknown]>;

/** Undoes in reverse (servers and pools before the database they use); false when one failed. */
export async function runCleanups(cleanups: Cleanups): Promise<boolean> {
  let ok = true;
  for (const [what, undo] of [...cleanups].reverse()) {
    try {
      await undo();
    } catch (error) {
      console.error(`bench: could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
      ok = false;
    }
  }
  return ok;
}

/** Runs a bench's main and sets the process exit code from its answer, or 1 when it threw. */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof BenchSetupError ? `bench: ${error.message}` : error);
      process.exitCode = 1;
    },
  );
}
