import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLogLine } from './index.js';

const alb = (target: string, times: string, elb: string, tgt: string, errorReason = '-') =>
  `https 2024-05-06T07:08:09.123456Z app/shop-alb/50dc6c495c0c9188 203.0.113.9:51234 ${target} ${times} ${elb} ${tgt} 230 615 "GET https://shop.example.com:443/api/orders HTTP/1.1" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/orders/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "shop.example.com" "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" 0 2024-05-06T07:08:09.000000Z "forward" "-" "${errorReason}" "${target}" "${tgt}" "-" "-"`;

describe('AWS load balancer access logs', () => {
  it('reads an LB-generated 504 as a target timeout, with target and time', () => {
    const r = analyzeLogLine(alb('10.0.1.17:8080', '0.000 -1 -1', '504', '-'));
    assert.equal(r.format, 'aws-alb');
    assert.equal(r.findings[0]?.signal, 'alb.target_timeout');
    assert.equal(r.findings[0]?.upstream, '10.0.1.17:8080');
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.123Z');
  });

  it('reads a 502 where the target closed the connection as the keep-alive mismatch', () => {
    const r = analyzeLogLine(alb('10.0.1.17:8080', '0.000 0.001 -1', '502', '-'));
    assert.deepEqual(
      r.findings.map((f) => f.category),
      ['GATEWAY_CONFIG', 'UPSTREAM_RESET'],
    );
  });

  it('reads 503 without a target as no healthy targets, and relayed 5xx as faint', () => {
    assert.equal(analyzeLogLine(alb('-', '-1 -1 -1', '503', '-')).findings[0]?.signal, 'alb.no_healthy_targets');
    const relayed = analyzeLogLine(alb('10.0.1.17:8080', '0.000 0.020 0.000', '502', '502'));
    assert.equal(relayed.findings[0]?.signal, 'alb.target_returned_502');
    assert.ok(relayed.findings[0]!.weight <= 2);
  });

  it('reads error_reason codes of Lambda targets', () => {
    assert.equal(analyzeLogLine(alb('-', '0.001 -1 -1', '503', '-', 'LambdaThrottling')).findings[0]?.category, 'CAPACITY');
  });

  it('gives nothing for a successful request', () => {
    const r = analyzeLogLine(alb('10.0.1.17:8080', '0.000 0.012 0.000', '200', '200'));
    assert.equal(r.format, 'aws-alb');
    assert.deepEqual(r.findings, []);
  });

  it('reads the Classic ELB layout', () => {
    const r = analyzeLogLine('2024-05-06T07:08:09.123456Z shop-elb 203.0.113.9:51234 10.0.1.17:80 0.000041 -1 -1 504 - 0 0 "GET http://shop.example.com:80/ HTTP/1.1" "curl/8.5.0" - -');
    assert.equal(r.format, 'aws-clb');
    assert.equal(r.findings[0]?.signal, 'clb.target_timeout');
  });
});

