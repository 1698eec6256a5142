import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeNginxConfig, looksLikeNginxConfig } from './nginx-config.js';

const signals = (config: string) => analyzeNginxConfig(config).findings.map((f) => `${f.signal}@${f.location.line}`);

describe('nginx configuration checks', () => {
  it('knows nginx configuration from other text', () => {
    assert.equal(looksLikeNginxConfig('server {\n  location / { proxy_pass http://app:3000; }\n}'), true);
    assert.equal(looksLikeNginxConfig('upstream app {\n  server 10.0.0.5:8080;\n}'), true);
    assert.equal(looksLikeNginxConfig('timeout: 30s\nretries: 3\n'), false);
  });

  it('finds upstream keep-alive that is not in effect, naming what is missing', () => {
    const config = [
      'upstream app {',
      '  server 10.0.0.5:8080;',
      '  keepalive 32;',
      '}',
      'server {',
      '  location / {',
      '    proxy_pass http://app;',
      '  }',
      '}',
    ].join('\n');
    const [finding] = analyzeNginxConfig(config).findings;
    assert.equal(finding?.signal, 'nginx_config.upstream_keepalive_not_used');
    assert.deepEqual(finding?.location, { line: 7 });
    assert.equal(finding?.excerpt, 'proxy_pass http://app;');
    assert.deepEqual(finding?.detail?.missing, ['proxy_http_version 1.1', 'proxy_set_header Connection ""']);
  });

  it('follows inheritance: proxy_http_version from the server, proxy_set_header only from the innermost level that sets any', () => {
    const base = (location: string) =>
      [
        'upstream app { server 10.0.0.5:8080; keepalive 32; keepalive_timeout 60s; }',
        'server {',
        '  proxy_http_version 1.1;',
        '  proxy_set_header Connection "";',
        `  location / { ${location} proxy_pass http://app; }`,
        '}',
      ].join('\n');
    // Inherited from the server: keep-alive works, and its idle time outlives a 5 s app keep-alive.
    assert.deepEqual(signals(base('')), ['nginx_config.upstream_keepalive_may_outlive_app@1']);
    // A location with a proxy_set_header of its own inherits none: Connection is no longer cleared.
    assert.deepEqual(signals(base('proxy_set_header Host $host;')), ['nginx_config.upstream_keepalive_not_used@5']);
  });

  it('finds a variable proxy_pass without a resolver, and a name resolved only at start', () => {
    assert.deepEqual(signals('server {\n  set $backend api.internal;\n  location / { proxy_pass http://$backend:8080; }\n}'), ['nginx_config.variable_proxy_pass_without_resolver@3']);
    assert.deepEqual(signals('server {\n  resolver 10.0.0.2 valid=10s;\n  location / { proxy_pass http://$backend:8080; }\n}'), []);
    assert.deepEqual(signals('server {\n  location / { proxy_pass http://api.internal:8080; }\n}'), ['nginx_config.proxy_pass_name_resolved_once@2']);
    // Addresses and localhost need no resolving.
    assert.deepEqual(signals('server {\n  location / { proxy_pass http://10.0.0.5:8080; }\n  location /b { proxy_pass http://localhost:3000; }\n}'), []);
  });

  it('finds read and send timeouts too short for a real request, once per setting', () => {
    const config = 'http {\n  proxy_read_timeout 2s;\n  server {\n    location /a { proxy_pass http://10.0.0.5; }\n    location /b { proxy_pass http://10.0.0.6; }\n  }\n}';
    assert.deepEqual(signals(config), ['nginx_config.short_proxy_read_timeout@2']);
  });

  it('reads nginx -T output with comments, quotes and file separators, and survives unbalanced braces', () => {
    const dump = [
      'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok',
      '# configuration file /etc/nginx/conf.d/app.conf:',
      'server { # the app',
      "  add_header X-Note 'a { brace';",
      '  location / { proxy_pass http://app.internal; }',
      '}',
      '}',
    ].join('\n');
    const result = analyzeNginxConfig(dump);
    assert.deepEqual(result.findings.map((f) => f.signal), ['nginx_config.proxy_pass_name_resolved_once']);
    assert.equal(result.summary.proxyPasses, 1);
  });
});
