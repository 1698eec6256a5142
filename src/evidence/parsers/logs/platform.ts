import { hit, type FamilyResult, type Hit } from './hit.js';
import { classifyGoNetError } from './network-errors.js';
import type { LogFormat } from './types.js';

/**
 * What runs the upstream, as responders paste it beside the gateway's lines: Kubernetes (the
 * ingress controller's endpoint warnings, kubelet events, pod status), the Linux kernel and
 * systemd, PHP-FPM's pool manager, Heroku's router and runtime, and the connection limits of the
 * databases behind an app. Each names a reason the upstream was down, slow or out of capacity.
 */

/** One cheap test before the specific patterns: most lines reaching this family are none of these. */
const GATE_RE =
  /active Endpoint|Error obtaining Endpoints|probe failed|Back-off restarting|CrashLoopBackOff|OOMKill|ImagePullBackOff|ErrImagePull|FailedScheduling|nodes are available|Evicted|low on resource|Out of memory|oom-kill|SYN flooding|nf_conntrack|\.service: |\[pool [^\]]+\]|too many clients|connection slots are reserved|Too many connections|obtain a connection|QueuePool limit|Connection is not available|Rack::Timeout|at=error code=H\d\d|Error R1[045] /i;

type Add = (category: Hit['category'], signal: string, weight: number, at: number, extra?: { upstream?: string | null; detail?: Record<string, unknown> }) => void;

export function parsePlatform(text: string): FamilyResult | null {
  if (!GATE_RE.test(text)) return null;
  const hits: Hit[] = [];
  const add: Add = (category, signal, weight, at, extra) => hits.push(hit(category, signal, weight, { at, ...extra }));
  const format = kubernetes(text, add) ?? system(text, add) ?? phpFpm(text, add) ?? heroku(text, add) ?? dependencies(text, add);
  if (format === null) return null;
  const upstream = hits.find((h) => h.upstream)?.upstream ?? null;
  return { format, hits, upstream };
}

function kubernetes(text: string, add: Add): LogFormat | null {
  const noEndpoints = /Service "([^"]+)" does not have any active Endpoint/.exec(text);
  if (noEndpoints) {
    // ingress-nginx: the Service has no ready pod behind it, so its requests get 503.
    add('UPSTREAM_DOWN', 'k8s.no_active_endpoints', 9, noEndpoints.index, { upstream: noEndpoints[1]! });
    return 'kubernetes';
  }
  const missing = /Error obtaining Endpoints for Service "([^"]+)"/.exec(text);
  if (missing) {
    // The Ingress names a Service that does not exist (a typo, another namespace).
    add('GATEWAY_CONFIG', 'k8s.service_not_found', 7, missing.index, { upstream: missing[1]! });
    return 'kubernetes';
  }
  const probe = /\b(Readiness|Liveness|Startup) probe failed:\s*(.*)$/.exec(text);
  if (probe) {
    const kind = probe[1]!.toLowerCase();
    const at = probe.index;
    const detail = { probe: kind };
    const net = classifyGoNetError(probe[2]!);
    if (net.length > 0) {
      for (const h of net) add(h.category, h.signal, h.weight, at, { upstream: h.upstream ?? null, detail });
    } else if (/statuscode: 404\b/.test(probe[2]!)) {
      // The probe asks for a path the app does not serve: the pod never turns ready.
      add('GATEWAY_CONFIG', `k8s.${kind}_probe_path_not_found`, 5, at, { detail });
      add('UPSTREAM_DOWN', `k8s.${kind}_probe_failed`, 3, at, { detail });
    } else if (/statuscode: (\d{3})/.test(probe[2]!)) {
      // The app answers, but unhealthy: readiness takes it out of the Service, liveness restarts it.
      add('UPSTREAM_DOWN', `k8s.${kind}_probe_failed`, 6, at, { detail });
    } else {
      add('UPSTREAM_DOWN', `k8s.${kind}_probe_failed`, 5, at, { detail });
    }
    return 'kubernetes';
  }
  const oom = /\bOOMKilled\b/.exec(text);
  if (oom) {
    add('CAPACITY', 'k8s.oom_killed', 9, oom.index);
    return 'kubernetes';
  }
  const crash = /Back-off restarting failed container|\bCrashLoopBackOff\b/.exec(text);
  if (crash) {
    add('UPSTREAM_DOWN', 'k8s.crash_loop', 8, crash.index);
    return 'kubernetes';
  }
  const image = /\b(?:ImagePullBackOff|ErrImagePull)\b/.exec(text);
  if (image) {
    // New pods cannot start: a deploy with a wrong image leaves too few (or no) ready pods.
    add('UPSTREAM_DOWN', 'k8s.image_pull_failed', 5, image.index);
    return 'kubernetes';
  }
  const scheduling = /\bFailedScheduling\b.*|\b0\/\d+ nodes are available\b/.exec(text);
  if (scheduling) {
    add('CAPACITY', 'k8s.pods_unschedulable', 7, scheduling.index);
    return 'kubernetes';
  }
  const evicted = /\bEvicted\b.*low on resource|The node was low on resource: (?:memory|ephemeral-storage)/.exec(text);
  if (evicted) {
    add('CAPACITY', 'k8s.pod_evicted', 7, evicted.index);
    return 'kubernetes';
  }
  return null;
}

