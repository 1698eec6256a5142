import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAnyUpstream, normalizeUpstream } from './hit.js';

describe('normalizeUpstream', () => {
  const inputs = [
    '10.0.3.7:8080',
    'http://10.0.3.7:8080/api/cart?x=1',
    'https://orders.shop.svc.cluster.local:8443/',
    'grpc://orders:50051',
    'HTTP://Orders:80/x',
    'http:///path',
    'http://',
    'h2c+tls://a:1',
    '1http://a:1/b',
    'a:1/http://b:2',
    'fastcgi://unix:/run/php-fpm.sock:',
    'unix:/run/app.sock',
    'Unix:/run/app.sock',
    'upstream-a:8080',
    '/run/php/php8.2-fpm.sock',
    '/run/app.sock:',
    '10.0.0.1:',
    '10.0.0.1::',
    ':',
    '-',
    '-/x',
    '*',
    '"10.0.0.1:80"',
    '(10.0.0.1:80),',
    ' 10.0.0.1 : 80 ',
    '[::1]:8080',
    'outbound|8080||orders.shop.svc.cluster.local',
    '10.0.0.1:80/a/b/c',
    `${'a'.repeat(250)}:80`,
    `http://${'b'.repeat(250)}/x`,
    'é.example:80',
  ];

  it('reads plain addresses quickly and everything else by the general rules, with the same answers', () => {
    for (const raw of inputs) assert.equal(normalizeUpstream(raw), normalizeAnyUpstream(raw), raw);
  });

  it('reduces an upstream to what compares across lines', () => {
    assert.equal(normalizeUpstream('http://10.0.3.7:8080/api/cart'), '10.0.3.7:8080');
    assert.equal(normalizeUpstream('fastcgi://unix:/run/php-fpm.sock:'), 'unix:/run/php-fpm.sock');
    assert.equal(normalizeUpstream('-'), null);
    assert.equal(normalizeUpstream(''), null);
  });
});
