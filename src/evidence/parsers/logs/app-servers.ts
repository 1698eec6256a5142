import { hit, normalizeUpstream, type FamilyResult, type Hit } from './hit.js';
import { classifyNodeError } from './network-errors.js';
import { parseClf, parseIso } from './timestamps.js';

/**
 * The upstream side: app servers behind the gateway (gunicorn, uWSGI, Node) and a few small
 * producers (nghttpx, SELinux audit). Their lines often explain a gateway's 502 from the other
 * end: a worker killed for hanging shows up at nginx as "upstream prematurely closed".
 */

const GUNICORN_HEAD_RE = /\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4})\] \[\d+\] \[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\]/;

export function parseGunicorn(text: string): FamilyResult | null {
  const head = GUNICORN_HEAD_RE.exec(text);
  const timeout = /WORKER TIMEOUT/.exec(text);
  const signal = /Worker (?:with pid|\(pid:?)\s*(\d+)\)? was (?:terminated due to signal|sent(?: code)?) (\w+)/i.exec(text);
  if (!head && !timeout && !signal) return null;
  const hits: Hit[] = [];
  if (timeout) {
    // The arbiter killed a worker that exceeded --timeout; its request dies with it.
    hits.push(hit('UPSTREAM_TIMEOUT', 'gunicorn.worker_timeout', 9, { at: timeout.index }));
  } else if (signal) {
    // "was sent code 137": an exit status of 128 + the signal's number.
    const raw = signal[2]!.toUpperCase();
    const sig = /^\d+$/.test(raw) && Number(raw) > 128 ? String(Number(raw) - 128) : raw;
    if (sig === '9' || sig === 'SIGKILL') {
      // SIGKILL from outside the arbiter: almost always the kernel's OOM killer.
      hits.push(hit('CAPACITY', 'gunicorn.worker_killed_sigkill', 7, { at: signal.index, detail: { signal: sig } }));
      hits.push(hit('UPSTREAM_TIMEOUT', 'gunicorn.worker_killed_after_timeout', 2, { at: signal.index, detail: { signal: sig } }));
    } else if (sig === '6' || sig === 'SIGABRT') {
      // gunicorn ≥ 20.1 aborts timed-out workers with SIGABRT and logs this follow-up line.
      hits.push(hit('UPSTREAM_TIMEOUT', 'gunicorn.worker_aborted_on_timeout', 7, { at: signal.index, detail: { signal: sig } }));
    }
  } else if (/Perhaps out of memory/i.test(text)) {
    hits.push(hit('CAPACITY', 'gunicorn.worker_out_of_memory', 9, { at: text.search(/out of memory/i) }));
  } else if (/Worker failed to boot|App failed to load|Exception in worker process/i.test(text)) {
    hits.push(hit('UPSTREAM_DOWN', 'gunicorn.worker_failed_to_boot', 8, { at: text.search(/failed|Exception/i) }));
  } else if (/Connection in use|Address already in use/i.test(text)) {
    hits.push(hit('UPSTREAM_DOWN', 'gunicorn.cannot_bind', 6, { at: text.search(/in use/i) }));
  }
  return { format: 'gunicorn', hits, observedMs: head ? parseIso(head[1]!) : null };
}

