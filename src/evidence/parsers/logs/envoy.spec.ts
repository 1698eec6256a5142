import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLogLine } from './index.js';

const istio = (code: string, flags: string, details: string, duration = 12, upstream = '10.244.3.21:8080') =>
  `[2024-05-06T07:08:09.123Z] "GET /api/orders HTTP/1.1" ${code} ${flags} ${details} - "-" 0 95 ${duration} - "10.0.0.1" "okhttp/4.12" "5f0c3e8a-1b2c-4d5e-8f90-123456789abc" "orders.shop:8080" "${upstream}" outbound|8080||orders.shop.svc.cluster.local 10.244.1.5:45678 10.96.12.4:8080 10.244.1.5:39876 - default`;

describe('Envoy / Istio access log', () => {
  it('reads UF in the default format with upstream and start time', () => {
    const line =
      '[2024-05-06T07:08:09.123Z] "GET /api/orders HTTP/1.1" 503 UF 0 91 1002 - "10.0.0.1" "curl/8.5.0" "5f0c3e8a-1b2c" "orders.shop" "10.244.3.21:8080"';
    const r = analyzeLogLine(line);
    assert.equal(r.format, 'envoy-access');
    assert.equal(r.findings[0]?.signal, 'envoy.flag.UF');
    assert.equal(r.findings[0]?.category, 'UPSTREAM_DOWN');
    assert.equal(r.findings[0]?.upstream, '10.244.3.21:8080');
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.123Z');
  });

  it('lets a TLS transport failure behind UF outrank the connect failure', () => {
    const r = analyzeLogLine(istio('503', 'UF,URX', 'upstream_reset_before_response_started{connection_failure,TLS_error:_268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED}'));
    assert.equal(r.findings[0]?.category, 'TLS');
    assert.ok(r.findings.some((f) => f.category === 'UPSTREAM_DOWN'));
  });

  it('reads any TLS reason in the details, whatever words it holds (TLS to a plain port)', () => {
    for (const reason of ['WRONG_VERSION_NUMBER', 'SSLV3_ALERT_HANDSHAKE_FAILURE', 'TLSV1_ALERT_PROTOCOL_VERSION']) {
      const r = analyzeLogLine(istio('503', 'UF', `upstream_reset_before_response_started{connection_failure,TLS_error:_268435703:SSL_routines:OPENSSL_internal:${reason}}`));
      assert.equal(r.findings[0]?.category, 'TLS', reason);
      assert.equal(r.findings[0]?.signal, 'envoy.upstream_tls_failure', reason);
    }
    // A refused connection's transport detail is not TLS.
    const refused = analyzeLogLine(istio('503', 'UF', 'upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111}'));
    assert.equal(refused.findings[0]?.category, 'UPSTREAM_DOWN');
  });

  it('maps the main flags to their causes', () => {
    const cases: Array<[string, string, string, string]> = [
      ['504', 'UT', 'response_timeout', 'UPSTREAM_TIMEOUT'],
      ['503', 'UH', 'no_healthy_upstream', 'UPSTREAM_DOWN'],
      ['503', 'UO', 'upstream_reset_before_response_started{overflow}', 'CAPACITY'],
      ['404', 'NR', 'route_not_found', 'GATEWAY_CONFIG'],
      ['503', 'DF', 'dns_resolution_failure', 'DNS'],
      ['503', 'UR', 'upstream_reset_before_response_started{remote_reset}', 'UPSTREAM_RESET'],
    ];
    for (const [code, flags, details, category] of cases) {
      assert.equal(analyzeLogLine(istio(code, flags, details)).findings[0]?.category, category, flags);
    }
  });

  it('reads UC by how long the request had been waiting', () => {
    assert.equal(analyzeLogLine(istio('503', 'UC', 'upstream_reset_before_response_started{connection_termination}', 60_002)).findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(analyzeLogLine(istio('503', 'UC', 'upstream_reset_before_response_started{connection_termination}', 0)).findings[0]?.signal, 'envoy.uc_pooled_connection_closed');
    assert.equal(analyzeLogLine(istio('503', 'UC', 'upstream_reset_before_response_started{connection_termination}', 850)).findings[0]?.signal, 'envoy.flag.UC');
  });

  it('gives nothing for client disconnects and relayed successes', () => {
    assert.deepEqual(analyzeLogLine(istio('0', 'DC', 'downstream_remote_disconnect', 30_000)).findings, []);
    const ok = analyzeLogLine(istio('200', '-', 'via_upstream'));
    assert.equal(ok.format, 'envoy-access');
    assert.deepEqual(ok.findings, []);
  });

  it('reads the JSON access log', () => {
    const r = analyzeLogLine(
      JSON.stringify({
        start_time: '2024-05-06T07:08:09.500Z',
        method: 'GET',
        path: '/api',
        response_code: 503,
        response_flags: 'UH',
        response_code_details: 'no_healthy_upstream',
        upstream_host: null,
        upstream_cluster: 'outbound|8080||orders.shop.svc.cluster.local',
        duration: 0,
      }),
    );
    assert.equal(r.format, 'envoy-json');
    assert.equal(r.findings[0]?.signal, 'envoy.flag.UH');
    assert.equal(r.findings[0]?.upstream, 'outbound|8080||orders.shop.svc.cluster.local');
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.500Z');
  });
});

describe('Envoy local replies and logs', () => {
  it('reads the reset reason and transport failure of the local-reply body', () => {
    const refused = analyzeLogLine('upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: delayed connect error: 111');
    assert.equal(refused.format, 'envoy-reply');
    assert.equal(refused.findings[0]?.signal, 'envoy.connection_refused');
    assert.equal(analyzeLogLine('upstream connect error or disconnect/reset before headers. reset reason: connection timeout').findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(analyzeLogLine('upstream connect error or disconnect/reset before headers. reset reason: overflow').findings[0]?.category, 'CAPACITY');
    assert.equal(analyzeLogLine('no healthy upstream').findings[0]?.category, 'UPSTREAM_DOWN');
    assert.equal(analyzeLogLine('upstream request timeout').findings[0]?.category, 'UPSTREAM_TIMEOUT');
  });

  it('reads a debug log reset line', () => {
    const r = analyzeLogLine('[2024-05-06 07:08:09.123][31][debug][router] [source/common/router/router.cc:1284] [C12][S9] upstream reset: reset reason: connection termination, transport failure reason: ');
    assert.equal(r.format, 'envoy-log');
    assert.equal(r.findings[0]?.category, 'UPSTREAM_RESET');
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.123Z');
  });

  it("reads the router's timeout and the pool's circuit breaker in Envoy's debug log", () => {
    const timeout = analyzeLogLine('[2024-03-01 10:00:00.000][15][debug][router] [source/common/router/router.cc:1234] [C1][S123] upstream timeout');
    assert.equal(timeout.format, 'envoy-log');
    assert.equal(timeout.findings[0]?.signal, 'envoy.router_upstream_timeout');
    const overflow = analyzeLogLine('[2024-03-01 10:00:00.000][15][debug][pool] [source/common/http/conn_pool_base.cc:123] max pending requests overflow');
    assert.equal(overflow.findings[0]?.category, 'CAPACITY');
    // Other debug lines say nothing of a cause.
    assert.deepEqual(analyzeLogLine('[2024-03-01 10:00:00.000][15][debug][router] [source/common/router/router.cc:700] [C1][S123] cluster \'web\' match for URL \'/api\'').findings, []);
  });
});
