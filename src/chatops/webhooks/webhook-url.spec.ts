import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPublicAddress, MAX_WEBHOOK_URL_LENGTH, parseWebhookUrl, resolveWebhookTarget, type WebhookLookup } from './webhook-url.js';

const noLookup: WebhookLookup = async (host) => {
  throw new Error(`lookup must not be called (asked for ${host})`);
};

const fixedLookup =
  (...addresses: string[]): WebhookLookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

function mustParse(raw: string): URL {
  const parsed = parseWebhookUrl(raw);
  assert.ok(parsed.ok, `expected ${raw} to parse`);
  return parsed.url;
}

describe('parseWebhookUrl', () => {
  it('accepts http and https URLs', () => {
    for (const raw of ['https://hooks.example.com/stepwise', 'http://example.org:8080/a?b=c']) {
      const parsed = parseWebhookUrl(raw);
      assert.ok(parsed.ok, raw);
      assert.equal(parsed.url.href, raw);
    }
  });

  it('refuses other schemes', () => {
    for (const raw of ['ftp://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://example.com/_x', 'data:text/plain,hi', 'ws://example.com/']) {
      const parsed = parseWebhookUrl(raw);
      assert.equal(parsed.ok, false, raw);
      assert.ok(!parsed.ok && /scheme/.test(parsed.reason), raw);
    }
  });

  it('refuses credentials in the URL', () => {
    for (const raw of ['https://user:pass@example.com/', 'https://user@example.com/', 'https://:pass@example.com/']) {
      const parsed = parseWebhookUrl(raw);
      assert.ok(!parsed.ok && /credentials/.test(parsed.reason), raw);
    }
  });

  it('refuses empty, unparsable and host-less input', () => {
    for (const raw of ['', '   ', 'not a url', '/relative/path', 'https://', 'http://[::1/']) {
      assert.equal(parseWebhookUrl(raw).ok, false, JSON.stringify(raw));
    }
  });

  it('enforces the length limit', () => {
    const prefix = 'https://example.com/';
    assert.equal(parseWebhookUrl(prefix + 'a'.repeat(MAX_WEBHOOK_URL_LENGTH - prefix.length)).ok, true);
    const tooLong = parseWebhookUrl(prefix + 'a'.repeat(MAX_WEBHOOK_URL_LENGTH - prefix.length + 1));
    assert.ok(!tooLong.ok && /longer/.test(tooLong.reason));
  });
});

describe('isPublicAddress', () => {
  const publicAddresses = [
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '100.63.255.255', // just below CGNAT
    '100.128.0.0', // just above CGNAT
    '172.15.255.255', // just below 172.16/12
    '172.32.0.0', // just above 172.16/12
    '192.0.1.1',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '::ffff:808:808', // hex form of ::ffff:8.8.8.8
    '64:ff9b::8.8.8.8',
    '2002:808:808::1', // 6to4 for 8.8.8.8
  ];
  const privateAddresses = [
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '10.255.255.255',
    '100.64.0.1',
    '100.127.255.255',
    '127.0.0.1',
    '127.255.255.254',
    '169.254.169.254', // cloud metadata
    '169.254.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.168.1.1',
    '198.18.0.1',
    '198.19.255.255',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '0:0:0:0:0:0:0:1',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'fc00::1',
    'fd12:3456:789a::1',
    'ff02::1',
    'ff05::2',
    '2001:db8::1',
    '2001:db8:ffff::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1', // hex form of ::ffff:127.0.0.1
    '::ffff:a9fe:a9fe', // ::ffff:169.254.169.254
    '::ffff:10.0.0.1',
    '0:0:0:0:0:ffff:c0a8:101', // ::ffff:192.168.1.1, uncompressed
    '::ffff:0:127.0.0.1', // IPv4-translated
    '::127.0.0.1', // deprecated IPv4-compatible
    '64:ff9b::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::8.8.8.8', // local-use NAT64
    '2002:7f00:1::1', // 6to4 for 127.0.0.1
    '100::1', // outside 2000::/3
  ];
  const notAddresses = ['', 'localhost', 'example.com', '127.1', '2130706433', '0x7f.0.0.1', '010.0.0.1', '256.1.1.1', '1.2.3', ':::1', '[::1]'];

  for (const ip of publicAddresses) {
    it(`${ip} is public`, () => assert.equal(isPublicAddress(ip), true));
  }
  for (const ip of privateAddresses) {
    it(`${ip} is not public`, () => assert.equal(isPublicAddress(ip), false));
  }
  for (const value of notAddresses) {
    it(`${JSON.stringify(value)} is not an address, so not public`, () => assert.equal(isPublicAddress(value), false));
  }
});