function system(text: string, add: Add): LogFormat | null {
  const oom = /Out of memory: Kill(?:ed)? process \d+ \(([^)]+)\)|\binvoked oom-killer\b/.exec(text);
  if (oom) {
    add('CAPACITY', 'kernel.oom_kill', 9, oom.index, oom[1] ? { detail: { process: oom[1] } } : undefined);
    return 'system';
  }
  const unitOom = /\.service: Failed with result 'oom-kill'/.exec(text);
  if (unitOom) {
    add('CAPACITY', 'systemd.oom_kill', 9, unitOom.index);
    return 'system';
  }
  const syn = /possible SYN flooding on port (\d+)/i.exec(text);
  if (syn) {
    // The listen queue of that port overflowed: the server accepts more slowly than clients connect.
    add('CAPACITY', 'kernel.listen_queue_overflow', 7, syn.index, { detail: { port: Number(syn[1]) } });
    return 'system';
  }
  const conntrack = /nf_conntrack: table full, dropping packet/.exec(text);
  if (conntrack) {
    add('CAPACITY', 'kernel.conntrack_table_full', 8, conntrack.index);
    add('NETWORK', 'kernel.conntrack_drops', 3, conntrack.index);
    return 'system';
  }
  const exited = /([\w@.-]+)\.service: (?:Main process exited, code=(?:exited|killed|dumped), status=(\S+)|Failed with result '(exit-code|signal|core-dump|timeout|start-limit-hit)'|Start request repeated too quickly)/.exec(text);
  if (exited) {
    const status = exited[2] ?? null;
    if (status !== null && /^(?:9\/KILL|0\/SUCCESS)$/.test(status)) {
      if (status === '9/KILL') add('CAPACITY', 'systemd.service_killed', 5, exited.index, { detail: { unit: exited[1]!, status } });
      return 'system';
    }
    add('UPSTREAM_DOWN', 'systemd.service_failed', 6, exited.index, { detail: { unit: exited[1]!, ...(status ? { status } : {}), ...(exited[3] ? { result: exited[3] } : {}) } });
    return 'system';
  }
  return null;
}

