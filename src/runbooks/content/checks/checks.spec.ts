import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { GATEWAYS } from '../../../diagnosis/cause-category.js';
import { fillCheckCommand, type CheckContext } from '../placeholders.js';
import type { GatewayCheck } from '../runbook-types.js';
import { RUNBOOK_FLOWS, RUNBOOK_STEP_KEYS } from '../step-keys.js';
import { GATEWAY_CHECK_SOURCES, checksForStep } from './index.js';

type LexState = 'normal' | 'single' | 'double' | 'comment';

/**
 * The shell state (outside quotes, in quotes, in a comment) at every character of a command.
 * Enough of POSIX sh for the seeded commands: quotes, backslash escapes, and `#` comments that
 * start a word.
 */
function lexStates(command: string): LexState[] {
  const states: LexState[] = [];
  let state: LexState = 'normal';
  let wordStart = true;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i];
    states[i] = state;
    switch (state) {
      case 'comment':
        if (ch === '\n') state = 'normal';
        break;
      case 'single':
        if (ch === "'") state = 'normal';
        break;
      case 'double':
        if (ch === '\\') states[++i] = state;
        else if (ch === '"') state = 'normal';
        break;
      case 'normal':
        if (ch === '\\') states[++i] = state;
        else if (ch === "'") state = 'single';
        else if (ch === '"') state = 'double';
        else if (ch === '#' && wordStart) state = 'comment';
        break;
    }
    wordStart = state === 'normal' && /[\s;|&()]/.test(ch);
  }
  states[command.length] = state === 'comment' ? 'normal' : state;
  return states;
}

/** The states at each match of `pattern` in `command`, and the state at the end. */
function contextsOf(command: string, pattern: RegExp): { contexts: LexState[]; end: LexState } {
  const states = lexStates(command);
  const contexts = [...command.matchAll(pattern)].map((m) => states[m.index]);
  return { contexts, end: states[command.length] };
}

function allChecks(): Array<{ where: string; check: GatewayCheck }> {
  return RUNBOOK_FLOWS.flatMap((flow) =>
    RUNBOOK_STEP_KEYS.flatMap((step) => checksForStep(flow, step).map((check) => ({ where: `${flow}/${step}/${check.gateway}/${check.title}`, check }))),
  );
}

/** An incident whose every field tries to break out of its quoting. */
const HOSTILE: CheckContext = {
  url: "https://example.com/'$(touch /tmp/stepwise-pwned)'?q=`id`&r=\"x\"",
  method: 'GET',
  service: "checkout'; touch /tmp/stepwise-pwned; echo '",
  originIp: '203.0.113.7 $(id)',
  upstream: '10.0.0.5:8080"; id; "',
};

describe('gateway check sources', () => {
  it('list every gateway but `other`, plus the vendor-neutral checks, in GATEWAYS order', () => {
    assert.deepEqual(
      GATEWAY_CHECK_SOURCES.map(([gateway]) => gateway),
      ['any', ...GATEWAYS.filter((g) => g !== 'other')],
    );
  });

  it('label every check with the gateway of its module', () => {
    for (const [gateway, source] of GATEWAY_CHECK_SOURCES) {
      for (const flow of RUNBOOK_FLOWS) {
        for (const checks of Object.values(source(flow))) {
          for (const check of checks ?? []) assert.equal(check.gateway, gateway, `${flow}: ${check.title}`);
        }
      }
    }
  });

  it('return fresh copies, so editing one runbook cannot change another', () => {
    const first = checksForStep('http-502', 'confirm');
    first[0].command = 'changed';
    assert.notEqual(checksForStep('http-502', 'confirm')[0].command, 'changed');
  });
});

describe('check commands as shell', () => {
  it('place every placeholder outside quotes and comments, with quotes balanced', () => {
    for (const { where, check } of allChecks()) {
      const { contexts, end } = contextsOf(check.command, /\{\{[A-Za-z]+\}\}/g);
      assert.ok(
        contexts.every((c) => c === 'normal'),
        `${where}: placeholder inside ${contexts.find((c) => c !== 'normal')}`,
      );
      assert.equal(end, 'normal', `${where}: unbalanced quotes`);
    }
  });

  it('quote every <marker> the responder replaces, so none is read as a redirection', () => {
    for (const { where, check } of allChecks()) {
      const { contexts } = contextsOf(check.command, /<[a-z][a-z0-9-]*>/g);
      assert.ok(!contexts.includes('normal'), `${where}: bare marker in ${check.command}`);
    }
  });

  it('stay valid shell once filled, with known, unknown and hostile values', () => {
    const contexts: CheckContext[] = [{}, { url: 'https://shop.example.com/api?x=1', method: 'GET', service: 'checkout', originIp: '203.0.113.7', upstream: '10.0.0.5:8080' }, HOSTILE];
    const filled = allChecks().flatMap(({ where, check }) => contexts.map((ctx) => ({ where: `${where} with ${JSON.stringify(ctx)}`, command: fillCheckCommand(check.command, ctx) })));
    // `sh -n` parses without executing anything. One shell parses them all (from stdin: the script
    // is too long for one argument), each as a function body; only when that fails are they
    // parsed one by one to name the culprit.
    const script = filled.map(({ command }, i) => `check_${i}() {\n${command}\n}\n`).join('');
    if (spawnSync('/bin/sh', ['-n'], { input: script }).status === 0) return;
    for (const { where, command } of filled) {
      const result = spawnSync('/bin/sh', ['-n', '-c', command], { encoding: 'utf8' });
      assert.equal(result.status, 0, `${where}: ${result.stderr}\n${command}`);
    }
    assert.fail('the commands parse one by one but not together');
  });

  it('keep hostile values inside single quotes', () => {
    for (const { where, check } of allChecks()) {
      const filled = fillCheckCommand(check.command, HOSTILE);
      for (const value of [HOSTILE.service, HOSTILE.originIp, HOSTILE.upstream]) {
        if (value === undefined || !filled.includes(value.replace(/'/g, "'\\''"))) continue;
        const quoted = `'${value.replace(/'/g, "'\\''")}'`;
        assert.ok(filled.includes(quoted), `${where}: ${value} is quoted`);
      }
      assert.doesNotMatch(filled, /(^|[^'])\$\(touch/, `${where}: no bare command substitution`);
    }
  });
});
