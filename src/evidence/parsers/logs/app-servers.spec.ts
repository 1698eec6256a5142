import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLogLine } from './index.js';

describe('gunicorn', () => {
  it('reads "was sent code N" as the signal behind the exit status (137 = SIGKILL, 134 = SIGABRT)', () => {
    const killed = analyzeLogLine('[2024-05-06 09:08:09 +0000] [1] [ERROR] Worker (pid:42) was sent code 137!');
    assert.equal(killed.findings[0]?.signal, 'gunicorn.worker_killed_sigkill');
    assert.equal(killed.findings[0]?.category, 'CAPACITY');
    const aborted = analyzeLogLine('[2024-05-06 09:08:09 +0000] [1] [ERROR] Worker (pid:42) was sent code 134!');
    assert.equal(aborted.findings[0]?.signal, 'gunicorn.worker_aborted_on_timeout');
  });

  it('reads a worker timeout, with its zoned timestamp', () => {
    const r = analyzeLogLine('[2024-05-06 09:08:09 +0200] [1] [CRITICAL] WORKER TIMEOUT (pid:17)');
    assert.equal(r.format, 'gunicorn');
    assert.equal(r.findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.000Z');
  });

  it('tells a worker killed from outside (OOM) from one aborted on timeout', () => {
    assert.equal(analyzeLogLine('[2024-05-06 07:08:09 +0000] [1] [ERROR] Worker (pid:17) was sent SIGKILL! Perhaps out of memory?').findings[0]?.category, 'CAPACITY');
    assert.equal(analyzeLogLine('[2024-05-06 07:08:09 +0000] [1] [WARNING] Worker with pid 17 was terminated due to signal 9').findings[0]?.category, 'CAPACITY');
    assert.equal(analyzeLogLine('[2024-05-06 07:08:09 +0000] [1] [WARNING] Worker with pid 17 was terminated due to signal 6').findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.deepEqual(analyzeLogLine('[2024-05-06 07:08:09 +0000] [1] [INFO] Booting worker with pid: 18').findings, []);
  });
});

describe('uWSGI', () => {
  it('reads harakiri, a full listen queue and a too-small buffer', () => {
    assert.equal(analyzeLogLine('Mon May  6 07:08:09 2024 - *** HARAKIRI ON WORKER 3 (pid: 812, try: 1) ***').findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(analyzeLogLine('Mon May  6 07:08:09 2024 - *** uWSGI listen queue of socket "127.0.0.1:3031" (fd: 3) full !!! (101/100) ***').findings[0]?.category, 'CAPACITY');
    assert.equal(analyzeLogLine('invalid request block size: 21573 (max 4096)...skip').findings[0]?.category, 'GATEWAY_CONFIG');
  });

  it('reads a late write to a proxy that gave up as a timeout', () => {
    const r = analyzeLogLine('Mon May  6 07:08:09 2024 - uwsgi_response_writev_headers_and_body_do(): Broken pipe [core/writer.c line 306] during GET /report (10.0.0.1)');
    assert.equal(r.findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.000Z');
  });

  it('counts request-log lines without blaming the app status', () => {
    const r = analyzeLogLine('[pid: 812|app: 0|req: 1/1] 127.0.0.1 () {38 vars in 696 bytes} [Mon May  6 07:08:09 2024] GET /x => generated 21 bytes in 3 msecs (HTTP/1.1 502) 2 headers in 71 bytes (1 switches on core 0)');
    assert.equal(r.format, 'uwsgi');
    assert.deepEqual(r.findings, []);
  });
});

describe('Node.js', () => {
  it('reads connect errors with their address, and heap exhaustion', () => {
    const refused = analyzeLogLine('Error: connect ECONNREFUSED 10.0.0.9:5432 at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1606:16)');
    assert.equal(refused.format, 'node');
    assert.equal(refused.findings[0]?.category, 'UPSTREAM_DOWN');
    assert.equal(refused.findings[0]?.upstream, '10.0.0.9:5432');
    assert.equal(analyzeLogLine('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory').findings[0]?.category, 'CAPACITY');
    assert.equal(analyzeLogLine('Error: getaddrinfo ENOTFOUND db.internal').findings[0]?.category, 'DNS');
    assert.equal(analyzeLogLine('Error: listen EADDRINUSE: address already in use :::3000').findings[0]?.category, 'UPSTREAM_DOWN');
  });
});

describe('unstructured text', () => {
  it('still reads a Go or errno message in a line of unknown layout', () => {
    const r = analyzeLogLine('worker-7 payments: POST https://psp.example/charge failed: dial tcp 192.0.2.10:443: i/o timeout');
    assert.equal(r.format, 'text');
    assert.equal(r.findings[0]?.category, 'UPSTREAM_TIMEOUT');
    assert.equal(r.findings[0]?.upstream, '192.0.2.10:443');
  });

  it("reads llhttp's parse errors as a malformed answer from the other side", () => {
    const r = analyzeLogLine("Error: Parse Error: Invalid header value char { bytesParsed: 120, code: 'HPE_INVALID_HEADER_TOKEN', reason: 'Invalid header value char' }");
    assert.equal(r.format, 'node');
    assert.equal(r.findings[0]?.signal, 'node.http_parse_error');
    assert.equal(r.findings[0]?.category, 'UPSTREAM_RESET');
    assert.equal(analyzeLogLine("Error: Parse Error: Header overflow { code: 'HPE_HEADER_OVERFLOW' }").findings[0]?.category, 'GATEWAY_CONFIG');
  });

  it("reads the JVM's and Python's HTTP client exceptions by the stage they name", () => {
    const cases: Array<[string, string]> = [
      ['java.net.SocketTimeoutException: Read timed out', 'UPSTREAM_TIMEOUT'],
      ['java.net.SocketTimeoutException: connect timed out', 'UPSTREAM_TIMEOUT'],
      ['javax.net.ssl.SSLHandshakeException: PKIX path building failed: unable to find valid certification path to requested target', 'TLS'],
      ['org.apache.http.NoHttpResponseException: api.internal:8080 failed to respond', 'UPSTREAM_RESET'],
      ['reactor.netty.http.client.PrematureCloseException: Connection prematurely closed BEFORE response', 'UPSTREAM_RESET'],
      ["requests.exceptions.ReadTimeout: HTTPConnectionPool(host='api', port=8080): Read timed out. (read timeout=30)", 'UPSTREAM_TIMEOUT'],
      ['http.client.RemoteDisconnected: Remote end closed connection without response', 'UPSTREAM_RESET'],
      ["requests.exceptions.SSLError: HTTPSConnectionPool(host='api', port=443): [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", 'TLS'],
    ];
    for (const [line, category] of cases) assert.equal(analyzeLogLine(line).findings[0]?.category, category, line);
    // .NET prints the Windows socket errors, Java a reset without "by peer", axios its own timeout.
    const more: Array<[string, string]> = [
      ['System.Net.Http.HttpRequestException: No connection could be made because the target machine actively refused it. (api:443)', 'UPSTREAM_DOWN'],
      ['System.IO.IOException: Unable to read data from the transport connection: An existing connection was forcibly closed by the remote host.', 'UPSTREAM_RESET'],
      ['System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.', 'UPSTREAM_TIMEOUT'],
      ['Caused by: java.net.SocketException: Connection reset', 'UPSTREAM_RESET'],
      ['aiohttp.client_exceptions.ServerDisconnectedError: Server disconnected', 'UPSTREAM_RESET'],
      ['AxiosError: timeout of 5000ms exceeded', 'UPSTREAM_TIMEOUT'],
    ];
    for (const [line, category] of more) assert.equal(analyzeLogLine(line).findings[0]?.category, category, line);
    // The errno text alone stays ambiguous (Cloudflare's 522 page is titled so): no cause.
    assert.deepEqual(analyzeLogLine('Connection timed out').findings, []);
  });

  it('leaves a line that only quotes an nginx phrase to the family that knows its layout', () => {
    const r = analyzeLogLine('time="2024-03-01T10:00:00Z" level=error msg="error while resolving: lookup api on 10.96.0.10:53: server misbehaving"');
    assert.equal(r.format, 'traefik');
    assert.equal(r.findings[0]?.category, 'DNS');
  });

  it('returns no format and no finding for a line nobody understands', () => {
    assert.deepEqual(analyzeLogLine('Deploy finished in 42s, 3 services updated'), { format: null, findings: [] });
    assert.deepEqual(analyzeLogLine(''), { format: null, findings: [] });
  });
});
