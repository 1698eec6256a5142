import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CHECK_PLACEHOLDERS, PLACEHOLDER_MARKERS, fillCheckCommand, placeholdersIn, shellQuote } from './placeholders.js';

/**
 * Runs a command with /bin/sh and no PATH: only shell builtins (printf) work, so a quoting
 * failure shows up as extra output or an error, never as a command actually run.
 */
function runInShell(command: string): string {
  return execFileSync('/bin/sh', ['-c', command], { env: { PATH: '' }, encoding: 'utf8' });
}

const ALL_PLACEHOLDERS = CHECK_PLACEHOLDERS.map((name) => `${name}={{${name}}}`).join(' ');

describe('fillCheckCommand', () => {
  it('derives host, scheme, port and path (with the query) from the URL', () => {
    const filled = fillCheckCommand('{{scheme}} {{host}} {{port}} {{path}} {{url}}', {
      url: 'https://shop.example.com/api/cart?id=42',
    });
    assert.equal(filled, "https shop.example.com 443 '/api/cart?id=42' 'https://shop.example.com/api/cart?id=42'");
  });

  it('fills the CDN-bypass command a responder copies', () => {
    const filled = fillCheckCommand('curl -sv --resolve {{host}}:{{port}}:{{originIp}} {{url}}', {
      url: 'https://shop.example.com/checkout',
      originIp: '203.0.113.7',
    });
    assert.equal(filled, 'curl -sv --resolve shop.example.com:443:203.0.113.7 https://shop.example.com/checkout');
  });

  it('uses the explicit port, and 80 for plain http', () => {
    assert.equal(fillCheckCommand('{{port}}', { url: 'https://example.com:8443/x' }), '8443');
    assert.equal(fillCheckCommand('{{scheme}} {{port}}', { url: 'http://example.com/' }), 'http 80');
  });

  it('reads a URL without a scheme as https', () => {
    assert.equal(fillCheckCommand('{{url}} {{host}} {{path}}', { url: 'example.com/health' }), 'https://example.com/health example.com /health');
  });

  it('drops credentials and the fragment from the URL', () => {
    const filled = fillCheckCommand('{{url}} {{path}}', { url: 'https://alice:s3cret@example.com/a?b=1#section' });
    assert.equal(filled, "'https://example.com/a?b=1' '/a?b=1'");
    assert.doesNotMatch(filled, /s3cret|alice|section/);
  });

  it('fills method, service, origin IP and upstream', () => {
    const filled = fillCheckCommand('{{method}} {{service}} {{originIp}} {{upstream}}', {
      method: 'post',
      service: 'checkout-api',
      originIp: '2001:db8::7',
      upstream: '10.0.3.12:8080',
    });
    assert.equal(filled, 'POST checkout-api 2001:db8::7 10.0.3.12:8080');
  });

  it('leaves readable markers for everything unknown and never writes undefined', () => {
    const filled = fillCheckCommand(ALL_PLACEHOLDERS, {});
    assert.equal(
      filled,
      "host='<host>' url='<url>' path='<path>' method='<method>' scheme='<scheme>' port='<port>' service='<service>' originIp='<origin-ip>' upstream='<upstream>'",
    );
    assert.doesNotMatch(filled, /undefined|\{\{/);
    for (const name of CHECK_PLACEHOLDERS) assert.ok(filled.includes(PLACEHOLDER_MARKERS[name]), name);
  });

  it('quotes markers so that a pasted, unfilled command cannot redirect into a file', () => {
    const filled = fillCheckCommand("printf '%s\\n' http://{{upstream}}{{path}}", { url: 'https://example.com/victim' });
    assert.equal(filled, "printf '%s\\n' http://'<upstream>'/victim");
    assert.equal(runInShell(filled), 'http://<upstream>/victim\n');
  });

  it('treats blank, unparseable or non-http values as unknown', () => {
    assert.equal(fillCheckCommand('{{host}} {{url}} {{service}}', { url: '   ', service: '  ' }), "'<host>' '<url>' '<service>'");
    assert.equal(fillCheckCommand('{{host}} {{url}}', { url: 'http://' }), "'<host>' '<url>'");
    assert.equal(fillCheckCommand('{{host}} {{url}}', { url: 'ftp://files.example.com/x' }), "'<host>' '<url>'");
    assert.equal(fillCheckCommand('{{method}}', { method: 'GET /x' }), "'<method>'");
  });

  it('leaves unknown placeholder names as written', () => {
    assert.equal(fillCheckCommand('echo {{region}} {{host}}', { url: 'https://a.example/' }), 'echo {{region}} a.example');
  });

  it('does not substitute inside a substituted value', () => {
    assert.equal(fillCheckCommand('{{service}} {{host}}', { service: '{{host}}', url: 'https://a.example/' }), "'{{host}}' a.example");
  });

  it("neutralises a URL built to inject commands ('$(rm -rf /)')", () => {
    const url = "https://example.com/'$(rm -rf /)'";
    const filled = fillCheckCommand('curl -sv {{url}}', { url });
    const href = new URL(url).href;
    assert.equal(filled, `curl -sv ${shellQuote(href)}`);
    assert.ok(filled.startsWith("curl -sv 'https://example.com/"), 'the URL is single-quoted');
    // The shell must read the whole URL back as one literal argument.
    assert.equal(runInShell(fillCheckCommand("printf '%s\\n' {{url}} {{path}}", { url })), `${href}\n${new URL(url).pathname}\n`);
  });

  it('keeps command substitution, backticks, semicolons and globs in values literal', () => {
    const url = 'https://example.com/a;b?q=$(printf%20INJECTED)&r=`printf INJECTED`&s=*';
    const service = 'web; printf INJECTED; $(printf INJECTED) `printf INJECTED` *';
    const upstream = "10.0.0.1:80'; printf INJECTED; '";
    const output = runInShell(fillCheckCommand("printf '[%s]\\n' {{url}} {{host}} {{path}} {{service}} {{upstream}}", { url, service, upstream }));
    const parsed = new URL(url);
    assert.equal(output, [`[${parsed.href}]`, `[${parsed.hostname}]`, `[${parsed.pathname}${parsed.search}]`, `[${service}]`, `[${upstream}]`, ''].join('\n'));
  });

  it('rejects values that would be read as options or break a line', () => {
    assert.equal(fillCheckCommand('{{service}}', { service: '--output=/etc/passwd' }), "'<service>'");
    assert.equal(fillCheckCommand('{{originIp}}', { originIp: '-oProxyCommand=x' }), "'<origin-ip>'");
    assert.equal(fillCheckCommand('{{service}}', { service: 'web\nprintf INJECTED' }), "'<service>'");
    assert.equal(fillCheckCommand('{{upstream}}', { upstream: 'a\u0000b' }), "'<upstream>'");
  });
});

describe('shellQuote', () => {
  it('leaves plain words bare and quotes everything else', () => {
    assert.equal(shellQuote('shop.example.com'), 'shop.example.com');
    assert.equal(shellQuote('10.0.0.1:8080'), '10.0.0.1:8080');
    assert.equal(shellQuote('https://example.com/a/b'), 'https://example.com/a/b');
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.equal(shellQuote('~root'), "'~root'");
  });

  it('round-trips awkward strings through the shell unchanged', () => {
    const values = ["'", "''", '"', '$HOME', '$(printf x)', '`printf x`', '\\', 'a\nb', '  spaced  ', '*', '!x', '#c', '&|;<>()', "'$(rm -rf /)'"];
    for (const value of values) assert.equal(runInShell(`printf '%s' ${shellQuote(value)}`), value, JSON.stringify(value));
  });
});

describe('placeholdersIn', () => {
  it('lists each placeholder once, in order of first use', () => {
    assert.deepEqual(placeholdersIn('curl --resolve {{host}}:443:{{originIp}} {{url}} -H {{host}} {{bogus}}'), ['host', 'originIp', 'url', 'bogus']);
    assert.deepEqual(placeholdersIn('echo no placeholders'), []);
  });
});
