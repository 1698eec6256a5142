import type { GatewayCheck } from '../runbook-types.js';
import type { RunbookFlow } from '../step-keys.js';
import { lines, type StepChecks } from './types.js';

function ingress(title: string, command: string, lookFor: string): GatewayCheck {
  return { gateway: 'ingress-nginx', title, command, lookFor };
}

const NAMESPACE_NOTE =
  'The namespace, labels and deployment name depend on how the controller was installed (`kubectl get pods -A | grep ingress` finds it).';

const CONTROLLER_LOGS = ingress(
  'Controller logs for the failing service',
  lines(
    String.raw`kubectl -n ingress-nginx logs -l app.kubernetes.io/name=ingress-nginx --since=30m --tail=-1 --prefix | grep -E '" 50[234] ' | grep -F -- {{service}} | tail -n 50`,
    String.raw`kubectl -n ingress-nginx logs -l app.kubernetes.io/name=ingress-nginx --since=30m --tail=-1 --prefix | grep -E 'upstream|Endpoint|limiting' | tail -n 50`,
  ),
  [
    'Access lines end with `[<namespace>-<service>-<port>]`, then `$upstream_addr` (pod IP:port), response length, `$upstream_response_time` and `$upstream_status`. No upstream status means the controller generated the error; `$upstream_response_time` at 60.0 means the default `proxy-read-timeout` fired.',
    'Error lines read as in nginx: `connect() failed (111: Connection refused)` = pod not listening; `upstream prematurely closed connection` = pod closed the connection (crash, OOM kill, keep-alive race); `upstream timed out` = 504; `upstream sent too big header` = `proxy-buffer-size` too small.',
    '`Service "<ns>/<svc>" does not have any active Endpoint`: no ready pods, the controller answers 503.',
    `\`--tail=-1\` matters: with a label selector kubectl prints only 10 lines per pod by default. ${NAMESPACE_NOTE}`,
  ].join('\n'),
);

const ENDPOINTS = ingress(
  'Endpoints and pods behind the service',
  lines(
    'kubectl get endpointslices -A -l kubernetes.io/service-name={{service}} -o wide',
    'kubectl get pods -A -o wide | grep -F -- {{service}}',
  ),
  [
    'No endpoints, or endpoints not ready: the controller has nowhere to send the request (503) or sends it to pods that are going away (502 during rollouts).',
    'Check that the endpoint port matches the container port the application listens on.',
    'For pods that restart: `kubectl -n <namespace> describe pod <pod>` (readiness failures, `OOMKilled`, exit codes) and `kubectl -n <namespace> logs <pod> --previous` (the crashed container\'s last words).',
  ].join('\n'),
);

const CONFIGMAP_502 = ingress(
  'Timeouts, keep-alive and buffers (ConfigMap and annotations)',
  lines(
    String.raw`kubectl -n ingress-nginx get configmap -o yaml | grep -E 'proxy-(connect|read|send)-timeout|upstream-keepalive|proxy-next-upstream|proxy-buffer-size|keep-alive'`,
    String.raw`kubectl get ingress -A -o yaml | grep -E 'nginx.ingress.kubernetes.io/(proxy-|upstream-|backend-protocol|service-upstream)'`,
  ),
  [
    'Defaults when absent: `proxy-connect-timeout` 5, `proxy-read-timeout` 60, `proxy-send-timeout` 60 (seconds), `proxy-next-upstream` "error timeout" with 3 tries, `upstream-keepalive-connections` 320, `upstream-keepalive-timeout` 60, `proxy-buffer-size` 4k.',
    '- The application\'s keep-alive timeout must be longer than `upstream-keepalive-timeout` (60 s), or the controller reuses connections the pod is closing (intermittent 502, "upstream prematurely closed").',
    '- `proxy-buffer-size` 4k is small for large cookies or headers: "upstream sent too big header" is a 502.',
    '- `backend-protocol` must be `HTTPS` (or `GRPC`...) when the pod speaks it; plain HTTP to a TLS port fails.',
    '- Per-Ingress annotations override the ConfigMap for that Ingress only.',
  ].join('\n'),
);

const CONFIGMAP_503 = ingress(
  'Rate limits, default backend and routing',
  lines(
    String.raw`kubectl get ingress -A -o yaml | grep -E 'nginx.ingress.kubernetes.io/(limit-|whitelist|allowlist|default-backend|custom-http-errors)'`,
    String.raw`kubectl -n ingress-nginx get configmap -o yaml | grep -E 'limit-(req|conn)-status-code|custom-http-errors'`,
    'kubectl get ingress -A | grep -F -- {{host}}',
  ),
  [
    '- `limit-rps`, `limit-rpm`, `limit-connections` annotations: requests over the limit are rejected with `limit-req-status-code` / `limit-conn-status-code` (503 by default). Many clients behind one NAT address share one limit.',
    '- The Ingress for the host must point at the right service name and port; a service with no ready endpoints gives 503.',
    '- Two Ingresses claiming the same host and path: only one wins; check that the intended one does.',
  ].join('\n'),
);