describe('resolveWebhookTarget', () => {
  it('checks literal IPv4 hosts without resolving', async () => {
    assert.deepEqual(await resolveWebhookTarget(mustParse('https://8.8.8.8/hook'), { allowPrivate: false, lookup: noLookup }), { ok: true, addresses: ['8.8.8.8'] });
    const refused = await resolveWebhookTarget(mustParse('http://169.254.169.254/latest/meta-data/'), { allowPrivate: false, lookup: noLookup });
    assert.ok(!refused.ok && /169\.254\.169\.254/.test(refused.reason));
  });

  it('strips brackets from literal IPv6 hosts', async () => {
    assert.deepEqual(await resolveWebhookTarget(mustParse('https://[2606:4700:4700::1111]/'), { allowPrivate: false, lookup: noLookup }), {
      ok: true,
      addresses: ['2606:4700:4700::1111'],
    });
    for (const raw of ['http://[::1]:8080/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[fd00::1]/', 'http://[fe80::1]/']) {
      assert.equal((await resolveWebhookTarget(mustParse(raw), { allowPrivate: false, lookup: noLookup })).ok, false, raw);
    }
  });

  it('refuses odd IPv4 notations that the URL parser normalises to private addresses', async () => {
    for (const raw of ['http://2130706433/', 'http://0x7f.1/', 'http://0x7f000001/', 'http://127.1/', 'http://017700000001/', 'http://0177.0.0.1/', 'http://0xa9.0xfe.0xa9.0xfe/']) {
      const url = mustParse(raw);
      const result = await resolveWebhookTarget(url, { allowPrivate: false, lookup: noLookup });
      assert.ok(!result.ok, `${raw} (normalised to ${url.hostname}) must be refused`);
    }
  });

  it('allowPrivate lets loopback through', async () => {
    assert.deepEqual(await resolveWebhookTarget(mustParse('http://127.0.0.1:4000/hook'), { allowPrivate: true, lookup: noLookup }), {
      ok: true,
      addresses: ['127.0.0.1'],
    });
    assert.deepEqual(await resolveWebhookTarget(mustParse('http://localhost:4000/hook'), { allowPrivate: true, lookup: fixedLookup('127.0.0.1', '::1') }), {
      ok: true,
      addresses: ['127.0.0.1', '::1'],
    });
  });

  it('refuses localhost names without resolving them', async () => {
    for (const raw of ['http://localhost/', 'http://LOCALHOST:3000/', 'http://localhost./', 'http://api.localhost/', 'http://a.b.localhost/']) {
      const result = await resolveWebhookTarget(mustParse(raw), { allowPrivate: false, lookup: noLookup });
      assert.ok(!result.ok && /loopback name/.test(result.reason), raw);
    }
  });

  it('does not treat names that merely contain "localhost" as loopback', async () => {
    const result = await resolveWebhookTarget(mustParse('https://localhost.example.com/'), { allowPrivate: false, lookup: fixedLookup('93.184.216.34') });
    assert.deepEqual(result, { ok: true, addresses: ['93.184.216.34'] });
  });

  it('resolves names and returns every address when all are public', async () => {
    const asked: string[] = [];
    const lookup: WebhookLookup = async (host) => {
      asked.push(host);
      return [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
      ];
    };
    const result = await resolveWebhookTarget(mustParse('https://hooks.example.com/x'), { allowPrivate: false, lookup });
    assert.deepEqual(result, { ok: true, addresses: ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'] });
    assert.deepEqual(asked, ['hooks.example.com']);
  });

  it('refuses a name if any resolved address is not public', async () => {
    const result = await resolveWebhookTarget(mustParse('https://rebind.example.com/'), { allowPrivate: false, lookup: fixedLookup('93.184.216.34', '10.0.0.5') });
    assert.ok(!result.ok && /10\.0\.0\.5/.test(result.reason));
    const mapped = await resolveWebhookTarget(mustParse('https://mapped.example.com/'), { allowPrivate: false, lookup: fixedLookup('::ffff:127.0.0.1') });
    assert.equal(mapped.ok, false);
  });

  it('allowPrivate accepts a name resolving to private addresses', async () => {
    const result = await resolveWebhookTarget(mustParse('http://receiver.internal/'), { allowPrivate: true, lookup: fixedLookup('10.0.0.5') });
    assert.deepEqual(result, { ok: true, addresses: ['10.0.0.5'] });
  });

  it('reports DNS failures and empty answers as refusals', async () => {
    const failing: WebhookLookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nope.example.com'), { code: 'ENOTFOUND' });
    };
    const failed = await resolveWebhookTarget(mustParse('https://nope.example.com/'), { allowPrivate: false, lookup: failing });
    assert.ok(!failed.ok && /DNS lookup for nope\.example\.com failed: ENOTFOUND/.test(failed.reason));

    const empty = await resolveWebhookTarget(mustParse('https://empty.example.com/'), { allowPrivate: false, lookup: fixedLookup() });
    assert.ok(!empty.ok && /no addresses/.test(empty.reason));
  });

  it('refuses a non-http URL handed in directly', async () => {
    const result = await resolveWebhookTarget(new URL('ftp://8.8.8.8/'), { allowPrivate: true, lookup: noLookup });
    assert.ok(!result.ok && /scheme/.test(result.reason));
  });

  it('uses the system resolver by default (localhost via allowPrivate)', async () => {
    const result = await resolveWebhookTarget(mustParse('http://localhost/'), { allowPrivate: true });
    assert.ok(result.ok, 'localhost resolves on any machine');
    assert.ok(result.addresses.every((address) => !isPublicAddress(address)));
  });
});
