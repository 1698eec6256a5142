import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLogLine } from './index.js';

describe('Traefik', () => {
  it('reads the Go error behind a 502', () => {
    const r = analyzeLogLine('time="2024-05-06T07:08:09Z" level=debug msg="\'502 Bad Gateway\' caused by: dial tcp 10.0.0.5:8080: connect: no route to host"');
    assert.equal(r.format, 'traefik');
    assert.equal(r.findings[0]?.category, 'NETWORK');
    assert.equal(r.findings[0]?.upstream, '10.0.0.5:8080');
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.000Z');
    assert.equal(analyzeLogLine('time="2024-05-06T07:08:09Z" level=debug msg="\'502 Bad Gateway\' caused by: EOF"').findings[0]?.category, 'UPSTREAM_RESET');
  });

  it('reads the JSON access log: no origin status means Traefik made the error', () => {
    const r = analyzeLogLine(
      JSON.stringify({ ClientHost: '10.0.0.1', DownstreamStatus: 504, OriginStatus: 0, RouterName: 'api@docker', ServiceURL: 'http://172.18.0.5:8000', StartUTC: '2024-05-06T07:08:09.5Z' }),
    );
    assert.equal(r.format, 'traefik-json');
    assert.equal(r.findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(r.findings[0]?.upstream, '172.18.0.5:8000');
    const relayed = analyzeLogLine(JSON.stringify({ DownstreamStatus: 502, OriginStatus: 502, RouterName: 'api@docker' }));
    assert.deepEqual(relayed.findings, []);
  });
});

describe('Caddy', () => {
  const caddy = (msg: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ level: 'error', ts: 1714979289.25, logger: 'http.log.error', msg, request: { remote_ip: '10.0.0.1', method: 'GET', uri: '/' }, status: 502, ...extra });

  it('reads v2 JSON errors', () => {
    const dns = analyzeLogLine(caddy('dial tcp: lookup api on 127.0.0.11:53: no such host'));
    assert.equal(dns.format, 'caddy-json');
    assert.equal(dns.findings[0]?.category, 'DNS');
    assert.equal(dns.findings[0]?.upstream, 'api');
    assert.equal(dns.findings[0]?.observedAt, '2024-05-06T07:08:09.250Z');
    assert.equal(analyzeLogLine(caddy('tls: failed to verify certificate: x509: certificate signed by unknown authority')).findings[0]?.category, 'TLS');
    assert.equal(analyzeLogLine(caddy('net/http: timeout awaiting response headers')).findings[0]?.category, 'UPSTREAM_TIMEOUT');
  });

  it('reads a JSON line behind a journald or compose prefix', () => {
    const r = analyzeLogLine(`May 06 07:08:09 web caddy[812]: ${caddy('dial tcp 127.0.0.1:3000: connect: connection refused')}`);
    assert.equal(r.findings[0]?.signal, 'go.dial_refused');
    assert.equal(r.findings[0]?.upstream, '127.0.0.1:3000');
  });

  it('gives nothing for a client that went away or a handled request', () => {
    assert.deepEqual(analyzeLogLine(caddy('context canceled', { status: 0 })).findings, []);
    const access = analyzeLogLine(JSON.stringify({ level: 'info', ts: 1714979289.25, logger: 'http.log.access', msg: 'handled request', status: 200 }));
    assert.equal(access.format, 'caddy-json');
    assert.deepEqual(access.findings, []);
  });

  it('reads the v1 error log', () => {
    assert.equal(analyzeLogLine('06/May/2024:07:08:09 +0000 [ERROR 502 /] dial tcp 127.0.0.1:3000: connect: connection refused').findings[0]?.category, 'UPSTREAM_DOWN');
  });
});

