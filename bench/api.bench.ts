/**
 * Stepwise API throughput next to a minimal baseline (`npm run bench:api`).
 *
 * Starts Stepwise (createApp, real Postgres) and, in the same process, a minimal Fastify + `pg` server
 * that inserts and reads one row. Loads both with autocannon on loopback — same connections, same
 * duration, alternating — and prints requests/s and p99 for create-incident and get-incident next to
 * the baseline, their ratios and the goals (create ≥ 0.5×, read ≥ 0.7× the baseline's requests/s).
 * The last line is the same figures as JSON.
 *
 * Environment (all optional):
 *   BENCH_DATABASE_URL  database to drop, create and drop again (its name must contain "bench");
 *                       without it, DATABASE_URL's server with database stepwise_bench; without
 *                       that, postgres://postgres@127.0.0.1:5432/stepwise_bench
 *   BENCH_ROUNDS        measured rounds per scenario and server (3); the median round is reported
 *   BENCH_DURATION      seconds per load (10)
 *   BENCH_CONNECTIONS   concurrent connections (50)
 *   BENCH_WARMUP        seconds of warm-up load per scenario and server (3)
 *   BENCH_READ_IDS      rows created up front that the reads rotate over (1000)
 *   BENCH_POOL_SIZE     database connections of each server (10, Stepwise's default)
 *
 * Exits 0 when it measured, goals met or not; 1 when it could not measure or a load saw errors or
 * non-2xx answers (the figures would not mean what they say).
 */
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBaselineServer, type BaselineServer } from './support/baseline-server.js';
import { resolveBenchDatabaseUrl } from './support/bench-database.js';
import { runLoad, type LoadFigures, type LoadSpec } from './support/load.js';
import { cpuSnapshot, databaseCpuMs, othersPercent } from './support/machine.js';
import { startStepwise } from './support/stepwise.js';
import { BUSY_WARNING_PERCENT, intSetting, prepareBench, runBench, runCleanups, type Cleanups } from './support/run.js';

type Scenario = 'create' | 'read';
type Target = 'stepwise' | 'baseline';

const SCENARIOS: readonly Scenario[] = ['create', 'read'];
const GOALS: Record<Scenario, number> = { create: 0.5, read: 0.7 };
const SCENARIO_LABELS: Record<Scenario, string> = { create: 'create incident', read: 'get incident' };

interface BenchOptions {
  rounds: number;
  durationSeconds: number;
  connections: number;
  warmupSeconds: number;
  readIds: number;
  poolSize: number;
}

function readOptions(env: NodeJS.ProcessEnv): BenchOptions {
  return {
    rounds: intSetting(env, 'BENCH_ROUNDS', 3),
    durationSeconds: intSetting(env, 'BENCH_DURATION', 10),
    connections: intSetting(env, 'BENCH_CONNECTIONS', 50),
    warmupSeconds: intSetting(env, 'BENCH_WARMUP', 3, 0),
    readIds: intSetting(env, 'BENCH_READ_IDS', 1000),
    poolSize: intSetting(env, 'BENCH_POOL_SIZE', 10),
  };
}

/** The incident every create sends, and a baseline body of exactly the same size. */
const INCIDENT_BODY = JSON.stringify({
  title: 'Checkout answers 502 Bad Gateway for a share of cart requests',
  severity: 'SEV2',
  service: 'checkout-api',
  gateway: 'nginx',
  symptom: { statusCode: 502, method: 'GET', url: 'https://shop.example.com/api/cart' },
});

function baselineBody(): string {
  const incident = JSON.parse(INCIDENT_BODY) as { title: string } & Record<string, unknown>;
  const { title, ...payload } = incident;
  const build = (t: string) => JSON.stringify({ title: t, payload });
  // The baseline wraps the same fields in `payload`; shorten its title by that wrapper's length.
  const overhead = Buffer.byteLength(build('')) - Buffer.byteLength(JSON.stringify({ ...incident, title: '' }));
  const body = build(title.slice(0, title.length - overhead));
  if (Buffer.byteLength(body) !== Buffer.byteLength(INCIDENT_BODY)) throw new Error('baseline body size differs from the incident body');
  return body;
}