describe('Cloudflare', () => {
  it('reads a Logpush 522 as the edge failing to reach the origin', () => {
    const r = analyzeLogLine(
      JSON.stringify({
        ClientRequestHost: 'shop.example.com',
        EdgeResponseStatus: 522,
        OriginResponseStatus: 0,
        EdgeStartTimestamp: 1714979289123000000,
        OriginIP: '198.51.100.20',
        RayID: '88f1a2b3c4d5e6f7',
      }),
    );
    assert.equal(r.format, 'cloudflare-logpush');
    assert.equal(r.findings[0]?.category, 'CDN_EDGE');
    assert.equal(r.findings[0]?.signal, 'cloudflare.522');
    assert.ok(r.findings.some((f) => f.category === 'NETWORK'));
    assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.123Z');
  });

  it('reads error pages by code and by their sentences', () => {
    const page = analyzeLogLine('<title>shop.example.com | 521: Web server is down</title>');
    assert.equal(page.format, 'cloudflare-page');
    assert.deepEqual(
      page.findings.map((f) => f.category),
      ['CDN_EDGE', 'UPSTREAM_DOWN'],
    );
    const html = analyzeLogLine('<h1>Invalid SSL certificate</h1>\n<p>Cloudflare could not validate the SSL certificate on the origin web server.</p>');
    assert.equal(html.findings[1]?.category, 'TLS');
    assert.deepEqual(analyzeLogLine('{"EdgeResponseStatus":200,"RayID":"88f1","ClientRequestHost":"a.example"}').findings, []);
  });

  it('reads a page title alone, with or without the site name, in either of its forms', () => {
    const signals = (line: string) => analyzeLogLine(line).findings.map((f) => f.signal);
    assert.deepEqual(signals('<title>521: Web server is down</title>'), ['cloudflare.521', 'cloudflare.origin_refused_connection']);
    assert.deepEqual(signals('<title>522: Connection timed out</title>'), ['cloudflare.522', 'cloudflare.origin_connect_timeout_network', 'cloudflare.origin_connect_timeout']);
    assert.deepEqual(signals('Origin is unreachable | shop.example.com | Cloudflare'), ['cloudflare.523', 'cloudflare.origin_unreachable']);
    assert.deepEqual(signals('<title>shop.example.com | 526: Invalid SSL certificate</title>'), ['cloudflare.526', 'cloudflare.origin_invalid_certificate']);
    // A title phrase with another code, or without Cloudflare's layout, is not a Cloudflare page.
    assert.deepEqual(signals('521: Connection timed out'), []);
    assert.deepEqual(signals('Web server is down'), []);
  });

  it("reads the 1xxx pages that say why the origin was not reached", () => {
    const first = (line: string) => analyzeLogLine(line).findings.map((f) => `${f.signal}:${f.category}`)[0];
    assert.equal(first('Error 1033 Ray ID: 7a1b2c3d4e5f6789 • 2024-03-01 10:00:00 UTC Cloudflare Tunnel error'), 'cloudflare.tunnel_connector_down:UPSTREAM_DOWN');
    assert.equal(first('Error 1033 Ray ID: 7a1b2c3d4e5f6789 • 2024-03-01 10:00:00 UTC Argo Tunnel error'), 'cloudflare.tunnel_connector_down:UPSTREAM_DOWN');
    assert.equal(first('Error 1016 Ray ID: 7a1b2c3d4e5f6789 • 2024-03-01 10:00:00 UTC Origin DNS error'), 'cloudflare.origin_dns_error:DNS');
    assert.equal(first('Error 1000 Ray ID: 7a1b2c3d4e5f6789 • 2024-03-01 10:00:00 UTC DNS points to prohibited IP'), 'cloudflare.dns_points_to_prohibited_ip:GATEWAY_CONFIG');
    // A code with another code's title is not that page.
    assert.equal(first('Error 1033 Ray ID: 7a1b2c3d4e5f6789 Origin DNS error'), undefined);
  });

  it("reads the page's heading and code as a copy of its text has them", () => {
    const signals = (line: string) => analyzeLogLine(line).findings.map((f) => f.signal);
    assert.deepEqual(signals('Invalid SSL certificate Error code 526'), ['cloudflare.526', 'cloudflare.origin_invalid_certificate']);
    assert.deepEqual(signals('A timeout occurred  Error code 524'), ['cloudflare.524', 'cloudflare.origin_read_timeout']);
    // The heading must be the code's own.
    assert.deepEqual(signals('Invalid SSL certificate Error code 521'), []);
  });
});

describe('Google Cloud Application Load Balancer', () => {
  const entry = (status: number, statusDetails: string) =>
    JSON.stringify({
      httpRequest: { requestMethod: 'GET', requestUrl: 'https://shop.example.com/api/cart', status, serverIp: '10.128.0.7', latency: '0.004s' },
      jsonPayload: { '@type': 'type.googleapis.com/google.cloud.loadbalancing.type.LoadBalancerLogEntry', statusDetails },
      resource: { type: 'http_load_balancer' },
      timestamp: '2024-05-06T07:08:09.123456Z',
    });

  it('reads statusDetails: who produced the status, and why', () => {
    const cases: Array<[number, string, string, string]> = [
      [502, 'failed_to_connect_to_backend', 'UPSTREAM_DOWN', 'gcp_lb.failed_to_connect_to_backend'],
      [503, 'failed_to_pick_backend', 'UPSTREAM_DOWN', 'gcp_lb.failed_to_pick_backend'],
      [504, 'backend_timeout', 'UPSTREAM_TIMEOUT', 'gcp_lb.backend_timeout'],
      [502, 'backend_connection_closed_before_data_sent_to_client', 'UPSTREAM_RESET', 'gcp_lb.backend_closed_connection'],
      [502, 'response_sent_by_backend', 'UPSTREAM_RESET', 'gcp_lb.backend_returned_502'],
    ];
    for (const [status, details, category, signal] of cases) {
      const r = analyzeLogLine(entry(status, details));
      assert.equal(r.format, 'gcp-lb', details);
      assert.equal(r.findings[0]?.category, category, details);
      assert.equal(r.findings[0]?.signal, signal, details);
      assert.equal(r.findings[0]?.upstream, '10.128.0.7', details);
      assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.123Z', details);
    }
    // The keep-alive race is named beside the reset.
    assert.ok(analyzeLogLine(entry(502, 'backend_connection_closed_before_data_sent_to_client')).findings.some((f) => f.signal === 'gcp_lb.backend_keepalive_under_600s'));
  });

  it('gives no cause for client-side details or a healthy answer', () => {
    assert.deepEqual(analyzeLogLine(entry(0, 'client_disconnected_before_any_response')).findings, []);
    assert.deepEqual(analyzeLogLine(entry(200, 'response_sent_by_backend')).findings, []);
  });
});

