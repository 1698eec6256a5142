import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLogLine } from './index.js';

function top(line: string) {
  const a = analyzeLogLine(line);
  return { format: a.format, top: a.findings[0], findings: a.findings, categories: a.findings.map((f) => f.category) };
}

const tail = ', client: 203.0.113.9, server: shop.example.com, request: "GET /api/cart HTTP/1.1", upstream: "http://10.0.3.7:8080/api/cart", host: "shop.example.com"';

describe('nginx error log', () => {
  it('reads a refused connect as the upstream down, with upstream and time', () => {
    const r = top(`2024/05/06 07:08:09 [error] 31#31: *4411 connect() failed (111: Connection refused) while connecting to upstream${tail}`);
    assert.equal(r.format, 'nginx-error');
    assert.equal(r.top?.category, 'UPSTREAM_DOWN');
    assert.equal(r.top?.signal, 'nginx.connect_refused');
    assert.equal(r.top?.upstream, '10.0.3.7:8080');
    assert.equal(r.top?.observedAt, '2024-05-06T07:08:09.000Z');
    assert.equal(r.top?.detail?.errno, 111);
  });

  it('reads musl and glibc wording of a read timeout alike', () => {
    for (const errno of ['110: Connection timed out', '110: Operation timed out']) {
      const r = top(`2024/05/06 07:08:09 [error] 7#7: *9 upstream timed out (${errno}) while reading response header from upstream${tail}`);
      assert.equal(r.top?.category, 'UPSTREAM_TIMEOUT', errno);
      assert.equal(r.top?.signal, 'nginx.upstream_timed_out');
    }
  });

  it('reads a connect timeout as a timeout, with the network as an alternative', () => {
    const r = top(`2024/05/06 07:08:09 [error] 7#7: *9 upstream timed out (110: Connection timed out) while connecting to upstream${tail}`);
    assert.equal(r.top?.signal, 'nginx.connect_timeout');
    assert.deepEqual(r.categories, ['UPSTREAM_TIMEOUT', 'NETWORK', 'UPSTREAM_DOWN']);
  });

  it('blames DNS when the refusal comes from the resolver', () => {
    const r = top('2024/05/06 07:08:09 [error] 29#29: send() failed (111: Connection refused) while resolving, resolver: 127.0.0.11:53');
    assert.equal(r.top?.category, 'DNS');
    assert.equal(r.top?.upstream, '127.0.0.11:53');
  });

  it('reads resolver failures and startup host-not-found as DNS', () => {
    assert.equal(top('2024/05/06 07:08:09 [error] 29#29: *5 orders.svc.cluster.local could not be resolved (2: Server failure), client: 10.0.0.1').top?.upstream, 'orders.svc.cluster.local');
    assert.equal(top('nginx: [emerg] host not found in upstream "orders:8080" in /etc/nginx/conf.d/app.conf:12').top?.category, 'DNS');
    assert.equal(top('2024/05/06 07:08:09 [error] 29#29: *5 no resolver defined to resolve orders.internal, client: 10.0.0.1').top?.category, 'DNS');
  });

  it('reads a closed or reset upstream connection as a reset', () => {
    assert.equal(top(`2024/05/06 07:08:09 [error] 7#7: *9 upstream prematurely closed connection while reading response header from upstream${tail}`).top?.signal, 'nginx.upstream_prematurely_closed');
    assert.equal(top(`2024/05/06 07:08:09 [error] 7#7: *9 recv() failed (104: Connection reset by peer) while reading response header from upstream${tail}`).top?.signal, 'nginx.upstream_reset');
    assert.equal(top(`2024/05/06 07:08:09 [error] 7#7: *9 upstream sent invalid chunked response while reading upstream${tail}`).top?.category, 'UPSTREAM_RESET');
  });

  it('reads buffer and pool problems as gateway configuration', () => {
    assert.equal(top(`2024/05/06 07:08:09 [error] 7#7: *9 upstream sent too big header while reading response header from upstream${tail}`).top?.category, 'GATEWAY_CONFIG');
    const nolive = top(`2024/05/06 07:08:09 [error] 7#7: *9 no live upstreams while connecting to upstream${tail}`);
    assert.deepEqual(nolive.categories, ['GATEWAY_CONFIG', 'UPSTREAM_DOWN']);
    assert.equal(top(`2024/05/06 07:08:09 [crit] 7#7: *9 connect() to 10.0.3.7:8080 failed (13: Permission denied) while connecting to upstream${tail}`).top?.category, 'GATEWAY_CONFIG');
  });

  it('tells a missing socket under /tmp (PrivateTmp) from a missing socket elsewhere', () => {
    const tmp = top('2024/05/06 07:08:09 [crit] 7#7: *9 connect() to unix:/tmp/app.sock failed (2: No such file or directory) while connecting to upstream, client: 10.0.0.1, upstream: "http://unix:/tmp/app.sock:/"');
    assert.equal(tmp.top?.category, 'GATEWAY_CONFIG');
    assert.equal(tmp.top?.upstream, 'unix:/tmp/app.sock');
    const run = top('2024/05/06 07:08:09 [crit] 7#7: *9 connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 10.0.0.1');
    assert.equal(run.top?.category, 'UPSTREAM_DOWN');
  });

  it('reads exhaustion as capacity whatever the context', () => {
    assert.equal(top('2024/05/06 07:08:09 [alert] 7#7: *9 1024 worker_connections are not enough while connecting to upstream').top?.category, 'CAPACITY');
    assert.equal(top('2024/05/06 07:08:09 [crit] 7#7: accept4() failed (24: Too many open files)').top?.category, 'CAPACITY');
    assert.equal(top(`2024/05/06 07:08:09 [error] 7#7: *9 connect() to unix:/run/php-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream${tail}`).top?.signal, 'nginx.upstream_backlog_full');
  });

  it('reads TLS to the upstream as TLS and TLS from clients as noise', () => {
    const upstream = top(`2024/05/06 07:08:09 [error] 7#7: *9 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream${tail}`);
    assert.equal(upstream.top?.category, 'TLS');
    assert.match(String(upstream.top?.detail?.ssl), /wrong version number/);
    assert.equal(top('2024/05/06 07:08:09 [error] 7#7: *9 upstream SSL certificate verify error: (10:certificate has expired) while SSL handshaking to upstream').top?.category, 'TLS');
    const client = top('2024/05/06 07:08:09 [info] 7#7: *9 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 198.51.100.4, server: 0.0.0.0:443');
    assert.equal(client.format, 'nginx-error');
    assert.deepEqual(client.findings, []);
  });

  it('gives no finding for warnings, 404 file lookups and client disconnects', () => {
    for (const line of [
      '2024/05/06 07:08:09 [warn] 7#7: the "listen ... http2" directive is deprecated, use the "http2" directive instead in /etc/nginx/conf.d/a.conf:3',
      '2024/05/06 07:08:09 [error] 7#7: *9 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 10.0.0.1, server: _, request: "GET /favicon.ico HTTP/1.1"',
      '2024/05/06 07:08:09 [info] 7#7: *9 client prematurely closed connection while reading client request body, client: 10.0.0.1',
      '2024/05/06 07:08:09 [warn] 7#7: *9 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, client: 10.0.0.1',
      '2024/05/06 07:08:09 [error] 7#7: *9 FastCGI sent in stderr: "PHP message: PHP Warning:  Undefined variable $x" while reading response header from upstream, client: 10.0.0.1',
    ]) {
      const r = top(line);
      assert.equal(r.format, 'nginx-error', line);
      assert.deepEqual(r.findings, [], line);
    }
  });

  it('reads the message, not the client-supplied fields nginx appends to it', () => {
    const r = top(
      '2024/05/06 07:08:09 [error] 7#7: *9 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: shop, request: "GET /cart HTTP/1.1", upstream: "http://10.0.3.7:8080/", host: "shop", referrer: "https://forum.example/t/no live upstreams (111: Connection refused)"',
    );
    assert.equal(r.top?.signal, 'nginx.upstream_prematurely_closed');
    assert.deepEqual(r.categories, ['UPSTREAM_RESET', 'GATEWAY_CONFIG']);
    assert.equal(r.top?.detail?.errno, undefined);
    const quiet = top('2024/05/06 07:08:09 [error] 7#7: *9 open() "/srv/x" failed (2: No such file or directory), client: 10.0.0.1, request: "GET /x HTTP/1.1", referrer: "https://forum.example/upstream timed out"');
    assert.deepEqual(quiet.findings, []);
  });

  it('reads Kong and OpenResty messages written in the nginx layout', () => {
    assert.equal(top('2024/05/06 07:08:09 [error] 1#0: *7 [lua] balancer.lua:900: execute(): DNS resolution failed: dns server error: 3 name error. Tried: ["orders:(na)"], client: 10.0.0.1').top?.category, 'DNS');
    assert.equal(top('2024/05/06 07:08:09 [error] 1#0: *7 [lua] init.lua:400: execute(): failure to get a peer from the ring-balancer, client: 10.0.0.1').top?.category, 'UPSTREAM_DOWN');
  });
});

