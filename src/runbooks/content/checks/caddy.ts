import type { GatewayCheck } from '../runbook-types.js';
import type { RunbookFlow } from '../step-keys.js';
import { lines, type StepChecks } from './types.js';

function caddy(title: string, command: string, lookFor: string): GatewayCheck {
  return { gateway: 'caddy', title, command, lookFor };
}

const ADMIN_NOTE = 'The admin API listens on `localhost:2019` unless the `admin` option moves or disables it.';

const ERROR_LOG = caddy(
  'Caddy log: proxy errors',
  String.raw`journalctl -u caddy --since '30 min ago' | grep -E 'reverse_proxy|"status":50[234]|no upstreams available' | tail -n 50`,
  [
    'Caddy answers 502 for a failed round trip to the upstream, 504 when the failure is a timeout, and 503 `no upstreams available` when no upstream can be selected (all marked unhealthy by health checks, or at `max_requests`).',
    '- `dial tcp 127.0.0.1:4040: connect: connection refused`: nothing listens on the upstream address (down, wrong port, or `localhost` inside a container meaning the Caddy container itself).',
    '- `i/o timeout`, `context deadline exceeded`, `timeout awaiting response headers`: a dial or response timeout (504).',
    '- `EOF`, `connection reset by peer`: the upstream closed the connection (crash, keep-alive race).',
    '- `aborting with incomplete response`: the upstream broke off after the headers were sent; the client sees a truncated response, not a 5xx.',
    'Errors are logged by the default logger; per-request `status` appears when a `log` directive enables access logs.',
  ].join('\n'),
);

const UPSTREAMS = caddy(
  'Upstream status from the admin API',
  'curl -s localhost:2019/reverse_proxy/upstreams',
  [
    'One entry per upstream address with `num_requests` (in flight) and `fails` (recent failures counted by passive health checks). `fails` above zero with `fail_duration` set means the upstream is being skipped; all upstreams skipped gives 503.',
    ADMIN_NOTE,
  ].join('\n'),
);

const TRANSPORT_CONFIG = caddy(
  'reverse_proxy transport, health checks, retries',
  lines(
    String.raw`grep -nE 'reverse_proxy|transport|dial_timeout|response_header_timeout|read_timeout|write_timeout|keepalive|lb_try_duration|lb_retries|fail_duration|max_fails|unhealthy_status|health_uri|health_interval|tls' /etc/caddy/Caddyfile`,
    'curl -s localhost:2019/config/ | jq ".. | .transport? // empty"',
  ),
  [
    '- `dial_timeout` bounds connecting; `response_header_timeout` (none by default) and `read_timeout`/`write_timeout` bound waiting on the upstream. With no response timeout Caddy waits as long as the client does, so a 504 comes from a timeout someone set.',
    '- `keepalive` is how long idle upstream connections are kept: the upstream\'s own keep-alive timeout must be longer.',
    '- Passive health checks (`fail_duration`, `max_fails`, `unhealthy_status`) and active ones (`health_uri`, `health_interval`) decide which upstreams are skipped; `lb_try_duration` / `lb_retries` (off by default) let Caddy try another upstream when one is down.',
    '- `https://` upstreams (or `transport http { tls }`): certificate and SNI (`tls_server_name`) must match the upstream.',
    ADMIN_NOTE,
  ].join('\n'),
);

const PROBE_ROUTE = caddy(
  'Temporary route to the probe upstream',
  lines(
    '# add inside the site block for the failing host, before other handlers:',
    '#   handle /__stepwise_probe {',
    '#       reverse_proxy <probe-host>:18080',
    '#   }',
    'caddy validate --config /etc/caddy/Caddyfile && caddy reload --config /etc/caddy/Caddyfile',
    'curl -sv -o /dev/null {{scheme}}://{{host}}/__stepwise_probe',
  ),
  '200 `stepwise-probe-ok`: Caddy, its TLS and proxying work; the original upstream is at fault. A 5xx: Caddy or its network path to the upstream host is at fault. Remove the handle block and reload afterwards.',
);

const RELOAD = caddy(
  'Validate and reload (or restart)',
  lines('caddy validate --config /etc/caddy/Caddyfile && caddy reload --config /etc/caddy/Caddyfile', 'systemctl restart caddy'),
  '`caddy reload` applies the config without downtime and rolls back by itself if the new config fails to load. Restart (second line) only if a reload does not clear the errors; it resets health state and connection pools.',
);

const VERIFY = caddy(
  'Proxy errors since the fix',
  String.raw`journalctl -u caddy --since '10 min ago' | grep -cE 'reverse_proxy|no upstreams available'`,
  'Repeat every few minutes: the count of proxy errors should stay at zero (or the pre-incident level). `curl -s localhost:2019/reverse_proxy/upstreams` should show `fails` back at 0.',
);

export function caddyChecks(_flow: RunbookFlow): StepChecks {
  return {
    confirm: [ERROR_LOG],
    'upstream-health': [UPSTREAMS],
    'gateway-config': [TRANSPORT_CONFIG],
    isolate: [PROBE_ROUTE],
    'restart-flush': [RELOAD],
    'verify-monitor': [VERIFY],
  };
}
