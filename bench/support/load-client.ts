/**
 * Runs one autocannon load in a child process (see load.ts). The servers under test share the bench
 * process's event loop, so the load generator must not: it would steal the very time it measures.
 * (Not a worker thread: off the main thread autocannon answers raw histograms instead of its result.)
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  method: 'GET' | 'POST';
  /** Used when `paths` is empty. */
  path: string;
  /** Rotated round-robin over all connections (reads spread over many rows). */
  paths: string[];
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
}

export interface LoadFigures {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  completed: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
}

export type LoadReport = { ok: true; figures: LoadFigures } | { ok: false; error: string };

async function runLoad(spec: LoadSpec): Promise<LoadFigures> {
  const { paths } = spec;
  let next = 0;
  const request: autocannon.Request = {
    method: spec.method,
    path: paths.length > 0 ? paths[0] : spec.path,
    headers: spec.headers,
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    ...(paths.length > 1
      ? {
          setupRequest: (req: autocannon.Request) => {
            req.path = paths[next];
            next = (next + 1) % paths.length;
            return req;
          },
        }
      : {}),
  };
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    requests: [request],
    timeout: 10,
  });
  const statusCounts: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) statusCounts[status] = stats.count ?? 0;
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    completed: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
  };
}

const send = process.send?.bind(process);
if (send) {
  process.once('message', (spec: LoadSpec) => {
    const report = (message: LoadReport) => send(message, () => process.disconnect());
    runLoad(spec).then(
      (figures) => report({ ok: true, figures }),
      (error: unknown) => report({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
