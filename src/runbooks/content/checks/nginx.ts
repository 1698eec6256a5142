import type { GatewayCheck } from '../runbook-types.js';
import type { RunbookFlow } from '../step-keys.js';
import { lines, type StepChecks } from './types.js';

function nginx(title: string, command: string, lookFor: string): GatewayCheck {
  return { gateway: 'nginx', title, command, lookFor };
}

const ERROR_LOG_502 = nginx(
  'Error log: why nginx answered 502',
  String.raw`tail -n 2000 /var/log/nginx/error.log | grep -E 'upstream|resolver|no live upstreams' | tail -n 50`,
  [
    'nginx answers 502 for every upstream failure except a timeout (504) and statuses the upstream itself returned. The message says which failure:',
    '- `connect() failed (111: Connection refused) while connecting to upstream`: nothing listens on the upstream address (process down, wrong port).',
    '- `no live upstreams while connecting to upstream`: every server of the `upstream` block is marked failed (after `max_fails`, default 1, within `fail_timeout`, default 10 s); the earlier lines show the original failures.',
    '- `upstream prematurely closed connection while reading response header from upstream`: the upstream closed the connection before answering (crash, worker killed for hanging, or an idle keep-alive connection it had already closed).',
    '- `recv() failed (104: Connection reset by peer)`: the upstream reset the connection.',
    '- `upstream sent too big header while reading response header from upstream`: the response headers exceed `proxy_buffer_size`.',
    '- `SSL_do_handshake() failed ... while SSL handshaking to upstream`: TLS between nginx and the upstream.',
    '- `no resolver defined to resolve ...`: `proxy_pass` uses a variable but no `resolver` is configured.',
    'The `upstream:` field of each line names the server that failed.',
  ].join('\n'),
);

const ERROR_LOG_503 = nginx(
  'Error log: rate limiting or an upstream 503',
  String.raw`tail -n 2000 /var/log/nginx/error.log | grep -E 'limiting (requests|connections)|upstream|no live upstreams' | tail -n 50`,
  [
    '- `limiting requests, excess: ... by zone "..."` or `limiting connections by zone "..."`: nginx\'s own `limit_req` / `limit_conn` rejected the request; their default status is 503 (`limit_req_status`, `limit_conn_status`).',
    '- No such line and `$upstream_status` 503 in the access log: the upstream answered 503 and nginx passed it through; continue with the upstream.',
    '- Nothing in either log: a `return 503` (maintenance location, flag file) served it; check the config in step 3.',
    'nginx itself answers 502, not 503, when no upstream server is usable (`no live upstreams`).',
  ].join('\n'),
);

const ERROR_LOG_504 = nginx(
  'Error log: which timeout fired',
  String.raw`tail -n 2000 /var/log/nginx/error.log | grep -E 'timed out' | tail -n 50`,
  [
    '- `upstream timed out (110: Connection timed out) while reading response header from upstream`: `proxy_read_timeout` (default 60 s) expired waiting for the response; the upstream is slow or stuck.',
    '- `... while connecting to upstream`: `proxy_connect_timeout` expired; the upstream does not accept connections (packets dropped, backlog full).',
    '- `... while sending request to upstream`: `proxy_send_timeout` expired sending the request body.',
    'musl-based images (Alpine) print `Operation timed out` instead of `Connection timed out`. The `upstream:` field names the server; FastCGI/uWSGI/gRPC upstreams use `fastcgi_*`, `uwsgi_*`, `grpc_*` timeouts instead of `proxy_*`.',
  ].join('\n'),
);

const ACCESS_LOG = nginx(
  'Access log: failing requests and upstream timings',
  String.raw`awk '$9 ~ /^50[234]$/' /var/log/nginx/access.log | tail -n 50`,
  [
    'With the default `combined` format the 9th field is the status. Add `$upstream_addr $upstream_status $upstream_connect_time $upstream_header_time $upstream_response_time $request_time` to `log_format` if they are missing.',
    'Several comma-separated values in `$upstream_addr` mean nginx tried several servers (`proxy_next_upstream`). `$upstream_status` shows what the upstream answered; no upstream status means nginx generated the error.',
    'A `$request_time` close to 60 s points at a default timeout (`proxy_read_timeout`).',
  ].join('\n'),
);

