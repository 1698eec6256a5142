import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLogLine } from './index.js';

const read = (line: string) => {
  const r = analyzeLogLine(line);
  return { format: r.format, first: r.findings[0] ? `${r.findings[0].signal}:${r.findings[0].category}` : null };
};

describe('what runs the upstream: Kubernetes, the kernel and systemd, PHP-FPM, Heroku, databases', () => {
  it('reads Kubernetes: endpoints, probes, restarts, memory and scheduling', () => {
    const cases: Array<[string, string]> = [
      ['W1125 10:00:00.000000       7 controller.go:1112] Service "default/web" does not have any active Endpoint.', 'k8s.no_active_endpoints:UPSTREAM_DOWN'],
      ['W1125 10:00:00.000000       7 controller.go:1080] Error obtaining Endpoints for Service "default/wbe": no object matching key "default/wbe" in local store', 'k8s.service_not_found:GATEWAY_CONFIG'],
      ['Warning  Unhealthy  2m (x10 over 5m)  kubelet  Liveness probe failed: HTTP probe failed with statuscode: 503', 'k8s.liveness_probe_failed:UPSTREAM_DOWN'],
      ['Warning  Unhealthy  2m  kubelet  Readiness probe failed: Get "http://10.244.1.15:8080/healthz": dial tcp 10.244.1.15:8080: connect: connection refused', 'go.dial_refused:UPSTREAM_DOWN'],
      ['Warning  BackOff    1m (x25 over 6m)  kubelet  Back-off restarting failed container web in pod web-7d9f8b6c5d-abcde_default(1234)', 'k8s.crash_loop:UPSTREAM_DOWN'],
      ['web-7d9f8b6c5d-abcde   0/1     CrashLoopBackOff   5 (30s ago)   3m', 'k8s.crash_loop:UPSTREAM_DOWN'],
      ['      Reason:       OOMKilled', 'k8s.oom_killed:CAPACITY'],
      ['Warning  FailedScheduling  1m  default-scheduler  0/3 nodes are available: 3 Insufficient memory.', 'k8s.pods_unschedulable:CAPACITY'],
    ];
    for (const [line, expected] of cases) {
      const r = read(line);
      assert.equal(r.first, expected, line);
      assert.equal(r.format, 'kubernetes', line);
    }
    assert.equal(analyzeLogLine(cases[0]![0]).findings[0]?.upstream, 'default/web');
    // A probe on a path the app does not serve is the probe's configuration.
    assert.equal(read('Warning  Unhealthy  2m  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 404').first, 'k8s.readiness_probe_path_not_found:GATEWAY_CONFIG');
  });

  it('reads the kernel and systemd', () => {
    assert.equal(read('Nov 25 10:00:00 host kernel: Out of memory: Killed process 1234 (node) total-vm:2048000kB, anon-rss:1024000kB').first, 'kernel.oom_kill:CAPACITY');
    assert.equal(read("Nov 25 10:00:00 host systemd[1]: app.service: Failed with result 'oom-kill'.").first, 'systemd.oom_kill:CAPACITY');
    assert.equal(read('Nov 25 10:00:00 host kernel: TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.').first, 'kernel.listen_queue_overflow:CAPACITY');
    assert.equal(read('Nov 25 10:00:00 host kernel: nf_conntrack: nf_conntrack: table full, dropping packet').first, 'kernel.conntrack_table_full:CAPACITY');
    assert.equal(read('Nov 25 10:00:00 host systemd[1]: app.service: Main process exited, code=exited, status=1/FAILURE').first, 'systemd.service_failed:UPSTREAM_DOWN');
    // A clean stop is no cause.
    assert.equal(read('Nov 25 10:00:00 host systemd[1]: app.service: Main process exited, code=exited, status=0/SUCCESS').first, null);
  });

  it("reads PHP-FPM's pool manager", () => {
    assert.equal(read('[25-Nov-2026 10:00:00] WARNING: [pool www] server reached pm.max_children setting (5), consider raising it').first, 'php_fpm.max_children_reached:CAPACITY');
    assert.equal(
      read('[25-Nov-2026 10:00:00] WARNING: [pool www] child 1234, script \'/var/www/index.php\' (request: "GET /index.php") execution timed out (30.012345 sec), terminating').first,
      'php_fpm.request_terminated:UPSTREAM_TIMEOUT',
    );
    assert.equal(read('[25-Nov-2026 10:00:00] WARNING: [pool www] child 1234 exited on signal 11 (SIGSEGV) after 1.2 seconds from start').first, 'php_fpm.child_crashed:UPSTREAM_RESET');
    assert.deepEqual(read('[25-Nov-2026 10:00:00] NOTICE: [pool www] child 1234 started'), { format: 'php-fpm', first: null });
  });

  it("reads Heroku's router codes, and gives none for the client-side ones", () => {
    const router = (code: string, desc: string) => `at=error code=${code} desc="${desc}" method=GET path="/" host=app.herokuapp.com request_id=abc fwd="1.2.3.4" dyno=web.1 connect=0ms service=30000ms status=503 bytes=0 protocol=https`;
    assert.equal(read(router('H12', 'Request timeout')).first, 'heroku.H12:UPSTREAM_TIMEOUT');
    assert.equal(read(router('H10', 'App crashed')).first, 'heroku.H10:UPSTREAM_DOWN');
    assert.equal(read(router('H13', 'Connection closed without response')).first, 'heroku.H13:UPSTREAM_RESET');
    assert.deepEqual(read(router('H27', 'Client Request Interrupted')), { format: 'heroku-router', first: null });
    assert.equal(read('Error R14 (Memory quota exceeded)').first, 'heroku.R14:CAPACITY');
  });

  it('reads the dependencies an app runs out of', () => {
    assert.equal(read('2026-11-25 10:00:00.123 UTC [1234] FATAL:  sorry, too many clients already').first, 'postgres.too_many_connections:CAPACITY');
    assert.equal(read('ERROR 1040 (HY000): Too many connections').first, 'mysql.too_many_connections:CAPACITY');
    assert.equal(read('#<ActiveRecord::ConnectionTimeoutError: could not obtain a connection from the pool within 5.000 seconds>').first, 'app.db_pool_exhausted:CAPACITY');
    assert.equal(read('HikariPool-1 - Connection is not available, request timed out after 30000ms.').first, 'app.db_pool_exhausted:CAPACITY');
    assert.equal(read('Rack::Timeout::RequestTimeoutException: Request ran for longer than 15000ms').first, 'rack.request_timeout:UPSTREAM_TIMEOUT');
  });
});
