import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLogLine, parseLogText } from './index.js';

describe('curl error lines', () => {
  it('reads the stage that failed from the exit code and its message', () => {
    const cases: Array<[string, string, string]> = [
      ["curl: (7) Failed to connect to api.example.com port 443 after 3 ms: Couldn't connect to server", 'UPSTREAM_DOWN', 'curl.connect_failed'],
      ['curl: (7) Failed to connect to 10.0.0.5 port 8080: Connection refused', 'UPSTREAM_DOWN', 'curl.connect_failed'],
      ['curl: (7) Failed to connect to 10.0.0.5 port 8080 after 3000 ms: No route to host', 'NETWORK', 'curl.no_route'],
      ['curl: (28) Failed to connect to 10.0.0.5 port 8080 after 10001 ms: Timeout was reached', 'UPSTREAM_TIMEOUT', 'curl.connect_timeout'],
      ['curl: (28) Operation timed out after 30001 milliseconds with 0 bytes received', 'UPSTREAM_TIMEOUT', 'curl.response_timeout'],
      ['curl: (28) Resolving timed out after 5000 milliseconds', 'DNS', 'curl.resolve_timeout'],
      ['curl: (6) Could not resolve host: api.internal', 'DNS', 'curl.host_not_resolved'],
      ['curl: (52) Empty reply from server', 'UPSTREAM_RESET', 'curl.empty_reply'],
      ['curl: (56) Recv failure: Connection reset by peer', 'UPSTREAM_RESET', 'curl.receive_failure'],
      ['curl: (60) SSL certificate problem: certificate has expired', 'TLS', 'curl.tls_certificate_rejected'],
      ['curl: (35) OpenSSL/3.0.2: error:0A00010B:SSL routines::wrong version number', 'TLS', 'curl.tls_handshake_failed'],
      ['curl: (92) HTTP/2 stream 1 was not closed cleanly: PROTOCOL_ERROR (err 1)', 'UPSTREAM_RESET', 'curl.http2_stream_error'],
      ['curl: (22) The requested URL returned error: 504', 'UPSTREAM_TIMEOUT', 'http.status_504'],
    ];
    for (const [line, category, signal] of cases) {
      const r = analyzeLogLine(line);
      assert.equal(r.format, 'curl', line);
      assert.equal(r.findings[0]?.category, category, line);
      assert.equal(r.findings[0]?.signal, signal, line);
    }
  });

  it('names the host and port it tried, and finds the line after a shell prompt', () => {
    const r = analyzeLogLine('$ curl -sv https://api.example.com/health curl: (7) Failed to connect to api.example.com port 443 after 2 ms: Connection refused');
    assert.equal(r.findings[0]?.upstream, 'api.example.com:443');
    assert.equal(r.findings[0]?.excerpt.includes('curl: (7)'), true);
  });

  it("reads libcurl's error as PHP's HTTP clients report it", () => {
    const r = analyzeLogLine('GuzzleHttp\\Exception\\ConnectException: cURL error 28: Operation timed out after 30001 milliseconds with 0 bytes received (see https://curl.haxx.se/libcurl/c/libcurl-errors.html)');
    assert.equal(r.format, 'curl');
    assert.equal(r.findings[0]?.signal, 'curl.response_timeout');
    assert.equal(analyzeLogLine('cURL error 7: Failed to connect to api port 443: Connection refused').findings[0]?.signal, 'curl.connect_failed');
  });

  it('gives no cause for exit codes that are not about the upstream', () => {
    assert.deepEqual(analyzeLogLine('curl: (3) URL using bad/illegal format or missing URL').findings, []);
    assert.deepEqual(analyzeLogLine('curl: (23) Failure writing output to destination').findings, []);
  });
});

