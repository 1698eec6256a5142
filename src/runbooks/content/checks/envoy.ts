import type { GatewayCheck } from '../runbook-types.js';
import type { RunbookFlow } from '../step-keys.js';
import { lines, type StepChecks } from './types.js';

/** Envoy, standalone or as the Istio sidecar / ingress gateway. */
function envoy(title: string, command: string, lookFor: string): GatewayCheck {
  return { gateway: 'envoy', title, command, lookFor };
}

const ACCESS_LOG_COMMAND = lines(
  String.raw`kubectl -n '<namespace>' logs '<pod>' -c istio-proxy --since=30m | awk '$5 ~ /^5/' | tail -n 50`,
  String.raw`kubectl -n istio-system logs deployment/istio-ingressgateway --since=30m | awk '$5 ~ /^5/' | tail -n 50`,
);

const ACCESS_LOG_INTRO =
  'In the default format the request line is followed by the status (field 5) and `%RESPONSE_FLAGS%` (field 6); Istio then adds `%RESPONSE_CODE_DETAILS%`. Standalone Envoy: read the access log your listener writes.';

const ACCESS_LOG_502 = envoy(
  'Access log: status and response flags',
  ACCESS_LOG_COMMAND,
  [
    ACCESS_LOG_INTRO,
    '- `502 UPE` with `upstream_reset_before_response_started{protocol_error}` (body "upstream connect error or disconnect/reset before headers. reset reason: protocol error"): the upstream sent an invalid response, often an HTTP/1 vs HTTP/2 or port-protocol mismatch.',
    '- `502 -` with `via_upstream`: Envoy relayed a 502 produced by the application or a proxy behind it; diagnose that hop.',
    '- Envoy reports most upstream failures as 503: `UF` connection failure, `UH` no healthy upstream, `UC` upstream connection termination, `URX` retry limit reached, `UO` circuit breaker overflow. If clients see 502 while the sidecar logs 503, a hop in front translated it.',
    '- `DC` or status `0`: the client went away; not an upstream fault.',
  ].join('\n'),
);

const ACCESS_LOG_503 = envoy(
  'Access log: status and response flags',
  ACCESS_LOG_COMMAND,
  [
    ACCESS_LOG_INTRO,
    '- `UH`: no healthy upstream (body "no healthy upstream"): every host failed health checks or was ejected, or the service has no ready endpoints.',
    '- `UF`: upstream connection failure (refused or connect timeout), body "upstream connect error or disconnect/reset before headers. reset reason: connection failure".',
    '- `UO`: circuit breaker overflow (max connections, pending requests or requests; 1024 each by default): overload.',
    '- `UC`: the upstream closed the connection; repeated after idle periods it is a keep-alive race (the app closes idle connections before Envoy stops reusing them).',
    '- `URX`: retries or connect attempts exhausted. `LR`/`UR`: local/remote reset. `OM`: Envoy\'s overload manager shed the request. `DF`: DNS resolution failed. `NC`: cluster not found. (`NR`, no route, is a 404.)',
    '- `503 -` with `via_upstream`: the application itself answered 503 (maintenance, its own load shedding).',
  ].join('\n'),
);

const ACCESS_LOG_504 = envoy(
  'Access log: status and response flags',
  ACCESS_LOG_COMMAND,
  [
    ACCESS_LOG_INTRO,
    '- `504 UT` with `upstream_response_timeout`: the route timeout fired. Envoy\'s route timeout is 15 s when the route sets none; Istio disables it unless a VirtualService sets `timeout`.',
    '- `upstream_per_try_timeout`: a per-try timeout fired; with retries, attempts x per-try timeout can exceed the overall timeout.',
    '- `SI`: stream idle timeout (no bytes in either direction; 5 min by default).',
    '- `504 -` with `via_upstream`: a proxy behind Envoy timed out and Envoy relayed it. The duration field (milliseconds) shows how long Envoy waited.',
  ].join('\n'),
);