describe('Apache mod_proxy', () => {
  const apache = (body: string) => `[Mon May 06 07:08:09.123456 2024] [proxy_http:error] [pid 2211:tid 140] ${body}`;

  it('reads the APR error of the connect and read failures', () => {
    const refused = analyzeLogLine(apache('(111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:8080 (localhost:8080) failed'));
    assert.equal(refused.format, 'apache-error');
    assert.equal(refused.findings[0]?.signal, 'apache.connect_refused');
    assert.equal(refused.findings[0]?.upstream, '127.0.0.1:8080');
    assert.equal(refused.findings[0]?.observedAt, '2024-05-06T07:08:09.123Z');
    assert.equal(analyzeLogLine(apache('(70007)The timeout specified has expired: [client 10.0.0.1:5120] AH01102: error reading status line from remote server 127.0.0.1:8080')).findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(analyzeLogLine(apache('(104)Connection reset by peer: [client 10.0.0.1:5120] AH01102: error reading status line from remote server 127.0.0.1:8080')).findings[0]?.category, 'UPSTREAM_RESET');
    assert.equal(analyzeLogLine(apache('[client 10.0.0.1:5120] AH00898: DNS lookup failure for: backend.internal returned by /api')).findings[0]?.category, 'DNS');
    assert.equal(analyzeLogLine('[Mon May 06 07:08:09.123456 2024] [mpm_event:error] [pid 1:tid 1] AH00484: server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting').findings[0]?.category, 'CAPACITY');
  });
});

describe('Kong bodies, nghttpx, SELinux', () => {
  it('reads Kong client-facing bodies', () => {
    assert.equal(analyzeLogLine('{"message":"The upstream server is timing out"}').findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(analyzeLogLine('{"message":"name resolution failed","request_id":"4b3f1c2e"}').findings[0]?.category, 'DNS');
    assert.equal(analyzeLogLine('{"message":"failure to get a peer from the ring-balancer"}').format, 'kong');
  });

  it('reads nghttpx backend failures', () => {
    const r = analyzeLogLine('06/May/2024:07:08:09 +0000 PID812 [ERROR] shrpx_http_downstream_connection.cc:1160 [DCONN:0x5581] Backend connect failed; addr=10.0.0.7:8080');
    assert.equal(r.findings[0]?.upstream, '10.0.0.7:8080');
    assert.equal(r.findings[0]?.category, 'UPSTREAM_DOWN');
  });

  it('reads a denied outbound connect as host policy', () => {
    const r = analyzeLogLine('type=AVC msg=audit(1714979289.123:512): avc:  denied  { name_connect } for  pid=812 comm="nginx" dest=8080 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:http_cache_port_t:s0 tclass=tcp_socket permissive=0');
    assert.equal(r.findings[0]?.category, 'GATEWAY_CONFIG');
    assert.equal(r.findings[0]?.detail?.port, 8080);
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.000Z');
  });
});

describe('Linkerd, Spring Cloud Gateway, Varnish and IIS ARR', () => {
  const first = (line: string) => {
    const r = analyzeLogLine(line);
    return r.findings[0] ? `${r.findings[0].signal}:${r.findings[0].category}` : null;
  };

  it('reads their own wording', () => {
    assert.equal(
      first('[   12.345678s]  INFO ThreadId(01) outbound:proxy{addr=10.0.0.5:8080}: linkerd_app_core::errors::respond: HTTP/1.1 request failed error=logical service 10.0.0.5:8080: service in fail-fast'),
      'linkerd.fail_fast:UPSTREAM_DOWN',
    );
    assert.equal(first('org.springframework.cloud.gateway.support.TimeoutException: Response took longer than timeout: PT30S'), 'spring_gateway.response_timeout:UPSTREAM_TIMEOUT');
    assert.equal(first('io.netty.channel.ConnectTimeoutException: connection timed out: /10.0.0.5:8080'), 'spring_gateway.connect_timeout:UPSTREAM_TIMEOUT');
    assert.equal(first('-   FetchError   first byte timeout'), 'varnish.backend_timeout:UPSTREAM_TIMEOUT');
    assert.equal(first('-   FetchError   no backend connection'), 'varnish.no_backend_connection:UPSTREAM_DOWN');
    assert.equal(first('-   FetchError   http first read error: EOF'), 'varnish.backend_read_error:UPSTREAM_RESET');
    assert.equal(first('502 - Web server received an invalid response while acting as a gateway or proxy server.'), 'iis.arr_invalid_response:UPSTREAM_RESET');
    // Apache reaching an https backend: SSLProxyEngine off is configuration; a rejected backend certificate is TLS.
    assert.equal(
      first('[Fri Mar 01 10:00:00.123456 2024] [ssl:error] [pid 123:tid 456] AH01961: SSL Proxy requested for example.com:443 but not enabled [Hint: SSLProxyEngine]'),
      'apache.ssl_proxy_engine_off:GATEWAY_CONFIG',
    );
    assert.equal(
      first('[Fri Mar 01 10:00:00.123456 2024] [ssl:error] [pid 123:tid 456] [remote 10.0.0.5:443] AH02039: Certificate Verification: Error (20): unable to get local issuer certificate'),
      'apache.backend_certificate_rejected:TLS',
    );
    assert.equal(first('[Fri Mar 01 10:00:00.123456 2024] [ssl:error] [pid 123:tid 456] [client 1.2.3.4:5555] AH02039: Certificate Verification: Error (20): unable to get local issuer certificate'), null);
    assert.equal(
      first('time="2024-03-01T10:00:00Z" level=error msg="service \\"web\\" error: unable to find the IP address for the container \\"/web\\": the server is ignored" providerName=docker'),
      'traefik.container_without_ip:UPSTREAM_DOWN',
    );
  });
});
