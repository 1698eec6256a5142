import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  INCIDENT_COMMAND_HELP_TEXT,
  INCIDENT_COMMAND_USAGE,
  incidentCommandUsage,
  normaliseIncidentRef,
  parseIncidentCommand,
  type IncidentCommand,
} from './incident-command.js';

const OPEN_USAGE = '/incident open <service> <title…> [sev1-sev5] [status=502] [gateway=nginx] [env=prod] [url=https://…]';
const STEP_USAGE = '/incident step <ref> <stepKey> <outcome> [notes…]';

function invalidOf(text: string): { message: string; usage: string } {
  const command = parseIncidentCommand(text);
  assert.equal(command.kind, 'invalid', `expected “${text}” to be invalid, got ${JSON.stringify(command)}`);
  return command.kind === 'invalid' ? command : { message: '', usage: '' };
}

describe('parseIncidentCommand: help', () => {
  for (const text of ['', '   ', '\t \n', 'help', 'HELP', '  help  me ']) {
    it(`“${JSON.stringify(text)}” is help`, () => assert.deepEqual(parseIncidentCommand(text), { kind: 'help' }));
  }

  it('an unknown subcommand is invalid with the full help as usage', () => {
    const result = invalidOf('launch rockets');
    assert.match(result.message, /unknown subcommand “launch”/);
    assert.equal(result.usage, INCIDENT_COMMAND_HELP_TEXT);
    for (const entry of INCIDENT_COMMAND_USAGE) assert.ok(result.usage.includes(entry.usage));
  });
});

describe('parseIncidentCommand: open', () => {
  const cases: [string, IncidentCommand][] = [
    ['open checkout Checkout returns 502s', { kind: 'open', service: 'checkout', title: 'Checkout returns 502s', severity: 'SEV3' }],
    ['open checkout Checkout returns 502s sev2', { kind: 'open', service: 'checkout', title: 'Checkout returns 502s', severity: 'SEV2' }],
    ['open checkout Checkout down SEV1', { kind: 'open', service: 'checkout', title: 'Checkout down', severity: 'SEV1' }],
    ['open checkout Checkout down Sev5', { kind: 'open', service: 'checkout', title: 'Checkout down', severity: 'SEV5' }],
    ['open checkout "Checkout 502s" sev2', { kind: 'open', service: 'checkout', title: 'Checkout 502s', severity: 'SEV2' }],
    ['open checkout \u201cCheckout 502s\u201d sev2', { kind: 'open', service: 'checkout', title: 'Checkout 502s', severity: 'SEV2' }],
    ['  OPEN\tcheckout-api.v2   Checkout\t\treturns   502s \t sev4  ', { kind: 'open', service: 'checkout-api.v2', title: 'Checkout returns 502s', severity: 'SEV4' }],
    // A severity word inside the title is part of the title; only the last token counts.
    ['open auth sev1 pager storm', { kind: 'open', service: 'auth', title: 'sev1 pager storm', severity: 'SEV3' }],
    // Quoted, the last token is title text, not a severity.
    ['open auth "sev2"', { kind: 'open', service: 'auth', title: 'sev2', severity: 'SEV3' }],
    ['open auth Login "fails" for SSO', { kind: 'open', service: 'auth', title: 'Login "fails" for SSO', severity: 'SEV3' }],
    ["open auth Can't log in", { kind: 'open', service: 'auth', title: "Can't log in", severity: 'SEV3' }],
    ['open auth 5" pipe burst sev1', { kind: 'open', service: 'auth', title: '5" pipe burst', severity: 'SEV1' }],
    ['open "auth" "Login   fails" sev2', { kind: 'open', service: 'auth', title: 'Login fails', severity: 'SEV2' }],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => assert.deepEqual(parseIncidentCommand(text), expected));
  }

  it('requires a service and a title', () => {
    assert.match(invalidOf('open').message, /missing <service>/);
    assert.match(invalidOf('open checkout').message, /missing <title>/);
    assert.match(invalidOf('open checkout sev2').message, /missing <title>/);
    assert.match(invalidOf('open checkout ""').message, /missing <title>/);
    assert.match(invalidOf('open checkout "" sev1').message, /missing <title>/);
    assert.equal(invalidOf('open').usage, OPEN_USAGE);
  });

  it('checks the service name', () => {
    for (const service of ['-checkout', '.hidden', 'check/out', 'a'.repeat(64), 'café']) {
      const result = invalidOf(`open ${service} Something broke`);
      assert.match(result.message, /<service>/, service);
      assert.equal(result.usage, OPEN_USAGE);
    }
    assert.equal(parseIncidentCommand(`open ${'a'.repeat(63)} Something broke`).kind, 'open');
  });

  it('refuses a severity outside sev1–sev5 as the last token', () => {
    for (const severity of ['sev0', 'sev6', 'SEV10']) assert.match(invalidOf(`open checkout Down ${severity}`).message, /severity/, severity);
  });

  it('reads status, gateway, env and url options after the title, in any order, with the severity anywhere among them', () => {
    assert.deepEqual(parseIncidentCommand('open checkout Checkout 502s for EU users status=502 gw=nginx sev2 env=prod url=<https://shop.example.com/cart|shop>'), {
      kind: 'open',
      service: 'checkout',
      title: 'Checkout 502s for EU users',
      severity: 'SEV2',
      statusCode: 502,
      gateway: 'nginx',
      environment: 'prod',
      url: 'https://shop.example.com/cart',
    });
    assert.deepEqual(parseIncidentCommand('open api "Gateway=broken status=502" gateway=envoy'), {
      kind: 'open',
      service: 'api',
      title: 'Gateway=broken status=502',
      severity: 'SEV3',
      gateway: 'envoy',
    });
  });

  it('names a bad option and what it must be', () => {
    assert.match(invalidOf('open checkout Down gateway=nginxx').message, /gateway “nginxx” must be one of .*nginx/);
    assert.match(invalidOf('open checkout Down status=5022').message, /status “5022” must be an HTTP status code/);
    assert.match(invalidOf('open checkout Down env=pr!od').message, /env “pr!od” must be a name like prod/);
    assert.match(invalidOf('open checkout Down url=ftp://x').message, /url “ftp:\/\/x” must be an http\(s\) URL/);
    assert.match(invalidOf('open checkout Down url=https://x.example').message, /url= needs status=/);
    assert.match(invalidOf('open checkout status=502').message, /missing <title>/);
  });

  it('refuses a title over 200 characters', () => {
    assert.match(invalidOf(`open checkout ${'x'.repeat(201)}`).message, /<title> is 201 characters; the limit is 200/);
    assert.equal(parseIncidentCommand(`open checkout ${'x'.repeat(200)}`).kind, 'open');
  });
});