describe('Amazon CloudFront', () => {
  const line = (status: string, resultType: string, detailed: string) =>
    [
      '2024-05-06', '07:08:09', 'FRA56-P3', '410', '203.0.113.9', 'GET', 'd111111abcdef8.cloudfront.net', '/api/cart', status, '-',
      'Mozilla/5.0', '-', '-', resultType, 'aBc123==', 'shop.example.com', 'https', '151', '0.002', '-', 'TLSv1.3',
      'TLS_AES_128_GCM_SHA256', resultType, 'HTTP/2.0', '-', '-', '56789', '0.002', detailed, 'text/html', '410', '-', '-',
    ].join('\t');

  it('reads the detailed result type of an error', () => {
    const cases: Array<[string, string, string]> = [
      ['502', 'OriginConnectError', 'UPSTREAM_DOWN'],
      ['502', 'OriginDnsError', 'DNS'],
      ['502', 'OriginInvalidResponseError', 'UPSTREAM_RESET'],
      ['502', 'LambdaValidationError', 'GATEWAY_CONFIG'],
    ];
    for (const [status, detailed, category] of cases) {
      const r = analyzeLogLine(line(status, 'Error', detailed));
      assert.equal(r.format, 'cloudfront', detailed);
      assert.equal(r.findings[0]?.category, category, detailed);
      assert.equal(r.findings[0]?.signal, `cloudfront.${detailed}`, detailed);
      assert.equal(r.findings[0]?.upstream, 'shop.example.com');
      assert.equal(r.findings[0]?.observedAt, '2024-05-06T07:08:09.000Z');
    }
    assert.equal(analyzeLogLine(line('503', 'CapacityExceeded', 'CapacityExceeded')).findings[0]?.category, 'CAPACITY');
  });

  it('gives no cause for hits, misses and client-side errors', () => {
    assert.deepEqual(analyzeLogLine(line('200', 'Hit', 'Hit')), { format: 'cloudfront', findings: [] });
    assert.deepEqual(analyzeLogLine(line('000', 'Error', 'ClientHungUpRequest')).findings, []);
    assert.deepEqual(analyzeLogLine(line('400', 'Error', 'InvalidRequestHeader')).findings, []);
  });

  it("reads CloudFront's error page as the edge's, with the origin-side causes its documentation names", () => {
    const r = analyzeLogLine(
      '502 ERROR The request could not be satisfied. CloudFront wasn\'t able to connect to the origin. Generated by cloudfront (CloudFront) Request ID: aBc123==',
    );
    assert.equal(r.format, 'cloudfront-page');
    assert.deepEqual(r.findings.map((f) => f.category), ['CDN_EDGE', 'TLS', 'UPSTREAM_DOWN']);
    assert.deepEqual(analyzeLogLine('504 ERROR The request could not be satisfied. Generated by cloudfront (CloudFront)').findings.map((f) => f.category), ['CDN_EDGE', 'UPSTREAM_TIMEOUT']);
    assert.deepEqual(analyzeLogLine('503 ERROR The request could not be satisfied. Generated by cloudfront (CloudFront)').findings.map((f) => f.category), ['CDN_EDGE', 'CAPACITY']);
  });
});

describe('API Gateway and Lambda', () => {
  const first = (line: string) => {
    const r = analyzeLogLine(line);
    return r.findings[0] ? `${r.format} ${r.findings[0].signal}:${r.findings[0].category}` : `${r.format} none`;
  };

  it("reads the execution log, the client-facing bodies and Lambda's report lines", () => {
    assert.equal(first('(c0ffee12-3456-7890-abcd-ef0123456789) Execution failed due to a timeout error'), 'aws-api-gateway apigw.integration_timeout:UPSTREAM_TIMEOUT');
    assert.equal(
      first('(c0ffee12-3456-7890-abcd-ef0123456789) Execution failed due to configuration error: Malformed Lambda proxy response'),
      'aws-api-gateway apigw.malformed_lambda_response:UPSTREAM_RESET',
    );
    assert.equal(first('(c0ffee12) Execution failed due to configuration error: Invalid endpoint address'), 'aws-api-gateway apigw.integration_misconfigured:GATEWAY_CONFIG');
    assert.equal(first('{"message": "Endpoint request timed out"}'), 'aws-api-gateway apigw.endpoint_timeout:UPSTREAM_TIMEOUT');
    assert.equal(first('{"message":"Internal server error"}'), 'aws-api-gateway apigw.internal_server_error:UPSTREAM_RESET');
    assert.equal(first('2026-11-25T10:00:00.000Z 8d7e6f5a Task timed out after 30.03 seconds'), 'aws-lambda lambda.task_timeout:UPSTREAM_TIMEOUT');
    assert.equal(first('RequestId: 8d7e6f5a Error: Runtime exited with error: signal: killed Runtime.ExitError'), 'aws-lambda lambda.out_of_memory:CAPACITY');
    assert.equal(first('TooManyRequestsException: Rate Exceeded.'), 'aws-lambda lambda.throttled:CAPACITY');
    // A message with other keys is some app's own record, not API Gateway's body.
    assert.equal(analyzeLogLine('{"message":"Internal server error","user":"42"}').findings.length, 0);
  });
});