describe('access logs (combined, ingress-nginx, Traefik)', () => {
  it('counts a successful line as recognised without a finding', () => {
    const r = analyzeLogLine('203.0.113.9 - - [06/May/2024:07:08:09 +0200] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"');
    assert.equal(r.format, 'combined-access');
    assert.deepEqual(r.findings, []);
  });

  it('reads a bare 502/504 as a faint hint and a 499 as nothing', () => {
    const bad = analyzeLogLine('203.0.113.9 - - [06/May/2024:07:08:09 +0200] "GET / HTTP/1.1" 504 167 "-" "curl/8.5.0"');
    assert.equal(bad.findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.ok(bad.findings[0]!.weight < 2, 'a bare status is weak evidence');
    assert.equal(bad.findings[0]?.observedAt, '2024-05-06T05:08:09.000Z');
    assert.deepEqual(analyzeLogLine('203.0.113.9 - - [06/May/2024:07:08:09 +0000] "GET / HTTP/1.1" 499 0 "-" "curl/8.5.0"').findings, []);
  });

  it('reads ingress-nginx per-try upstream fields', () => {
    const line =
      '10.0.0.1 - - [06/May/2024:07:08:09 +0000] "POST /api/orders HTTP/1.1" 504 160 "-" "okhttp/4.12" 812 60.003 [shop-orders-8080] [] 10.244.1.17:8080, 10.244.2.9:8080 0, 0 30.001, 30.002 504, 504 5f0c3e8a1b2c';
    const r = analyzeLogLine(line);
    assert.equal(r.format, 'ingress-nginx-access');
    assert.equal(r.findings[0]?.signal, 'ingress.upstream_timeout');
    assert.equal(r.findings[0]?.upstream, '10.244.2.9:8080');
    assert.equal(r.findings[0]?.detail?.tries, 2);
  });

  it('reads a Traefik access line with its backend', () => {
    const r = analyzeLogLine('10.0.0.1 - - [06/May/2024:07:08:09 +0000] "GET /api HTTP/1.1" 502 11 "-" "curl/8.5.0" 42 "api@docker" "http://172.18.0.5:8000" 3ms');
    assert.equal(r.format, 'traefik-access');
    assert.equal(r.findings[0]?.upstream, '172.18.0.5:8000');
  });
});

describe("OpenResty's cosockets and njs's fetch", () => {
  const line = (message: string) => `2024/03/01 10:00:00 [error] 7#7: *1 ${message}, client: 1.2.3.4, server: _, request: "GET / HTTP/1.1", host: "x"`;

  it('reads the wording they log without an upstream context', () => {
    assert.equal(top(line('lua tcp socket connect timed out, when connecting to 10.0.0.5:6379')).top?.signal, 'openresty.cosocket_connect_timeout');
    assert.equal(top(line('lua tcp socket read timed out')).top?.signal, 'openresty.cosocket_io_timeout');
    assert.equal(top(line('lua udp socket read timed out')).top?.category, 'DNS');
    assert.equal(top(line('[lua] access_by_lua(nginx.conf:20):5: failed to connect: connection refused')).top?.signal, 'openresty.connect_refused');
    assert.equal(top(line('js exception: Error: connect failed')).top?.signal, 'njs.fetch_connect_failed');
    assert.equal(top(line('js exception: Error: read timed out')).top?.category, 'UPSTREAM_TIMEOUT');
    // A gRPC upstream resetting the stream.
    assert.equal(top(line('upstream rejected request with error 2 while reading response header from upstream')).top?.signal, 'nginx.upstream_rejected_stream');
    // An njs exception about something else is no upstream cause.
    assert.deepEqual(top(line('js exception: TypeError: cannot read property "x" of undefined')).findings, []);
  });

  it('reads active health checks failing: Tengine, nginx_upstream_check_module and lua-resty-healthcheck', () => {
    const bare = (message: string) => `2024/03/01 10:00:00 [error] 123#0: ${message}`;
    assert.equal(top(bare('disable check peer: 10.0.0.5:8080')).top?.signal, 'nginx.health_check_failed');
    assert.equal(top(bare('check protocol http error with peer: 10.0.0.5:8080')).top?.signal, 'nginx.health_check_failed');
    assert.equal(top(bare('check time out with peer: 10.0.0.5:8080')).top?.category, 'UPSTREAM_DOWN');
    assert.equal(top(bare('connect() failed (111: Connection refused) while checking, upstream: 10.0.0.5:8080')).top?.signal, 'nginx.connect_refused');
    assert.equal(
      top("2024/03/01 10:00:00 [error] 52#52: *123 [lua] healthcheck.lua:1150: log(): [healthcheck] (my-upstream) unhealthy TCP increment (1/2) for '10.0.0.5(10.0.0.5:8080)', context: ngx.timer").top?.signal,
      'healthcheck.tcp_failures',
    );
    // A peer coming back is no cause.
    assert.deepEqual(top(bare('enable check peer: 10.0.0.5:8080')).findings, []);
    assert.deepEqual(top("2024/03/01 10:00:00 [warn] 52#52: *1 [lua] healthcheck.lua:1150: log(): [healthcheck] (u) healthy SUCCESS increment (1/2) for '(10.0.0.5:8080)', context: ngx.timer").findings, []);
  });

  it("reads a Go proxy's malformed upstream address as its own configuration", () => {
    const r = top('{"level":"error","logger":"http.log.error","msg":"making dial info: upstream {http.reverse_proxy.upstreams.1.dial}: invalid dial address :0: address :0: missing port in address","status":502}');
    assert.equal(r.top?.signal, 'go.invalid_upstream_address');
    assert.equal(r.top?.category, 'GATEWAY_CONFIG');
  });
});