describe('parseIncidentCommand: refs', () => {
  it('normalises INC-n in any case and bare numbers', () => {
    assert.equal(normaliseIncidentRef('INC-12'), 'INC-12');
    assert.equal(normaliseIncidentRef('inc-12'), 'INC-12');
    assert.equal(normaliseIncidentRef('12'), 'INC-12');
    assert.equal(normaliseIncidentRef('INC-007'), 'INC-7');
    for (const bad of ['INC-', 'INC-0', '0', 'INC12', 'INC-1a', '#12', '-12', '1234567890', 'INC-12.5']) {
      assert.equal(normaliseIncidentRef(bad), null, bad);
    }
  });

  for (const [text, kind] of [
    ['status INC-12', 'status'],
    ['status inc-12', 'status'],
    ['next 12', 'next'],
    ['Next   \tINC-12 ', 'next'],
  ] as const) {
    it(JSON.stringify(text), () => assert.deepEqual(parseIncidentCommand(text), { kind, ref: 'INC-12' }));
  }

  it('names the bad or missing ref and gives that subcommand’s usage', () => {
    const missing = invalidOf('status');
    assert.match(missing.message, /missing <ref>/);
    assert.equal(missing.usage, '/incident status <ref>');
    const bad = invalidOf('next checkout');
    assert.match(bad.message, /<ref> “checkout” is not an incident ref/);
    assert.equal(bad.usage, '/incident next <ref>');
  });

  it('refuses extra arguments where none are taken', () => {
    assert.match(invalidOf('status 12 please').message, /unexpected extra argument “please”/);
    assert.match(invalidOf('ack 12 now').message, /unexpected extra argument “now”/);
    assert.match(invalidOf('mitigate 12 now').message, /unexpected extra argument/);
  });
});

