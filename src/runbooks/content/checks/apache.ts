import type { GatewayCheck } from '../runbook-types.js';
import type { RunbookFlow } from '../step-keys.js';
import { lines, type StepChecks } from './types.js';

/** Apache httpd with mod_proxy (mod_proxy_http, mod_proxy_fcgi, mod_proxy_balancer). */
function apache(title: string, command: string, lookFor: string): GatewayCheck {
  return { gateway: 'apache', title, command, lookFor };
}

const PATHS_NOTE = 'Debian/Ubuntu log to `/var/log/apache2/`, RHEL-based systems to `/var/log/httpd/` (`error_log`, `access_log`).';

const ERROR_LOG = apache(
  'Error log: mod_proxy messages',
  String.raw`grep -hE 'proxy(_http|_fcgi)?:error|AH0(0957|0959|1102|0898|1114|1079)|AH02454' /var/log/apache2/error.log /var/log/httpd/error_log 2>/dev/null | tail -n 50`,
  [
    '- `AH00957: HTTP: attempt to connect to 127.0.0.1:8082 (...) failed` with `(111)Connection refused`, then `AH01114: HTTP: failed to make connection to backend`: the backend is not listening. Apache answers **503** and puts the worker in error state (`AH00959: ap_proxy_connect_backend disabling worker`): further requests get 503 at once for `retry` seconds (60 by default), even after the backend is back.',
    '- `AH01102: error reading status line from remote server` with `AH00898: Error reading from remote server`: the backend accepted the request, then closed or reset the connection before answering (crash, killed worker, or a pooled connection it had closed). The client gets a "Proxy Error" page, 502 or 504 depending on the httpd version.',
    '- The same lines with `(70007)The timeout specified has expired`: `ProxyTimeout` (or `Timeout`, 60 s by default) expired: 504.',
    '- FastCGI (PHP-FPM): `AH00957: FCGI: attempt to connect to ...`, `AH02454: ... Unix domain socket ... failed`, `AH01079: failed to make connection to backend`: PHP-FPM is not running or the socket path or version is wrong.',
    PATHS_NOTE,
  ].join('\n'),
);

const BACKENDS = apache(
  'Backends Apache proxies to',
  lines(
    String.raw`grep -rhE '^\s*(ProxyPass|BalancerMember)\s' /etc/apache2 /etc/httpd 2>/dev/null`,
    'curl -s http://localhost/balancer-manager',
  ),
  [
    'Probe each backend URL directly from the Apache host with the `any` check.',
    'With mod_proxy_balancer and a `balancer-manager` location allowed from localhost, the page lists each member\'s status (`Ok`, `Err`, `Dis`) and error counts; members in `Err` recover after their `retry` interval.',
  ].join('\n'),
);

const CONFIG_READING: Record<RunbookFlow, string> = {
  'http-502': [
    '- Apache pools backend connections and reuses them; when the backend closes an idle one first, the next request on it fails (`AH01102`, 502). Keep the backend\'s keep-alive timeout longer than Apache keeps connections, or set `ttl=` on the `ProxyPass`/`BalancerMember` below the backend\'s keep-alive timeout, or `disablereuse=On`. `SetEnv proxy-initial-not-pooled 1` avoids a pooled connection for the first request of each client connection, the case where this race bites.',
    '- `keepalive=On` on a worker only enables TCP keep-alive probes, not HTTP keep-alive.',
    '- `Timeout` is 60 s by default and `ProxyTimeout` defaults to it; `timeout=` and `connectiontimeout=` on a worker override both.',
  ].join('\n'),
  'http-503': [
    '- `retry=` (60 s by default): after a failed connect the worker stays in error state and every request gets 503 until it expires; `retry=0` retries at once.',
    '- Balancer members marked disabled (`status=+D`) or all in error state leave nothing to send to: 503.',
    '- Maintenance rules (`RewriteRule ... - [R=503]`, a maintenance `ErrorDocument 503`) answer without any backend.',
  ].join('\n'),
  'http-504': [
    '- `Timeout` (60 s by default) and `ProxyTimeout` (defaults to `Timeout`) bound the wait for the backend\'s response; `timeout=` on a `ProxyPass`/`BalancerMember` overrides them for that backend, `connectiontimeout=` bounds connecting.',
    '- Raise the timeout only for the backend that legitimately needs it, and keep it below the timeout of the load balancer or CDN in front.',
  ].join('\n'),
};

function configCheck(flow: RunbookFlow): GatewayCheck {
  return apache(
    'Proxy timeouts, retries and connection reuse',
    lines(
      'apachectl -t',
      String.raw`apachectl -M 2>/dev/null | grep -E 'proxy|rewrite'`,
      String.raw`grep -rnE '^\s*(Timeout|ProxyTimeout|KeepAlive|ProxyPass|BalancerMember|SetEnv\s+proxy-|ProxyBadHeader|ProxyErrorOverride|RewriteRule)\b' /etc/apache2 /etc/httpd 2>/dev/null`,
    ),
    [
      '`Syntax OK` from `apachectl -t` first.',
      CONFIG_READING[flow],
      '- `ProxyPass` rules match in order: the first matching prefix wins, so specific paths must come first.',
    ].join('\n'),
  );
}

const PROBE_ROUTE = apache(
  'Temporary ProxyPass to the probe upstream',
  lines(
    '# add to the virtual host of the failing host, before its other ProxyPass lines:',
    '#   ProxyPass "/__stepwise_probe" "http://<probe-host>:18080/__stepwise_probe"',
    'apachectl configtest && apachectl graceful',
    'curl -sv -o /dev/null {{scheme}}://{{host}}/__stepwise_probe',
  ),
  '200 `stepwise-probe-ok`: Apache, its TLS and mod_proxy work; the original backend is at fault. A "Proxy Error" page for the probe too: Apache or its network path is at fault. Remove the line and reload afterwards.',
);

const GRACEFUL = apache(
  'Graceful restart',
  'apachectl configtest && apachectl graceful',
  [
    'Re-reads the configuration and replaces child processes as they finish their current requests, so in-flight requests are not cut; pooled backend connections go with the old children.',
    'Workers in error state recover after `retry` seconds (balancer members can be re-enabled in balancer-manager). A full `systemctl restart apache2` (or `httpd`) drops in-flight requests: only if the graceful restart does not help.',
  ].join('\n'),
);

const ERRORS_PER_MINUTE = apache(
  '5xx per minute from the access log',
  String.raw`awk '$9 ~ /^5/ {split($4, t, ":"); print t[2] ":" t[3]}' /var/log/apache2/access.log | uniq -c | tail -n 30`,
  `One line per minute (combined format) with the count of 5xx responses; it should fall to the pre-incident baseline. ${PATHS_NOTE}`,
);

const ERROR_LOG_FOLLOW = apache(
  'Follow mod_proxy errors',
  String.raw`tail -F /var/log/apache2/error.log | grep --line-buffered -E 'AH0(0957|1102|0898|1114|1079)|AH02454'`,
  'No new lines while traffic flows: the fix holds. A returning message names the failure that came back.',
);

export function apacheChecks(flow: RunbookFlow): StepChecks {
  return {
    confirm: [ERROR_LOG],
    'upstream-health': [BACKENDS],
    'gateway-config': [configCheck(flow)],
    isolate: [PROBE_ROUTE],
    'restart-flush': [GRACEFUL],
    'verify-monitor': [ERRORS_PER_MINUTE, ERROR_LOG_FOLLOW],
  };
}
