import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  /** Share of all cores other processes used in a second just before the run (Linux only), in percent. */
  busyBeforeRunPercent: number | null;
}

export async function machineInfo(postgresVersion: string, databaseName: string): Promise<MachineInfo> {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: postgresVersion,
    busyBeforeRunPercent: await othersBusyPercent(databaseName),
  };
}

export interface CpuSnapshot {
  totalTicks: number;
  /** CPU ticks so far of each process that is not part of the run, by pid. */
  others: Map<string, number>;
  /** CPU ticks so far of the Postgres processes working for the run, by pid (see isRunDatabase). */
  database: Map<string, number>;
}

/** A backend's title is "postgres: [cluster: ]user database host(port) activity". */
const BACKEND_TITLE = /^postgres: (?:\S*: )?\S+ (\S+) (?:\[local\]|\S+\(\d+\))/;

/**
 * Whether a process's work is none of the run's: not this process or its children (the load client),
 * not a kernel thread (loopback networking, WAL writeback), not Postgres, except backends serving
 * another database.
 */
function isOther(title: string, parentPid: string, databaseName: string): boolean {
  if (title === '' || parentPid === String(process.pid)) return false;
  if (title.startsWith('postgres: ')) {
    const backend = BACKEND_TITLE.exec(title);
    return backend !== null && backend[1] !== databaseName;
  }
  return !/\/postgres\s/.test(title);
}

/**
 * Whether a process is Postgres working for the run: a backend of the bench database, or one of the
 * server's own processes (WAL writer, checkpointer, autovacuum), which the run's writes keep busy.
 */
function isRunDatabase(title: string, databaseName: string): boolean {
  if (!title.startsWith('postgres')) return false;
  const backend = BACKEND_TITLE.exec(title);
  return backend === null || backend[1] === databaseName;
}

/** Linux only (null elsewhere): the machine's CPU ticks, and those of every process not part of the run. */
export async function cpuSnapshot(databaseName: string): Promise<CpuSnapshot | null> {
  let ticks: number[];
  try {
    ticks = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return null;
  }
  const others = new Map<string, number>();
  const database = new Map<string, number>();
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    if (pid === String(process.pid)) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const title = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ').trim();
      const used = Number(fields[11]) + Number(fields[12]); // utime + stime
      if (isOther(title, fields[1], databaseName)) others.set(pid, used);
      else if (isRunDatabase(title, databaseName)) database.set(pid, used);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return { totalTicks: ticks.reduce((a, b) => a + b, 0), others, database };
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds the run's Postgres processes used between two snapshots (null without /proc, or
 * when Postgres runs elsewhere and none of its processes were seen). Backends that start in between
 * count from zero, which is right: a pool's backends outlive the loads.
 */
export function databaseCpuMs(before: CpuSnapshot | null, after: CpuSnapshot | null): number | null {
  if (!before || !after || after.database.size === 0) return null;
  let ticks = 0;
  for (const [pid, used] of after.database) ticks += Math.max(0, used - (before.database.get(pid) ?? 0));
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * Share of the machine (percent of all cores) that processes outside the run used between two
 * snapshots. It misses processes that start and end in between, so it errs low.
 */
export function othersPercent(before: CpuSnapshot | null, after: CpuSnapshot | null): number | null {
  if (!before || !after || after.totalTicks === before.totalTicks) return null;
  let used = 0;
  for (const [pid, ticks] of after.others) used += Math.max(0, ticks - (before.others.get(pid) ?? 0));
  return Math.round((100 * used) / (after.totalTicks - before.totalTicks));
}

/** How busy processes outside the run keep the machine: competing for the cores, they make every figure lower and noisier. */
async function othersBusyPercent(databaseName: string, sampleMs = 1000): Promise<number | null> {
  const before = await cpuSnapshot(databaseName);
  await sleep(sampleMs);
  return othersPercent(before, await cpuSnapshot(databaseName));
}
