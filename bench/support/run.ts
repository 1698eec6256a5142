import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BenchSetupError, databaseName, dropBenchDatabase, recreateBenchDatabase, redactUrl } from './bench-database.js';
import { machineInfo, type MachineInfo } from './machine.js';

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

/** Above this share of the machine (percent), something else competes with a run. */
export const BUSY_WARNING_PERCENT = 15;

export interface PreparedBench {
  /** Empty directory for Stepwise's data (removed by the cleanups). */
  dataDir: string;
  databaseName: string;
  machine: MachineInfo;
}

/**
 * What every database bench does first: recreate its database (dropped again by the cleanups unless
 * `keep`), make a data directory, and print the machine with a warning when it is already busy.
 * `busyEffect` says which way a busy machine moves the figures ("lower" throughput, "higher" latency).
 */
export async function prepareBench(
  databaseUrl: string,
  cleanups: Cleanups,
  options: { keep?: boolean; busyEffect: 'lower' | 'higher' },
): Promise<PreparedBench> {
  console.log(`Database: ${redactUrl(databaseUrl)} (created fresh, ${options.keep ? 'kept at the end (BENCH_KEEP)' : 'dropped at the end'})`);
  const postgresVersion = await recreateBenchDatabase(databaseUrl);
  if (!options.keep) cleanups.push(['drop the bench database', () => dropBenchDatabase(databaseUrl)]);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stepwise-bench-'));
  cleanups.push(['remove the data dir', () => rm(dataDir, { recursive: true, force: true })]);

  const name = databaseName(databaseUrl);
  const machine = await machineInfo(postgresVersion, name);
  console.log(
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}; Postgres ${machine.postgres}` +
      (machine.busyBeforeRunPercent === null ? '' : `; other processes ${machine.busyBeforeRunPercent}% busy before the run`),
  );
  if (machine.busyBeforeRunPercent !== null && machine.busyBeforeRunPercent > BUSY_WARNING_PERCENT) {
    console.log(
      `Warning: other processes keep the machine ${machine.busyBeforeRunPercent}% busy; the figures will be ${options.busyEffect} and noisier than on a quiet machine.`,
    );
  }
  return { dataDir, databaseName: name, machine };
}
