import type { GatewayCheck } from '../runbook-types.js';
import type { RunbookFlow } from '../step-keys.js';
import { lines, type StepChecks } from './types.js';

function haproxy(title: string, command: string, lookFor: string): GatewayCheck {
  return { gateway: 'haproxy', title, command, lookFor };
}

const SOCKET_NOTE = 'The stats socket path is the one in `stats socket` of the global section (often `/run/haproxy/admin.sock`).';

const TERMINATION_STATES = haproxy(
  'Termination states of the failing requests',
  String.raw`grep -E ' (SC|sC|SH|sH|SD|sD|PH|PD|sQ|PC|RC)[-A-Za-z]{2} ' /var/log/haproxy.log | tail -n 50`,
  [
    'The 4-character termination state tells who ended the session and when (first two characters):',
    '- `SC`: the server refused the connection (RST, ICMP unreachable): down or port closed; 502 or 503.',
    '- `sC`: `timeout connect` struck: server unreachable or overloaded; 503 or 504.',
    '- `SH`: the server aborted or crashed before sending complete headers: 502; read the server\'s logs.',
    '- `sH`: `timeout server` struck before the response headers: 504, "the most common anomaly", usually server or database saturation.',
    '- `SD` / `sD`: the connection died or went idle while data was flowing (crash, network, keep-alive expiring first).',
    '- `PH` / `PD`: HAProxy blocked an invalid or dangerous response (bad header names, bad chunking): always 502.',
    '- `sQ`: the request waited in the queue until `timeout queue`: 503, all servers at `maxconn`.',
    '- `PC` / `RC`: HAProxy ran out of sockets, ports or memory: capacity on the proxy itself.',
    'Timers `TR/Tw/Tc/Tr/Ta`: `Tc` -1 = never connected, `Tr` -1 = no response headers; `Ta` equal to a timeout value shows which one fired. `<NOSRV>` = no server was available at all. `CD`/`cD`/`CH` are client-side aborts, not upstream faults.',
  ].join('\n'),
);

const SHOW_STAT = haproxy(
  'Server status from the stats socket',
  String.raw`echo "show stat" | socat stdio /run/haproxy/admin.sock | cut -d, -f1,2,18,19,37`,
  [
    'Columns: proxy, server, status, weight, check status. `DOWN` with `L4CON` = connection refused, `L4TOUT` = connect timeout, `L7STS` = wrong HTTP status from the health check, `L7TOUT` = health check response timeout. `MAINT` = taken out by an operator; `NOLB`/`DRAIN` = draining.',
    'A `BACKEND` row `DOWN` means no server is left: HAProxy answers 503 "No server is available to handle this request". The log also says `Server x/y is DOWN, reason: ...` and `backend \'x\' has no server available!`.',
    SOCKET_NOTE,
  ].join('\n'),
);

const QUEUES = haproxy(
  'Queues and connection limits',
  String.raw`echo "show stat" | socat stdio /run/haproxy/admin.sock | cut -d, -f1,2,3,4,5,6,7,18`,
  'Columns: proxy, server, queue current/max, sessions current/max/limit, status. Sessions at the limit with a growing queue: servers are saturated or `maxconn` is too low; requests that wait beyond `timeout queue` end as `sQ` 503s.',
);

const CONFIG_502 = haproxy(
  'Timeouts, retries, connection reuse',
  lines(
    'haproxy -c -f /etc/haproxy/haproxy.cfg',
    String.raw`grep -nE '^\s*(timeout|retries|retry-on|option\s+(redispatch|httpchk|http-server-close|http-keep-alive)|http-reuse|maxconn|default-server|server|balance)' /etc/haproxy/haproxy.cfg`,
  ),
  [
    '- Unset timeouts are infinite (HAProxy warns at start). `timeout server` is inactivity on the server side; choose values slightly above a multiple of 3 s to cover TCP retransmits.',
    '- Keep-alive: the servers must keep idle connections open longer than HAProxy reuses them. `http-reuse safe` (the default) sends the first request of a client session on its own connection so that a server closing an idle connection cannot break it; `aggressive`/`always` accept occasional failures (`SH`/`SD`).',
    '- `retries` retries connection attempts; `option redispatch` lets the last retry go to another server. `retry-on` beyond `conn-failure` re-sends requests and is dangerous without replay protection.',
    '- Health checks (`option httpchk`, `check` on servers): a check path that answers non-2xx marks healthy servers `DOWN` (`L7STS`).',
  ].join('\n'),
);