const UPSTREAM_SERVERS = nginx(
  'Upstream servers nginx sends to',
  String.raw`nginx -T 2>/dev/null | grep -nE '^\s*(upstream\s|proxy_pass\s|server\s+[^{]*;)'`,
  [
    'Lists `upstream` blocks, their `server` entries and every `proxy_pass` target; probe each address directly from this host with the `any` check.',
    'nginx open source has no active health checks: a server is skipped for `fail_timeout` (default 10 s) after `max_fails` (default 1) failures, and `server ... down;` removes it permanently.',
    'A literal host name in `proxy_pass` or `server` was resolved when nginx started or last reloaded: if the upstream\'s IP changed since, nginx still sends to the old one.',
  ].join('\n'),
);

const CONFIG_502 = nginx(
  'Timeouts, keep-alive, retries, buffers, DNS',
  String.raw`nginx -T 2>/dev/null | grep -nE 'proxy_(connect|read|send)_timeout|keepalive|proxy_next_upstream|proxy_http_version|proxy_set_header\s+Connection|proxy_buffer|resolver|proxy_pass'`,
  [
    '- Defaults when absent: `proxy_connect_timeout` 60 s, `proxy_read_timeout` 60 s, `proxy_send_timeout` 60 s. Read/send timeouts apply between two successive reads or writes, not to the whole response.',
    '- Upstream keep-alive needs all three: `keepalive N;` in the `upstream` block, `proxy_http_version 1.1;` and `proxy_set_header Connection "";`. nginx keeps idle upstream connections for `keepalive_timeout` inside the `upstream` block (60 s by default): the upstream\'s own keep-alive timeout must be longer, or nginx reuses connections the upstream is closing (`upstream prematurely closed`, resets).',
    '- `proxy_next_upstream` (default `error timeout`) retries on another server; non-idempotent requests (POST, PATCH, LOCK) are not retried unless `non_idempotent` is set.',
    '- `upstream sent too big header`: raise `proxy_buffer_size` (one memory page, 4k or 8k, by default).',
    '- Host names in `proxy_pass` are resolved once at start/reload; dynamic re-resolution needs a `resolver ... valid=` with a variable in `proxy_pass`, or `server ... resolve` in an upstream with a `zone`.',
    '- `proxy_pass https://...` to a TLS upstream: check `proxy_ssl_server_name on;` (SNI) and `proxy_ssl_verify` settings.',
  ].join('\n'),
);

const CONFIG_503 = nginx(
  'Rate limits, maintenance switches, servers marked down',
  String.raw`nginx -T 2>/dev/null | grep -nE 'limit_req|limit_conn|return\s+503|error_page\s+[0-9 ]*503|maintenance|\sdown;|\sbackup|max_conns'`,
  [
    '- `limit_req zone=... burst=...`: requests beyond the rate and the burst are rejected, with 503 unless `limit_req_status` says otherwise; `limit_conn` likewise per key. Compare the zone rate with current traffic (a new client, a retry storm, or many users behind one NAT address sharing a per-IP limit).',
    '- `return 503` or an `if` on a maintenance flag file: maintenance mode, possibly left on after planned work.',
    '- `server ... down;` or only `backup` servers left: the pool was emptied by a config change.',
    '- `max_conns=` on servers caps concurrent connections per server.',
  ].join('\n'),
);