const CONFIGMAP_504 = ingress(
  'Timeouts (ConfigMap and annotations)',
  lines(
    String.raw`kubectl -n ingress-nginx get configmap -o yaml | grep -E 'proxy-(connect|read|send)-timeout|proxy-next-upstream'`,
    String.raw`kubectl get ingress -A -o yaml | grep -E 'nginx.ingress.kubernetes.io/proxy-(connect|read|send)-timeout|proxy-next-upstream'`,
  ),
  [
    'Defaults: `proxy-connect-timeout` 5 s, `proxy-read-timeout` 60 s, `proxy-send-timeout` 60 s; `proxy-next-upstream` "error timeout" retries a timed-out request on another pod (up to 3 tries, `proxy-next-upstream-timeout` 0 = unbounded).',
    'Annotation values are seconds without a unit (`"120"`). Raise the read timeout only on the Ingress whose endpoint needs it, and keep it below the timeout of the load balancer or CDN in front.',
  ].join('\n'),
);

const RENDERED_CONFIG = ingress(
  'Rendered nginx.conf for the host',
  'kubectl -n ingress-nginx exec deploy/ingress-nginx-controller -- cat /etc/nginx/nginx.conf | grep -n -A 40 -F -- {{host}} | grep -E "server_name|location|proxy_(connect|read|send)_timeout|proxy_next_upstream|set \\$proxy_upstream_name"',
  'Shows what the controller actually generated for the host, annotations applied. If an annotation you set is missing here, the controller rejected it: its logs say why.',
);

const PROBE_INGRESS = ingress(
  'Temporary probe service and Ingress',
  lines(
    "kubectl -n '<namespace>' create deployment stepwise-probe --image=nginx --port=80",
    "kubectl -n '<namespace>' expose deployment stepwise-probe --port=80",
    "kubectl -n '<namespace>' create ingress stepwise-probe --class=nginx --annotation=nginx.ingress.kubernetes.io/rewrite-target=/ --rule={{host}}/__stepwise_probe=stepwise-probe:80",
    String.raw`curl -s -w '\nHTTP %{http_code}\n' {{scheme}}://{{host}}/__stepwise_probe`,
    "kubectl -n '<namespace>' delete ingress,service,deployment stepwise-probe",
  ),
  [
    'Run the delete line only when done. The probe answers nginx\'s "Welcome to nginx!" page with 200: the controller, its TLS and the cluster network work, so the fault is in the original service or its pods.',
    'A 502/503/504 for the probe too: the controller, node networking or a NetworkPolicy is at fault. Use the namespace of the failing service so that the same policies apply.',
  ].join('\n'),
);

const RESTART_APP = ingress(
  'Rolling restart of the service\'s pods',
  lines("kubectl -n '<namespace>' rollout restart deployment/{{service}}", "kubectl -n '<namespace>' rollout status deployment/{{service}}"),
  [
    'Pods are replaced according to the deployment\'s rolling-update strategy; `rollout status` returns when all new pods are ready.',
    '502s during every rollout mean pods stop accepting before they leave the endpoints: add a readiness probe, a `preStop` sleep longer than endpoint propagation, and graceful shutdown that finishes in-flight requests.',
  ].join('\n'),
);

const RESTART_CONTROLLER = ingress(
  'Restart the controller (rarely needed)',
  lines(
    'kubectl -n ingress-nginx rollout restart deployment/ingress-nginx-controller',
    'kubectl -n ingress-nginx rollout status deployment/ingress-nginx-controller',
  ),
  'The controller reloads nginx on every relevant change by itself; restart it only if its logs show failed reloads or it is out of resources. Pods are replaced one by one; with a single replica expect a short interruption.',
);

const METRICS = ingress(
  '5xx rate by Ingress (Prometheus)',
  String.raw`curl -s 'http://<prometheus>/api/v1/query' --data-urlencode 'query=sum by (ingress, status) (rate(nginx_ingress_controller_requests{status=~"5.."}[5m]))'`,
  'The per-Ingress 5xx rate from the controller\'s metrics should fall to its baseline and stay there. Add an alert on this expression (per Ingress) if none exists.',
);

const LOG_COUNT = ingress(
  '5xx count in the last 10 minutes',
  String.raw`kubectl -n ingress-nginx logs -l app.kubernetes.io/name=ingress-nginx --since=10m --tail=-1 | grep -cE '" 50[234] '`,
  'Repeat every few minutes: the count should drop to the pre-incident level.',
);

export function ingressNginxChecks(flow: RunbookFlow): StepChecks {
  const config = flow === 'http-503' ? CONFIGMAP_503 : flow === 'http-504' ? CONFIGMAP_504 : CONFIGMAP_502;
  return {
    confirm: [CONTROLLER_LOGS],
    'upstream-health': [ENDPOINTS],
    'gateway-config': [config, RENDERED_CONFIG],
    isolate: [PROBE_INGRESS],
    'restart-flush': [RESTART_APP, RESTART_CONTROLLER],
    'verify-monitor': [LOG_COUNT, METRICS],
  };
}