const CONFIG_503 = haproxy(
  'Connection limits, queue timeout, server states',
  lines(
    'haproxy -c -f /etc/haproxy/haproxy.cfg',
    String.raw`grep -nE '^\s*(maxconn|timeout\s+(queue|connect)|fullconn|server|default-server|http-request\s+(deny|return)|option\s+httpchk|http-check)' /etc/haproxy/haproxy.cfg`,
  ),
  [
    '- `maxconn` on a server caps its concurrent connections; extra requests queue until `timeout queue` (defaults to `timeout connect`) and then get 503 (`sQ`). The global `maxconn` caps the whole process (`PC` when reached).',
    '- Servers marked `disabled` in the file, or a health check that no longer matches the application (path, expected status), empty the backend.',
    '- `http-request deny` / `return` rules with status 503 (maintenance, rate limiting) answer without any server.',
  ].join('\n'),
);

const CONFIG_504 = haproxy(
  'Server, connect and queue timeouts',
  lines(
    'haproxy -c -f /etc/haproxy/haproxy.cfg',
    String.raw`grep -nE '^\s*(timeout\s+(server|connect|queue|client|http-request|tunnel)|retries|retry-on|option\s+redispatch)' /etc/haproxy/haproxy.cfg`,
  ),
  [
    '- `timeout server` fires `sH` (504) when the server sends no response headers in time: compare it with the endpoint\'s real latency (p99) and with the timeout of the hop in front.',
    '- `timeout connect` fires `sC`: keep it a few seconds (slightly above 3 s to survive one SYN retransmit).',
    '- `retry-on response-timeout` re-sends timed-out requests: it multiplies the load on a saturated server and is unsafe for non-idempotent requests.',
  ].join('\n'),
);

const PROBE_BACKEND = haproxy(
  'Temporary backend for the probe upstream',
  lines(
    '# add to haproxy.cfg, then check and reload:',
    '#   backend stepwise_probe',
    '#       server probe <probe-host>:18080',
    '#   and in the frontend that serves the host, before other use_backend lines:',
    '#       use_backend stepwise_probe if { path /__stepwise_probe }',
    'haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl reload haproxy',
    'curl -sv -o /dev/null {{scheme}}://{{host}}/__stepwise_probe',
  ),
  '200 `stepwise-probe-ok`: the frontend, TLS and HAProxy itself work; the original servers are at fault. A 5xx: HAProxy or its network path is at fault (look at the termination state of the probe request). Remove the lines and reload afterwards.',
);

const DRAIN_ONE_SERVER = haproxy(
  'Take one suspect server out of rotation',
  lines(
    'echo "set server <backend>/<server> state drain" | socat stdio /run/haproxy/admin.sock',
    'echo "set server <backend>/<server> state ready" | socat stdio /run/haproxy/admin.sock',
  ),
  'Run the second line to put it back. If the errors stop while one server drains, that server is the fault (intermittent errors roughly proportional to its share of traffic are the usual sign). Runtime changes are lost on reload.',
);

const RELOAD = haproxy(
  'Validate and reload',
  'haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl reload haproxy',
  '`Configuration file is valid` must come first. The reload starts a new process; the old one finishes its connections, so in-flight requests are not cut.',
);

const RESTORE_SERVER = haproxy(
  'Bring a restarted server back',
  lines(
    'echo "set server <backend>/<server> state ready" | socat stdio /run/haproxy/admin.sock',
    'echo "show servers state" | socat stdio /run/haproxy/admin.sock',
  ),
  'Restart a server only after draining it (the drain command of step 4), then set it `ready` and wait for its health check to report it `UP` before touching the next one.',
);

const COUNTERS = haproxy(
  'Error and 5xx counters per server',
  String.raw`echo "show stat" | socat stdio /run/haproxy/admin.sock | cut -d, -f1,2,3,14,15,18,44`,
  'Columns: proxy, server, current queue, connection errors, response errors, status, 5xx responses. Counters are cumulative since start: run it twice a few minutes apart; `econ`, `eresp` and `hrsp_5xx` should stop growing and the queue stay at 0.',
);

const LOG_FOLLOW = haproxy(
  'Follow abnormal terminations',
  String.raw`tail -F /var/log/haproxy.log | grep --line-buffered -E ' (SC|sC|SH|sH|SD|sD|PH|sQ|PC|RC)[-A-Za-z]{2} '`,
  'No new lines while traffic flows: the fix holds. A returning state names the failure that came back.',
);

export function haproxyChecks(flow: RunbookFlow): StepChecks {
  const config = flow === 'http-503' ? CONFIG_503 : flow === 'http-504' ? CONFIG_504 : CONFIG_502;
  return {
    confirm: [TERMINATION_STATES],
    'upstream-health': flow === 'http-502' ? [SHOW_STAT] : [SHOW_STAT, QUEUES],
    'gateway-config': [config],
    isolate: [PROBE_BACKEND, DRAIN_ONE_SERVER],
    'restart-flush': [RELOAD, RESTORE_SERVER],
    'verify-monitor': [COUNTERS, LOG_FOLLOW],
  };
}