const UWSGI_GATE_RE = /uwsgi|HARAKIRI|SIGPIPE: writing to a closed pipe|\[pid: \d+\|app: |listen queue of socket|DAMN ! worker|invalid request block size|Broken pipe \[(?:core|proto)\//i;
const UWSGI_REQ_RE = /^\[pid: \d+\|app: [-\d]+\|req: [-\d]+\/\d+\] .*? \[([^\]]+)\] \S+ .*?=> generated \d+ bytes in \d+ (?:msecs|micros) \(HTTP\/[\d.]+ (\d{3})\)/;

export function parseUwsgi(text: string): FamilyResult | null {
  if (!UWSGI_GATE_RE.test(text)) return null;
  const req = UWSGI_REQ_RE.exec(text);
  if (req) {
    // The app's own view of a request: its status is not the gateway's, so no cause here.
    return { format: 'uwsgi', hits: [], observedMs: parseLooseDate(req[1]!), status: Number(req[2]) };
  }
  const hits: Hit[] = [];
  const at = (re: RegExp): number => Math.max(0, text.search(re));
  if (/HARAKIRI/i.test(text)) {
    hits.push(hit('UPSTREAM_TIMEOUT', 'uwsgi.harakiri', 9, { at: at(/HARAKIRI/i) }));
  } else if (/listen queue of socket .* full/i.test(text)) {
    hits.push(hit('CAPACITY', 'uwsgi.listen_queue_full', 10, { at: at(/listen queue/i) }));
  } else if (/invalid request block size/i.test(text)) {
    // Request headers larger than uWSGI's buffer-size: nginx gets a closed socket and a 502.
    hits.push(hit('GATEWAY_CONFIG', 'uwsgi.buffer_size_too_small', 9, { at: at(/invalid request block size/i) }));
  } else if (/DAMN ! worker \d+ \(pid: \d+\) died, killed by signal 9/i.test(text)) {
    hits.push(hit('CAPACITY', 'uwsgi.worker_oom_killed', 7, { at: at(/DAMN/) }));
  } else if (/Segmentation fault|DAMN ! worker .* died/i.test(text)) {
    hits.push(hit('UPSTREAM_RESET', 'uwsgi.worker_crashed', 6, { at: at(/Segmentation|DAMN/i) }));
  } else if (/SIGPIPE: writing to a closed pipe|Broken pipe|IOError: write error/i.test(text)) {
    // uWSGI finished a response after the peer (nginx) had already given up on it: the worker
    // was too slow for the proxy's read timeout, typically because workers were saturated.
    const where = at(/SIGPIPE|Broken pipe|IOError/i);
    hits.push(hit('UPSTREAM_TIMEOUT', 'uwsgi.response_after_proxy_gave_up', 3, { at: where }));
    hits.push(hit('CAPACITY', 'uwsgi.workers_saturated', 2.5, { at: where }));
  } else if (/no app loaded|unable to load app|ImportError/i.test(text)) {
    hits.push(hit('UPSTREAM_DOWN', 'uwsgi.app_not_loaded', 7, { at: at(/no app|unable to load|ImportError/i) }));
  }
  return { format: 'uwsgi', hits, observedMs: parseLooseDate(text) };
}

/** uWSGI prints ctime-style dates (`Tue Oct  4 10:34:15 2016`). */
function parseLooseDate(text: string): number | null {
  const m = /([A-Z][a-z]{2}) ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})/.exec(text);
  if (!m) return null;
  return parseIso(`${m[7]}-${monthNumber(m[2]!)}-${m[3]!.padStart(2, '0')}T${m[4]}:${m[5]}:${m[6]}Z`);
}

function monthNumber(name: string): string {
  const idx = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(name);
  return String(idx + 1).padStart(2, '0');
}

const NODE_GATE_RE =
  /\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EMFILE|ENFILE|EADDRINUSE|EADDRNOTAVAIL|EPIPE)\b|heap out of memory|Reached heap limit|socket hang up|\bHPE_[A-Z_]+\b|\bParse Error: |\bERR_TLS_|CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE/;

export function parseNode(text: string): FamilyResult | null {
  if (!NODE_GATE_RE.test(text)) return null;
  return { format: 'node', hits: classifyNodeError(text) };
}

export function parseNghttpx(text: string): FamilyResult | null {
  const m = /PID\d+ \[(?:INFO|NOTICE|WARN|ERROR|FATAL)\] shrpx_/.exec(text);
  if (!m) return null;
  const hits: Hit[] = [];
  const connect = /Backend connect failed;?\s*(?:addr=(\S+))?/i.exec(text);
  if (connect) hits.push(hit('UPSTREAM_DOWN', 'nghttpx.backend_connect_failed', 8, { at: connect.index, upstream: normalizeUpstream(connect[1]) }));
  else if (/backend .*timeout|timeout .*backend/i.test(text)) hits.push(hit('UPSTREAM_TIMEOUT', 'nghttpx.backend_timeout', 7, { at: text.search(/timeout/i) }));
  else if (/TLS handshake|SSL_do_handshake|certificate verif/i.test(text) && /backend/i.test(text)) {
    hits.push(hit('TLS', 'nghttpx.backend_tls_failed', 8, { at: text.search(/TLS|SSL|certificate/i) }));
  }
  return { format: 'nghttpx', hits, observedMs: parseClf(text) };
}

export function parseSelinuxAudit(text: string): FamilyResult | null {
  const m = /type=AVC msg=audit\((\d+)(?:\.\d+)?:\d+\): avc:\s+denied\s+\{([^}]*)\}/.exec(text);
  if (!m) return null;
  const hits: Hit[] = [];
  const perms = m[2]!.trim();
  if (/name_connect|connectto|name_bind/.test(perms)) {
    // The host's policy forbids the proxy's outbound connection (httpd_can_network_connect).
    const comm = /comm="([^"]+)"/.exec(text)?.[1];
    const dest = /dest=(\d+)/.exec(text)?.[1];
    hits.push(
      hit('GATEWAY_CONFIG', 'selinux.connect_denied', 9, {
        at: m.index,
        upstream: dest ? `port ${dest}` : null,
        detail: { permission: perms, ...(comm ? { process: comm } : {}), ...(dest ? { port: Number(dest) } : {}) },
      }),
    );
  }
  return { format: 'selinux-audit', hits, observedMs: Number(m[1]) * 1000 };
}