const CONFIG_504 = nginx(
  'Timeouts along the request',
  String.raw`nginx -T 2>/dev/null | grep -nE '(proxy|fastcgi|uwsgi|grpc)_(connect|read|send)_timeout|proxy_next_upstream|keepalive_timeout|proxy_buffering'`,
  [
    '- `proxy_read_timeout` (default 60 s) is the usual 504: it counts between two reads, so an upstream that streams bytes keeps the request alive, and one that computes for 61 s without writing does not.',
    '- Raise a timeout only for the location that legitimately needs it, and keep the chain decreasing: client > CDN > load balancer > nginx > the upstream\'s own database/API timeouts.',
    '- `proxy_next_upstream` includes `timeout` by default: a request that timed out is retried on the next server, multiplying the wait; `proxy_next_upstream_timeout` and `_tries` bound it.',
    '- `proxy_connect_timeout` (default 60 s, usually cannot exceed 75 s): a connect timeout means the upstream is unreachable or its listen backlog is full.',
  ].join('\n'),
);

const PROBE_ROUTE = nginx(
  'Temporary route to the probe upstream',
  lines(
    '# add inside the server block that serves the failing host, then reload:',
    '#   location = /__stepwise_probe { proxy_pass http://<probe-host>:18080; }',
    'nginx -t && nginx -s reload',
    'curl -sv -o /dev/null {{scheme}}://{{host}}/__stepwise_probe',
  ),
  [
    '200 with body `stepwise-probe-ok`: the listener, TLS and proxying of this nginx work; the fault is in the original upstream.',
    '502/504 from nginx: nginx or its network path fails even with a trivial upstream (firewall, routing, resources on the nginx host). Remove the location and reload afterwards.',
  ].join('\n'),
);

const RELOAD = nginx(
  'Graceful reload',
  'nginx -t && nginx -s reload',
  [
    '`nginx -t` must print `test is successful` before anything is reloaded. The reload starts new workers with the current config and re-resolves host names read at start; old workers finish their in-flight requests.',
    'If the errors stop right after a reload that changed no config, suspect stale DNS (an upstream IP changed) or stale pooled connections. Use `systemctl restart nginx` only if a reload does not help: it drops in-flight requests.',
  ].join('\n'),
);

const MAINTENANCE_OFF = nginx(
  'Maintenance switch off',
  String.raw`nginx -T 2>/dev/null | grep -nE 'maintenance|return\s+503'`,
  'If a maintenance flag or `return 503` is still active after the planned work, remove it and reload (`nginx -t && nginx -s reload`); the 503s should stop immediately.',
);

const ERRORS_PER_MINUTE = nginx(
  '5xx per minute from the access log',
  String.raw`awk '$9 ~ /^5/ {split($4, t, ":"); print t[2] ":" t[3]}' /var/log/nginx/access.log | uniq -c | tail -n 30`,
  'One line per minute (`combined` format) with the count of 5xx responses. It should fall to the pre-incident baseline and stay there for at least one or two alert windows.',
);

const ERROR_LOG_TAIL = nginx(
  'Follow the error log',
  String.raw`tail -F /var/log/nginx/error.log | grep --line-buffered -E 'upstream|resolver|limiting'`,
  'No new upstream errors while traffic flows means the fix holds; new lines show which failure came back.',
);

export function nginxChecks(flow: RunbookFlow): StepChecks {
  const errorLog = flow === 'http-503' ? ERROR_LOG_503 : flow === 'http-504' ? ERROR_LOG_504 : ERROR_LOG_502;
  const config = flow === 'http-503' ? CONFIG_503 : flow === 'http-504' ? CONFIG_504 : CONFIG_502;
  return {
    confirm: [errorLog, ACCESS_LOG],
    'upstream-health': [UPSTREAM_SERVERS],
    'gateway-config': flow === 'http-503' ? [config, CONFIG_502] : [config],
    isolate: [PROBE_ROUTE],
    'restart-flush': flow === 'http-503' ? [RELOAD, MAINTENANCE_OFF] : [RELOAD],
    'verify-monitor': [ERRORS_PER_MINUTE, ERROR_LOG_TAIL],
  };
}