describe('parseIncidentCommand: note', () => {
  it('keeps the note text as typed', () => {
    assert.deepEqual(parseIncidentCommand('note INC-3 Rolled back   deploy "v42" at 10:02'), {
      kind: 'note',
      ref: 'INC-3',
      text: 'Rolled back   deploy "v42" at 10:02',
    });
  });

  it('strips quotes around a fully quoted note', () => {
    assert.deepEqual(parseIncidentCommand('note 3 "Rolled back deploy"'), { kind: 'note', ref: 'INC-3', text: 'Rolled back deploy' });
  });

  it('requires text', () => {
    const result = invalidOf('note 3   ');
    assert.match(result.message, /missing <text>/);
    assert.equal(result.usage, '/incident note <ref> <text…>');
    assert.match(invalidOf('note 3 ""').message, /missing <text>/);
    assert.match(invalidOf('note').message, /missing <ref>/);
  });
});

describe('parseIncidentCommand: transitions', () => {
  it('maps ack, acknowledge, mitigate and resolve to lifecycle targets', () => {
    assert.deepEqual(parseIncidentCommand('ack 7'), { kind: 'transition', ref: 'INC-7', to: 'acknowledged' });
    assert.deepEqual(parseIncidentCommand('Acknowledge inc-7'), { kind: 'transition', ref: 'INC-7', to: 'acknowledged' });
    assert.deepEqual(parseIncidentCommand('mitigate INC-7'), { kind: 'transition', ref: 'INC-7', to: 'mitigated' });
    assert.deepEqual(parseIncidentCommand('resolve INC-7'), { kind: 'transition', ref: 'INC-7', to: 'resolved' });
  });

  it('resolve takes an optional note', () => {
    assert.deepEqual(parseIncidentCommand('resolve 7 Rolled back the bad config'), {
      kind: 'transition',
      ref: 'INC-7',
      to: 'resolved',
      note: 'Rolled back the bad config',
    });
    assert.deepEqual(parseIncidentCommand('resolve 7 "fixed"'), { kind: 'transition', ref: 'INC-7', to: 'resolved', note: 'fixed' });
  });

  it('gives the alias’s usage line', () => {
    assert.equal(invalidOf('acknowledge').usage, '/incident ack <ref>');
    assert.equal(invalidOf('resolve x').usage, '/incident resolve <ref> [note…]');
  });
});

describe('parseIncidentCommand: step', () => {
  it('parses ref, step key, outcome and optional notes', () => {
    assert.deepEqual(parseIncidentCommand('step 12 verify-monitor recurring'), {
      kind: 'step',
      ref: 'INC-12',
      stepKey: 'verify-monitor',
      outcome: 'recurring',
    });
    assert.deepEqual(parseIncidentCommand('step INC-12 Check_Upstream Simple_Upstream_OK  curl returned 200 twice'), {
      kind: 'step',
      ref: 'INC-12',
      stepKey: 'check_upstream',
      outcome: 'simple_upstream_ok',
      notes: 'curl returned 200 twice',
    });
  });

  it('names what is missing or malformed', () => {
    assert.match(invalidOf('step').message, /missing <ref>/);
    assert.match(invalidOf('step 12').message, /missing <stepKey>/);
    assert.match(invalidOf('step 12 verify-monitor').message, /missing <outcome>/);
    assert.match(invalidOf('step 12 verify/monitor ok').message, /<stepKey> “verify\/monitor”/);
    assert.match(invalidOf('step 12 verify-monitor not-ok').message, /<outcome> “not-ok”/);
    assert.equal(invalidOf('step 12').usage, STEP_USAGE);
  });
});

describe('INCIDENT_COMMAND_USAGE', () => {
  it('covers every subcommand with a usage line starting /incident', () => {
    assert.deepEqual(
      INCIDENT_COMMAND_USAGE.map((entry) => entry.command),
      ['open', 'status', 'next', 'note', 'ack', 'mitigate', 'resolve', 'step', 'help'],
    );
    for (const entry of INCIDENT_COMMAND_USAGE) {
      assert.match(entry.usage, new RegExp(`^/incident ${entry.command}\\b`));
      assert.ok(entry.description.length > 0);
    }
    assert.ok(Object.isFrozen(INCIDENT_COMMAND_USAGE));
  });

  it('incidentCommandUsage falls back to the full help', () => {
    assert.equal(incidentCommandUsage('STEP'), STEP_USAGE);
    assert.equal(incidentCommandUsage('nope'), INCIDENT_COMMAND_HELP_TEXT);
  });
});