interface Servers {
  stepwiseUrl: string;
  stepwiseKey: string;
  baselineUrl: string;
}

interface TargetPlan {
  create: Omit<LoadSpec, 'connections' | 'durationSeconds'>;
  read: Omit<LoadSpec, 'connections' | 'durationSeconds'>;
}

async function postJson(url: string, body: string, headers: Record<string, string>, expected: number): Promise<{ id: string } & Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`POST ${url} answered ${response.status}, expected ${expected}: ${text.slice(0, 500)}`);
  const parsed = JSON.parse(text) as Record<string, unknown>;
  if (typeof parsed.id !== 'string') throw new Error(`POST ${url} answered no id: ${text.slice(0, 500)}`);
  return parsed as { id: string } & Record<string, unknown>;
}

/** Creates `count` rows with a few requests in flight; answers their ids. */
async function seed(count: number, create: () => Promise<string>): Promise<string[]> {
  const ids: string[] = [];
  let started = 0;
  const lane = async () => {
    while (started < count) {
      started += 1;
      ids.push(await create());
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return ids;
}

async function planLoads(servers: Servers, readIds: number): Promise<Record<Target, TargetPlan>> {
  const auth = { authorization: `Bearer ${servers.stepwiseKey}` };
  const json = { 'content-type': 'application/json' };
  const baseline = baselineBody();
  const incidentIds = await seed(readIds, async () => (await postJson(`${servers.stepwiseUrl}/v1/incidents`, INCIDENT_BODY, auth, 201)).id);
  const rowIds = await seed(readIds, async () => (await postJson(`${servers.baselineUrl}/rows`, baseline, {}, 201)).id);
  return {
    stepwise: {
      create: { url: servers.stepwiseUrl, method: 'POST', path: '/v1/incidents', paths: [], headers: { ...json, ...auth }, body: INCIDENT_BODY },
      read: { url: servers.stepwiseUrl, method: 'GET', path: '', paths: incidentIds.map((id) => `/v1/incidents/${id}`), headers: auth },
    },
    baseline: {
      create: { url: servers.baselineUrl, method: 'POST', path: '/rows', paths: [], headers: json, body: baseline },
      read: { url: servers.baselineUrl, method: 'GET', path: '', paths: rowIds.map((id) => `/rows/${id}`), headers: {} },
    },
  };
}

interface RoundResult extends LoadFigures {
  round: number;
  /** CPU this process (so the loaded server: only one is loaded at a time) spent per completed request. */
  serverCpuMsPerRequest: number;
  /** CPU the run's Postgres processes spent per completed request (null where /proc is missing). */
  databaseCpuMsPerRequest: number | null;
  /** Percent of the machine other processes used meanwhile (null where /proc is missing). */
  othersPercent: number | null;
}

interface TargetSummary {
  requestsPerSecond: number;
  latencyP99Ms: number;
  serverCpuMsPerRequest: number;
  databaseCpuMsPerRequest: number | null;
  medianRound: number;
  rounds: RoundResult[];
}

interface ScenarioSummary {
  scenario: Scenario;
  stepwise: TargetSummary;
  baseline: TargetSummary;
  ratio: number;
  goal: number;
  pass: boolean;
  valid: boolean;
}

/** The round with the median requests/s (the upper one for an even count), with its own p99. */
function medianRound(rounds: RoundResult[]): TargetSummary {
  const sorted = [...rounds].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const median = sorted[Math.floor(sorted.length / 2)];
  return {
    requestsPerSecond: median.requestsPerSecond,
    latencyP99Ms: median.latencyP99Ms,
    serverCpuMsPerRequest: median.serverCpuMsPerRequest,
    databaseCpuMsPerRequest: median.databaseCpuMsPerRequest,
    medianRound: median.round,
    rounds,
  };
}

const problems = (f: LoadFigures) => f.non2xx + f.errors + f.timeouts;

function describeProblems(f: LoadFigures): string {
  const statuses = Object.entries(f.statusCounts)
    .filter(([status]) => !status.startsWith('2'))
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
  return `non-2xx ${f.non2xx}${statuses ? ` (${statuses})` : ''}, errors ${f.errors}, timeouts ${f.timeouts}`;
}

/** One request like the load's, to show what a failing answer says. */
async function probe(spec: Omit<LoadSpec, 'connections' | 'durationSeconds'>): Promise<string> {
  const target = `${spec.url}${spec.paths[0] ?? spec.path}`;
  try {
    const response = await fetch(target, { method: spec.method, headers: spec.headers, ...(spec.body !== undefined ? { body: spec.body } : {}) });
    return `${spec.method} ${target} → ${response.status} ${(await response.text()).slice(0, 300)}`;
  } catch (error) {
    return `${spec.method} ${target} → ${error instanceof Error ? error.message : String(error)}`;
  }
}

const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function printTable(summaries: ScenarioSummary[]): void {
  const header = ['scenario', 'Stepwise req/s', 'Stepwise p99 ms', 'baseline req/s', 'baseline p99 ms', 'ratio', 'goal', 'result'];
  const rows = summaries.map((s) => [
    SCENARIO_LABELS[s.scenario],
    fmt(s.stepwise.requestsPerSecond),
    fmt(s.stepwise.latencyP99Ms),
    fmt(s.baseline.requestsPerSecond),
    fmt(s.baseline.latencyP99Ms),
    `${fmt(s.ratio, 2)}×`,
    `≥ ${fmt(s.goal, 1)}×`,
    !s.valid ? 'INVALID' : s.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/**
 * The database's share, and the most requests/s it allows: were every core given to Postgres alone
 * (no HTTP server, no load client), a request costing d ms of database CPU could not run more than
 * cores × 1000 / d times a second. When that ceiling is under a goal, no work on the server meets
 * the goal; only less database work per request can.
 */
function printDatabaseCeiling(summaries: ScenarioSummary[], cores: number): void {
  const parts: string[] = [];
  const ceilings: string[] = [];
  for (const s of summaries) {
    const ours = s.stepwise.databaseCpuMsPerRequest;
    const theirs = s.baseline.databaseCpuMsPerRequest;
    if (ours === null || theirs === null || ours <= 0) continue;
    parts.push(`${SCENARIO_LABELS[s.scenario]} ${fmt(ours, 2)} ms vs ${fmt(theirs, 2)} ms`);
    const ceiling = (cores * 1000) / ours;
    const ratio = ceiling / s.baseline.requestsPerSecond;
    ceilings.push(`${SCENARIO_LABELS[s.scenario]} ≤ ${fmt(ceiling)} req/s = ${fmt(ratio, 2)}× the baseline${ratio < s.goal ? ` (under the ${fmt(s.goal, 1)}× goal)` : ''}`);
  }
  if (parts.length === 0) return;
  console.log(`Database CPU per request (median rounds, Postgres processes of this run): ${parts.join('; ')}.`);
  console.log(`Ceiling from Stepwise's database work alone, all ${cores} cores to Postgres: ${ceilings.join('; ')}.`);
}

async function main(): Promise<number> {
  const options = readOptions(process.env);
  const databaseUrl = resolveBenchDatabaseUrl(process.env);
  const perLoadBound = (seconds: number) => seconds + 30;
  const boundSeconds = 180 + 2 * SCENARIOS.length * (perLoadBound(options.warmupSeconds) + options.rounds * perLoadBound(options.durationSeconds));
  // A hung server or load must not keep the run going forever.
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${boundSeconds} s; giving up.`);
    process.exit(1);
  }, boundSeconds * 1000);
  watchdog.unref();

  const cleanups: Cleanups = [];
  let exitCode = 0;
  try {
    const { dataDir, databaseName: dbName, machine } = await prepareBench(databaseUrl, cleanups, { busyEffect: 'lower' });
    console.log(
      `Load: ${options.connections} connections, ${options.durationSeconds} s per load, ${options.rounds} rounds, ` +
        `${options.warmupSeconds} s warm-up, reads over ${options.readIds} ids, pool ${options.poolSize} per server; ` +
        `autocannon runs in a child process.`,
    );

    const stepwise = await startStepwise(databaseUrl, options.poolSize, dataDir, 'responder');
    cleanups.push(['close Stepwise', () => stepwise.app.close()]);
    const baseline: BaselineServer = await startBaselineServer(databaseUrl, options.poolSize);
    cleanups.push(['close the baseline server', () => baseline.close()]);
    // A load stops with requests still in the servers; let them finish before the pools close.
    cleanups.push(['let in-flight requests finish', () => sleep(1000)]);
    console.log(`Stepwise on ${stepwise.url}, baseline on ${baseline.url}; creating ${options.readIds} rows on each for the reads…`);

    const plans = await planLoads({ stepwiseUrl: stepwise.url, stepwiseKey: stepwise.key, baselineUrl: baseline.url }, options.readIds);
    const load = (target: Target, scenario: Scenario, durationSeconds: number) =>
      runLoad({ ...plans[target][scenario], connections: options.connections, durationSeconds });

    if (options.warmupSeconds > 0) {
      for (const scenario of SCENARIOS) {
        for (const target of ['stepwise', 'baseline'] as const) {
          const figures = await load(target, scenario, options.warmupSeconds);
          console.log(`warm-up  ${SCENARIO_LABELS[scenario].padEnd(15)} ${target.padEnd(8)} ${fmt(figures.requestsPerSecond).padStart(7)} req/s`);
        }
      }
    }

    const results: Record<Scenario, Record<Target, RoundResult[]>> = {
      create: { stepwise: [], baseline: [] },
      read: { stepwise: [], baseline: [] },
    };
    for (let round = 1; round <= options.rounds; round += 1) {
      // Swap who goes first each round, so neither always runs on a fresher table or a cooler machine.
      const order: Target[] = round % 2 === 1 ? ['stepwise', 'baseline'] : ['baseline', 'stepwise'];
      for (const scenario of SCENARIOS) {
        for (const target of order) {
          await sleep(500);
          const snapshotBefore = await cpuSnapshot(dbName);
          const cpuBefore = process.cpuUsage();
          const figures = await load(target, scenario, options.durationSeconds);
          const cpu = process.cpuUsage(cpuBefore);
          const snapshotAfter = await cpuSnapshot(dbName);
          const others = othersPercent(snapshotBefore, snapshotAfter);
          const completed = Math.max(1, figures.completed);
          const serverCpuMsPerRequest = (cpu.user + cpu.system) / 1000 / completed;
          const databaseMs = databaseCpuMs(snapshotBefore, snapshotAfter);
          const databaseCpuMsPerRequest = databaseMs === null ? null : databaseMs / completed;
          results[scenario][target].push({ ...figures, round, serverCpuMsPerRequest, databaseCpuMsPerRequest, othersPercent: others });
          const disturbed = others !== null && others > BUSY_WARNING_PERCENT ? `  (disturbed: other processes used ${others}% of the machine)` : '';
          const flagged = problems(figures) > 0 ? `  !! ${describeProblems(figures)}` : disturbed;
          console.log(
            `round ${round}/${options.rounds}  ${SCENARIO_LABELS[scenario].padEnd(15)} ${target.padEnd(8)} ` +
              `${fmt(figures.requestsPerSecond).padStart(7)} req/s  p50 ${fmt(figures.latencyP50Ms).padStart(4)} ms  p99 ${fmt(figures.latencyP99Ms).padStart(5)} ms  ` +
              `server CPU ${fmt(serverCpuMsPerRequest, 2)} ms/req` +
              `${databaseCpuMsPerRequest === null ? '' : `  database CPU ${fmt(databaseCpuMsPerRequest, 2)} ms/req`}${flagged}`,
          );
          if (problems(figures) > 0) console.log(`  probe: ${await probe(plans[target][scenario])}`);
        }
      }
    }

    const summaries: ScenarioSummary[] = SCENARIOS.map((scenario) => {
      const stepwiseSummary = medianRound(results[scenario].stepwise);
      const baselineSummary = medianRound(results[scenario].baseline);
      const ratio = stepwiseSummary.requestsPerSecond / baselineSummary.requestsPerSecond;
      const valid = [...stepwiseSummary.rounds, ...baselineSummary.rounds].every((r) => problems(r) === 0);
      return { scenario, stepwise: stepwiseSummary, baseline: baselineSummary, ratio, goal: GOALS[scenario], pass: valid && ratio >= GOALS[scenario], valid };
    });

    console.log('');
    console.log(`Median of ${options.rounds} round(s), ${options.connections} connections × ${options.durationSeconds} s, loopback:`);
    printTable(summaries);
    // CPU per request moves much less than requests/s when something else shares the machine.
    console.log(
      `Server CPU per request (median rounds): ${summaries
        .map((s) => `${SCENARIO_LABELS[s.scenario]} ${fmt(s.stepwise.serverCpuMsPerRequest, 2)} ms vs ${fmt(s.baseline.serverCpuMsPerRequest, 2)} ms`)
        .join('; ')}.`,
    );
    printDatabaseCeiling(summaries, machine.cores);
    console.log(
      `Machine: ${machine.cores} cores, ${machine.cpu}; Node ${machine.node}; Postgres ${machine.postgres}. ` +
        'Servers, load generator and Postgres share these cores.',
    );
    const disturbedRounds = summaries
      .flatMap((s) => [...s.stepwise.rounds, ...s.baseline.rounds])
      .filter((r) => r.othersPercent !== null && r.othersPercent > BUSY_WARNING_PERCENT).length;
    if (disturbedRounds > 0) {
      console.log(`Warning: in ${disturbedRounds} load(s) other processes used over ${BUSY_WARNING_PERCENT}% of the machine; rerun on a quiet machine for firm figures.`);
    }
    const invalid = summaries.filter((s) => !s.valid);
    if (invalid.length > 0) {
      console.log(`Not valid: ${invalid.map((s) => SCENARIO_LABELS[s.scenario]).join(', ')} saw errors or non-2xx answers (see the rounds above).`);
      exitCode = 1;
    }
    const round1 = (value: number) => Math.round(value * 10) / 10;
    const figuresOf = (t: TargetSummary) => ({
      requestsPerSecond: round1(t.requestsPerSecond),
      latencyP99Ms: t.latencyP99Ms,
      serverCpuMsPerRequest: Math.round(t.serverCpuMsPerRequest * 100) / 100,
      databaseCpuMsPerRequest: t.databaseCpuMsPerRequest === null ? null : Math.round(t.databaseCpuMsPerRequest * 100) / 100,
      medianRound: t.medianRound,
      roundsRequestsPerSecond: t.rounds.map((r) => round1(r.requestsPerSecond)),
      roundsOthersPercent: t.rounds.map((r) => r.othersPercent),
    });
    console.log(
      JSON.stringify({
        bench: 'api',
        at: new Date().toISOString(),
        machine,
        options: { ...options, database: dbName },
        scenarios: summaries.map((s) => ({
          scenario: s.scenario,
          stepwise: figuresOf(s.stepwise),
          baseline: figuresOf(s.baseline),
          ratio: Math.round(s.ratio * 1000) / 1000,
          goal: s.goal,
          pass: s.pass,
          valid: s.valid,
        })),
      }),
    );
  } finally {
    if (!(await runCleanups(cleanups))) exitCode = 1;
    clearTimeout(watchdog);
  }
  return exitCode;
}

runBench(main);
