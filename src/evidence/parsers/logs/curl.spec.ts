import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLogLine } from './index.js';

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

  it('gives no cause for exit codes that are not about the upstream', () => {
    assert.deepEqual(analyzeLogLine('curl: (3) URL using bad/illegal format or missing URL').findings, []);
    assert.deepEqual(analyzeLogLine('curl: (23) Failure writing output to destination').findings, []);
  });
});