function phpFpm(text: string, add: Add): LogFormat | null {
  if (!/\[pool [^\]]+\]/.test(text)) return null;
  const maxChildren = /server reached (?:pm\.)?max_children setting/.exec(text);
  if (maxChildren) {
    add('CAPACITY', 'php_fpm.max_children_reached', 9, maxChildren.index);
    return 'php-fpm';
  }
  const busy = /seems busy \(you may need to increase pm\.start_servers/.exec(text);
  if (busy) {
    add('CAPACITY', 'php_fpm.pool_busy', 5, busy.index);
    return 'php-fpm';
  }
  const timedOut = /execution timed out \(([\d.]+) sec\)/.exec(text);
  if (timedOut) {
    // request_terminate_timeout killed the request; nginx sees the connection close.
    add('UPSTREAM_TIMEOUT', 'php_fpm.request_terminated', 8, timedOut.index, { detail: { seconds: Number(timedOut[1]) } });
    return 'php-fpm';
  }
  const signal = /exited on signal (\d+) \((SIG[A-Z]+)/.exec(text);
  if (signal) {
    if (signal[2] === 'SIGKILL') add('CAPACITY', 'php_fpm.child_killed', 5, signal.index);
    else if (signal[2] === 'SIGSEGV' || signal[2] === 'SIGBUS' || signal[2] === 'SIGABRT') add('UPSTREAM_RESET', 'php_fpm.child_crashed', 6, signal.index);
    return 'php-fpm';
  }
  return 'php-fpm';
}

/** Heroku router error codes (devcenter "Heroku Error Codes") and the runtime's R codes. */
const HEROKU_CODES: Record<string, [Hit['category'], number] | null> = {
  H10: ['UPSTREAM_DOWN', 9], // App crashed
  H11: ['CAPACITY', 8], // Backlog too deep
  H12: ['UPSTREAM_TIMEOUT', 9], // Request timeout (30 s)
  H13: ['UPSTREAM_RESET', 8], // Connection closed without response
  H14: ['UPSTREAM_DOWN', 9], // No web dynos running
  H15: ['UPSTREAM_TIMEOUT', 4], // Idle connection
  H18: ['UPSTREAM_RESET', 6], // Server request interrupted
  H19: ['UPSTREAM_TIMEOUT', 7], // Backend connection timeout
  H20: ['UPSTREAM_DOWN', 8], // App boot timeout
  H21: ['UPSTREAM_DOWN', 8], // Backend connection refused
  H22: ['CAPACITY', 8], // Connection limit reached
  H23: ['GATEWAY_CONFIG', 7], // Endpoint misconfigured
  H25: ['GATEWAY_CONFIG', 4], // HTTP restriction
  H80: ['GATEWAY_CONFIG', 5], // Maintenance mode
  H81: ['GATEWAY_CONFIG', 5], // Blank app
  H82: ['CAPACITY', 6], // Free dyno quota exhausted
  // Client-side or deliberate: no upstream cause.
  H24: null,
  H26: null,
  H27: null,
  H28: null,
};

function heroku(text: string, add: Add): LogFormat | null {
  const router = /\bat=error code=(H\d\d) desc="([^"]*)"/.exec(text);
  if (router) {
    const mapped = HEROKU_CODES[router[1]!];
    if (mapped) add(mapped[0], `heroku.${router[1]}`, mapped[1], router.index, { detail: { code: router[1], desc: router[2] } });
    return 'heroku-router';
  }
  const runtime = /\bError (R1[045]) \(([^)]*)\)/.exec(text);
  if (runtime) {
    if (runtime[1] === 'R10') add('UPSTREAM_DOWN', 'heroku.R10', 8, runtime.index, { detail: { desc: runtime[2] } });
    else add('CAPACITY', `heroku.${runtime[1]}`, runtime[1] === 'R15' ? 9 : 7, runtime.index, { detail: { desc: runtime[2] } });
    return 'heroku-router';
  }
  return null;
}

/** An app's dependencies refusing it: database connection limits and exhausted client pools. */
function dependencies(text: string, add: Add): LogFormat | null {
  const postgres = /FATAL:\s+(?:sorry, too many clients already|remaining connection slots are reserved)/.exec(text);
  if (postgres) {
    add('CAPACITY', 'postgres.too_many_connections', 8, postgres.index);
    return 'database';
  }
  const mysql = /\bERROR 1040\b|\bToo many connections\b/.exec(text);
  if (mysql) {
    add('CAPACITY', 'mysql.too_many_connections', 7, mysql.index);
    return 'database';
  }
  const pool = /could not obtain a connection from the pool|\bConnectionTimeoutError\b|QueuePool limit of size \d+ overflow \d+ reached|Connection is not available, request timed out/.exec(text);
  if (pool) {
    add('CAPACITY', 'app.db_pool_exhausted', 7, pool.index);
    return 'app-error';
  }
  const rack = /Rack::Timeout::Request(?:Timeout(?:Exception|Error)|ExpiryError)/.exec(text);
  if (rack) {
    add('UPSTREAM_TIMEOUT', 'rack.request_timeout', 7, rack.index);
    return 'app-error';
  }
  return null;
}