const CLUSTER_HEALTH = envoy(
  'Health of the upstream hosts as Envoy sees them',
  lines(
    String.raw`kubectl -n '<namespace>' exec '<pod>' -c istio-proxy -- pilot-agent request GET clusters | grep -F -- {{service}} | grep -E 'health_flags|cx_connect_fail|rq_error|rq_timeout'`,
    "istioctl proxy-config endpoints '<pod>.<namespace>' | grep -F -- {{service}}",
  ),
  [
    '`health_flags::healthy` for usable hosts. `/failed_active_hc`: active health check failing. `/failed_outlier_check`: ejected by outlier detection after consecutive errors. `/failed_eds_health`: the control plane marks it unhealthy (pod not ready). All hosts failing gives `UH`.',
    'Growing `cx_connect_fail` matches `UF`; `rq_timeout` matches `UT`. `istioctl proxy-config endpoints` lists the same hosts with HEALTHY/UNHEALTHY.',
    'Standalone Envoy: `curl -s <admin-address>/clusters` gives the same view.',
  ].join('\n'),
);

const CONFIG_502 = envoy(
  'Idle timeout, circuit breakers, retries, protocol',
  lines(
    String.raw`istioctl proxy-config cluster '<pod>.<namespace>' --fqdn {{service}}.'<namespace>'.svc.cluster.local -o json | grep -E '"(connectTimeout|idleTimeout|maxConnections|maxPendingRequests|maxRequests|maxRetries|consecutive5xx|baseEjectionTime)"'`,
    String.raw`kubectl get destinationrule,virtualservice -A -o yaml | grep -nE 'idleTimeout|maxRequestsPerConnection|http1MaxPendingRequests|maxConnections|outlierDetection|consecutive|attempts|retryOn|perTryTimeout|timeout'`,
    'istioctl analyze -A',
  ),
  [
    '- The upstream idle timeout defaults to 1 h: an application that closes idle connections sooner (Node.js 5 s in older releases, gunicorn 2 s) makes Envoy reuse closed connections, seen as `UC` 503 or 502. Set `DestinationRule.trafficPolicy.connectionPool.http.idleTimeout` below the application\'s keep-alive timeout.',
    '- Circuit breakers default to 1024 connections, 1024 pending requests, 1024 requests and 3 concurrent retries per cluster; overflow is `UO`.',
    '- Retries (`attempts`, `retryOn`, `perTryTimeout`): retry at one layer only, and only what is safe to repeat.',
    '- The service port name or `appProtocol` must match what the pod speaks (`http`, `http2`, `grpc`, `tcp`); a mismatch gives protocol errors (`UPE`, 502).',
    '- `istioctl analyze` reports broken references (unknown hosts, missing subsets). Standalone Envoy: `curl -s <admin-address>/config_dump` holds the same settings (snake_case names).',
  ].join('\n'),
);

const CONFIG_503 = envoy(
  'Circuit breakers, outlier detection, subsets',
  lines(
    String.raw`istioctl proxy-config cluster '<pod>.<namespace>' --fqdn {{service}}.'<namespace>'.svc.cluster.local -o json | grep -E '"(maxConnections|maxPendingRequests|maxRequests|maxRetries|consecutive5xx|consecutiveGatewayFailure|baseEjectionTime|maxEjectionPercent)"'`,
    String.raw`kubectl get destinationrule,virtualservice -A -o yaml | grep -nE 'subset|labels|outlierDetection|consecutive|maxEjectionPercent|http1MaxPendingRequests|http2MaxRequests|maxConnections'`,
    'istioctl analyze -A',
  ),
  [
    '- A VirtualService routing to a DestinationRule subset whose labels match no running pod gives `UH` (no healthy upstream), typically after a deploy changed the labels.',
    '- Outlier detection with a high `maxEjectionPercent` can eject every host after a burst of errors: `UH` until `baseEjectionTime` passes.',
    '- Circuit breaker limits (`http1MaxPendingRequests`, `http2MaxRequests`, `maxConnections`; 1024 by default) set low in a DestinationRule turn load spikes into `UO` 503s.',
    '- `istioctl analyze` flags references to missing subsets and hosts.',
  ].join('\n'),
);

