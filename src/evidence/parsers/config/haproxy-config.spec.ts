import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeNginxConfig } from './nginx-config.js';
import { analyzeHaproxyConfig, looksLikeHaproxyConfig } from './haproxy-config.js';

const signals = (config: string) => analyzeHaproxyConfig(config).findings.map((f) => `${f.signal}@${f.location.line}`);

describe('HAProxy configuration checks', () => {
  it('knows HAProxy configuration from nginx configuration', () => {
    const cfg = 'frontend fe\n  bind :80\n  default_backend be\nbackend be\n  server a 10.0.0.5:8080 check\n';
    assert.equal(looksLikeHaproxyConfig(cfg), true);
    assert.equal(looksLikeHaproxyConfig('server {\n  listen 80;\n  location / { proxy_pass http://app; }\n}'), false);
    assert.equal(looksLikeNginxConfig(cfg), false);
  });

  it('reads timeouts from the defaults in force, the last setting winning', () => {
    const cfg = [
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout server 50s',
      'backend ok',
      '  server a 10.0.0.5:8080 check',
      'backend short',
      '  timeout server 30s',
      '  timeout server 2s',
      '  server a 10.0.0.5:8080 check',
    ].join('\n');
    assert.deepEqual(signals(cfg), ['haproxy_config.short_timeout_server@9']);
    assert.deepEqual(signals('backend be\n  server a 10.0.0.5:8080 check\n'), ['haproxy_config.no_timeout_server@1', 'haproxy_config.no_timeout_connect@1']);
  });

  it('finds aggressive connection reuse and servers without health checks', () => {
    const cfg = [
      'defaults',
      '  timeout connect 5s',
      '  timeout server 30s # comment',
      'backend be',
      '  http-reuse always',
      '  server a 10.0.0.5:8080 check',
      '  server b 10.0.0.6:8080',
    ].join('\n');
    assert.deepEqual(signals(cfg), ['haproxy_config.aggressive_connection_reuse@5', 'haproxy_config.servers_without_health_check@7']);
    // `default-server … check` covers every server; a single server has nowhere else to go.
    assert.deepEqual(signals(cfg.replace('http-reuse always', 'default-server check inter 2s')), []);
    assert.deepEqual(signals('defaults\n timeout connect 5s\n timeout server 30s\nbackend be\n server a 10.0.0.5:8080\n'), []);
  });
});
