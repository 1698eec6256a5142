import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { parseEvidence } from './parse-evidence.js';

const parse = (kind: Parameters<typeof parseEvidence>[0], text: string) => {
  const bytes = Buffer.from(text);
  return parseEvidence(kind, () => Readable.from([bytes]), bytes.subarray(0, 16));
};

describe('config evidence', () => {
  it('picks the checker by what the text is, and keeps other configurations unread', async () => {
    const haproxy = await parse('config', 'backend be\n  server a 10.0.0.5:8080 check\n');
    assert.equal(haproxy.status === 'parsed' && haproxy.parser, 'haproxy-config');
    const nginx = await parse('config', 'server {\n  location / { proxy_pass http://$backend; }\n}\n');
    assert.equal(nginx.status === 'parsed' && nginx.parser, 'nginx-config');
    assert.equal(nginx.findings[0]?.signal, 'nginx_config.variable_proxy_pass_without_resolver');
    assert.deepEqual(await parse('config', 'replicas: 3\n'), { status: 'parsed', parser: null, findings: [], summary: {} });
  });

  it('keeps a file too large to be a configuration unread, and says so', async () => {
    const big = await parse('config', `server {\n  location / { proxy_pass http://$backend; }\n}\n${'#'.repeat(5 * 1024 * 1024)}`);
    assert.deepEqual(big, { status: 'parsed', parser: null, findings: [], summary: { tooLargeToCheck: true } });
  });
});