const CONFIG_504 = envoy(
  'Route timeouts and retries',
  lines(
    String.raw`istioctl proxy-config route '<pod>.<namespace>' -o json | grep -E '"(timeout|perTryTimeout|numRetries|retryOn|idleTimeout)"'`,
    String.raw`kubectl get virtualservice -A -o yaml | grep -nE 'timeout|perTryTimeout|attempts|retryOn'`,
  ),
  [
    '- The route `timeout` bounds the whole request including retries: Envoy uses 15 s when a route sets none; Istio routes have no timeout unless the VirtualService sets one.',
    '- `perTryTimeout` x `attempts` should fit inside the route timeout, and the route timeout inside the timeout of any load balancer or CDN in front.',
    '- A timeout below the endpoint\'s normal p99 latency turns slow-but-fine requests into 504s; raise it for that route only, or make the work asynchronous.',
  ].join('\n'),
);

const PROBE_IN_MESH = envoy(
  'Probe service and a meshed client',
  lines(
    "kubectl -n '<namespace>' create deployment stepwise-probe --image=nginx --port=80",
    "kubectl -n '<namespace>' expose deployment stepwise-probe --port=80",
    "kubectl -n '<namespace>' run stepwise-curl --restart=Never --image=curlimages/curl --command -- sleep 3600",
    String.raw`kubectl -n '<namespace>' exec stepwise-curl -c stepwise-curl -- curl -s -o /dev/null -w '%{http_code} %{time_total}s\n' http://stepwise-probe/ http://{{service}}:'<port>'{{path}}`,
    "kubectl -n '<namespace>' delete pod/stepwise-curl service/stepwise-probe deployment/stepwise-probe",
  ),
  [
    'Run the delete line only when done. The client pod must have an `istio-proxy` container (namespace injection on), otherwise the test bypasses Envoy.',
    'Probe 200 and the service failing: the service or its pods are at fault. Both failing: the mesh (sidecar config, mTLS `PeerAuthentication`, AuthorizationPolicy, NetworkPolicy) or the node network.',
  ].join('\n'),
);

const RESTART = envoy(
  'Rolling restart (fresh sidecars)',
  lines("kubectl -n '<namespace>' rollout restart deployment/{{service}}", "kubectl -n '<namespace>' rollout status deployment/{{service}}"),
  [
    'New pods come with new sidecars: pooled connections, outlier ejections and endpoint state start over.',
    'If the Istio ingress gateway itself is at fault: `kubectl -n istio-system rollout restart deployment/istio-ingressgateway`. Standalone Envoy: restart one instance at a time behind its load balancer.',
  ].join('\n'),
);

const FLAGS_COUNT = envoy(
  'Status and flags in the last 10 minutes',
  String.raw`kubectl -n '<namespace>' logs '<pod>' -c istio-proxy --since=10m | awk '$5 ~ /^5/ {print $5, $6}' | sort | uniq -c`,
  'Counts per status and response flag; they should fall to the baseline. The flag that remains tells which failure is left.',
);

const STATS = envoy(
  'Upstream error counters',
  String.raw`kubectl -n '<namespace>' exec '<pod>' -c istio-proxy -- pilot-agent request GET stats | grep -F -- {{service}} | grep -E 'upstream_rq_5xx|upstream_rq_timeout|upstream_cx_connect_fail|upstream_cx_destroy_remote_with_active_rq|upstream_rq_pending_overflow|outlier_detection.ejections_active'`,
  'The counters are cumulative: run it twice a few minutes apart, they should stop increasing. `upstream_cx_destroy_remote_with_active_rq` growing means the upstream closes connections with requests in flight (crashes, keep-alive races); `upstream_rq_pending_overflow` means circuit breaking.',
);

export function envoyChecks(flow: RunbookFlow): StepChecks {
  const accessLog = flow === 'http-503' ? ACCESS_LOG_503 : flow === 'http-504' ? ACCESS_LOG_504 : ACCESS_LOG_502;
  const config = flow === 'http-503' ? CONFIG_503 : flow === 'http-504' ? CONFIG_504 : CONFIG_502;
  return {
    confirm: [accessLog],
    'upstream-health': [CLUSTER_HEALTH],
    'gateway-config': flow === 'http-502' ? [config] : [config, CONFIG_502],
    isolate: [PROBE_IN_MESH],
    'restart-flush': [RESTART],
    'verify-monitor': [FLAGS_COUNT, STATS],
  };
}