describe('curl -v and -i output: the response read as one, judged like a HAR entry', () => {
  const findings = (lines: string[]) => parseLogText(lines.join('\n')).findings;

  it('names the hop from the headers and keeps the status line as the excerpt', () => {
    const result = parseLogText(
      [
        '*   Trying 203.0.113.10:443...',
        '* Connected to shop.example.com (203.0.113.10) port 443',
        '> GET /api/cart HTTP/2',
        '> Host: shop.example.com',
        '> User-Agent: curl/8.5.0',
        '>',
        '< HTTP/2 502',
        '< server: awselb/2.0',
        '< content-type: text/html',
        '<',
        '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
        '* Connection #0 to host shop.example.com left intact',
      ].join('\n'),
    );
    assert.equal(result.summary.formats.curl, 12);
    assert.equal(result.summary.unrecognizedLines, 0);
    assert.deepEqual(result.summary.statusCounts, { '502': 1 });
    const [first] = result.findings;
    assert.equal(first?.signal, 'curl.aws_alb.502');
    assert.equal(first?.excerpt, '< HTTP/2 502 (server: awselb/2.0)');
    assert.equal(first?.upstream, 'shop.example.com');
    assert.deepEqual(first?.location, { line: 12 });
    assert.equal((first?.detail as { hop?: string }).hop, 'aws-alb');
  });

  it("reads Envoy's reset reason from the body", () => {
    const [first] = findings([
      '> GET /v1 HTTP/1.1',
      '< HTTP/1.1 503 Service Unavailable',
      '< server: envoy',
      '<',
      'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
    ]);
    assert.equal(first?.category, 'UPSTREAM_RESET');
    assert.equal(first?.signal, 'curl.envoy.reset.connection_termination');
  });

  it('reads curl -i output, whose headers have no prefix, up to the end of the input', () => {
    const result = parseLogText(['HTTP/1.1 504 Gateway Time-out', 'Server: nginx/1.25.3', '', '<html>', '<hr><center>nginx/1.25.3</center>', '</html>'].join('\n'));
    assert.equal(result.findings[0]?.signal, 'curl.nginx.504');
    assert.equal(result.findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.deepEqual(result.findings[0]?.location, { line: 6 });
  });

  it('judges each response of a run that followed a redirect or made several requests', () => {
    const result = parseLogText(['< HTTP/1.1 301 Moved Permanently', '< location: https://x/', '<', '< HTTP/1.1 502 Bad Gateway', '< server: cloudflare', '< cf-ray: 8a1b2c3d4e5f6a7b-FRA', '<'].join('\n'));
    assert.deepEqual(result.summary.statusCounts, { '301': 1, '502': 1 });
    assert.equal(result.findings[0]?.signal, 'curl.cloudflare.502');
  });

  it('judges a response whose body a log goes on after, and reads the log lines as usual', () => {
    const nginx = (n: number) =>
      `2024/03/01 10:00:0${n} [error] 7#7: *${n} connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4, server: _, request: "GET / HTTP/1.1", upstream: "http://10.0.0.5:8080/", host: "x"`;
    const result = parseLogText(['HTTP/1.1 502 Bad Gateway', 'Server: awselb/2.0', '', 'Bad gateway', nginx(1), nginx(2)].join('\n'));
    assert.deepEqual(
      result.findings.map((f) => [f.signal, f.location.line]),
      [
        ['curl.aws_alb.502', 5],
        ['nginx.connect_refused', 5],
        ['nginx.connect_refused', 6],
      ],
    );
    assert.equal(result.summary.formats['nginx-error'], 2);
    // Headers straight followed by a log (no body): the same.
    const noBody = parseLogText(['HTTP/1.1 502 Bad Gateway', 'Server: awselb/2.0', nginx(1)].join('\n'));
    assert.deepEqual(noBody.findings.map((f) => f.signal), ['curl.aws_alb.502', 'nginx.connect_refused']);
  });

  it('gives no cause for a healthy answer, and leaves a quoted error line to its own reader', () => {
    assert.deepEqual(findings(['> GET / HTTP/1.1', '< HTTP/1.1 200 OK', '< server: nginx', '<', 'ok']), []);
    const quoted = parseLogText('> Error: connect ECONNREFUSED 10.0.0.7:5432');
    assert.equal(quoted.findings[0]?.signal, 'node.econnrefused');
  });
});
