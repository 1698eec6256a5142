import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INCIDENT_COMMAND_USAGE } from './incident-command.js';
import {
  errorMessage,
  escapeMrkdwn,
  helpMessage,
  incidentMessage,
  nextStepMessage,
  noteAddedMessage,
  stepCompletedMessage,
  transitionMessage,
  truncateText,
  type Block,
  type IncidentSummary,
  type NextStepDetails,
  type SlackMessage,
} from './slack-messages.js';

const HOSTILE = '<!channel> <https://evil.example|x> & <@U0LEADER> @here';

/** Slack's limits, written out here rather than imported, so a wrong constant in the code fails. */
function assertValidMessage(message: SlackMessage): void {
  assert.ok(message.response_type === 'ephemeral' || message.response_type === 'in_channel', 'response_type');
  assert.equal(typeof message.text, 'string');
  assert.ok(message.text.length > 0 && message.text.length <= 3000, `fallback text length ${message.text.length}`);
  assert.ok(Array.isArray(message.blocks) && message.blocks.length >= 1 && message.blocks.length <= 50, `block count ${message.blocks.length}`);
  for (const block of message.blocks) assertValidBlock(block);
}

function assertValidBlock(block: Block): void {
  switch (block.type) {
    case 'section':
      assert.equal(block.text.type, 'mrkdwn');
      assert.ok(block.text.text.length >= 1 && block.text.text.length <= 3000, `section text length ${block.text.text.length}`);
      if (block.fields) {
        assert.ok(block.fields.length >= 1 && block.fields.length <= 10, `field count ${block.fields.length}`);
        for (const field of block.fields) {
          assert.equal(field.type, 'mrkdwn');
          assert.ok(field.text.length >= 1 && field.text.length <= 2000, `field length ${field.text.length}`);
        }
      }
      assert.deepEqual(Object.keys(block).sort(), block.fields ? ['fields', 'text', 'type'] : ['text', 'type']);
      break;
    case 'header':
      assert.equal(block.text.type, 'plain_text');
      assert.ok(block.text.text.trim().length >= 1 && block.text.text.length <= 150, `header length ${block.text.text.length}`);
      break;
    case 'context':
      assert.ok(block.elements.length >= 1 && block.elements.length <= 10, `context elements ${block.elements.length}`);
      for (const element of block.elements) {
        assert.equal(element.type, 'mrkdwn');
        assert.ok(element.text.length >= 1 && element.text.length <= 3000);
      }
      break;
    case 'divider':
      assert.deepEqual(Object.keys(block), ['type']);
      break;
    default:
      assert.fail(`unexpected block ${JSON.stringify(block)}`);
  }
}

/** All mrkdwn strings of a message (plain_text headers are never parsed for links or mentions). */
function mrkdwnTexts(message: SlackMessage): string[] {
  const texts = [message.text];
  for (const block of message.blocks) {
    if (block.type === 'section') texts.push(block.text.text, ...(block.fields ?? []).map((field) => field.text));
    if (block.type === 'context') texts.push(...block.elements.map((element) => element.text));
  }
  return texts;
}

function allText(message: SlackMessage): string {
  return mrkdwnTexts(message).join('\n');
}

function assertInert(message: SlackMessage): void {
  for (const text of mrkdwnTexts(message)) {
    assert.ok(!text.includes('<!channel>'), `live <!channel> in: ${text}`);
    assert.ok(!text.includes('<https://evil'), `live link in: ${text}`);
    assert.ok(!text.includes('<@U0LEADER>'), `live mention in: ${text}`);
    assert.ok(!/(^|[^\u200b])@here/.test(text.replace(/@\u200bhere/g, '')), `bare @here in: ${text}`);
  }
  assert.match(allText(message), /&lt;!channel&gt;/);
}

const incident = (overrides: Partial<IncidentSummary> = {}): IncidentSummary => ({
  ref: 'INC-12',
  title: 'Checkout returns 502s',
  status: 'investigating',
  severity: 'SEV2',
  service: 'checkout',
  gateway: 'nginx',
  commander: 'Dana',
  createdAt: '2026-01-01T10:00:00.000Z',
  url: 'https://stepwise.example/incidents/INC-12?tab=steps&x=1',
  steps: [
    { key: 'verify-monitor', position: 3, title: 'Verify the monitor', status: 'pending' },
    { key: 'confirm-error', position: 1, title: 'Confirm the error', status: 'done', outcome: 'confirmed_502' },
    { key: 'check-upstream', position: 2, title: 'Check the upstream', status: 'in_progress' },
    { key: 'dns', position: 4, title: 'Check DNS', status: 'skipped' },
    { key: 'vendor', position: 5, title: 'Ask the vendor', status: 'blocked' },
  ],
  ...overrides,
});

const next = (overrides: Partial<NonNullable<NextStepDetails['step']>> = {}): NextStepDetails => ({
  step: {
    key: 'check-upstream',
    title: 'Check the upstream directly',
    instructions: 'Call the upstream from the gateway host, bypassing the proxy.',
    tip: 'Compare with a healthy host.',
    checks: [
      { title: 'Simple request', command: 'curl -sS -o /dev/null -w "%{http_code}" http://upstream:8080/health', description: 'Expect 200.' },
      { title: 'Resolve', command: 'dig +short upstream' },
    ],
    outcomes: [
      { key: 'simple_upstream_ok', label: 'Upstream answers', description: 'The upstream returned 200.' },
      { key: 'upstream_down', label: 'Upstream fails' },
    ],
    ...overrides,
  },
  topCauses: [
    { category: 'upstream_unavailable', score: 0.62 },
    { category: 'dns', score: 0.2049 },
  ],
  missingEvidence: ['gateway error log'],
});

describe('escapeMrkdwn and truncateText', () => {
  it('escapes &, < and > (ampersand first)', () => {
    assert.equal(escapeMrkdwn('<!channel>'), '&lt;!channel&gt;');
    assert.equal(escapeMrkdwn('<https://evil|x>'), '&lt;https://evil|x&gt;');
    assert.equal(escapeMrkdwn('a & b &lt;'), 'a &amp; b &amp;lt;');
  });

  it('defuses @channel, @here and @everyone', () => {
    assert.equal(escapeMrkdwn('ping @here now'), 'ping @\u200bhere now');
    assert.equal(escapeMrkdwn('@Channel'), '@\u200bChannel');
    assert.equal(escapeMrkdwn('mail@hereford.example'), 'mail@hereford.example');
  });

  it('truncates with an ellipsis within the limit', () => {
    assert.equal(truncateText('abcdef', 6), 'abcdef');
    assert.equal(truncateText('abcdef', 4), 'abc…');
    assert.equal(truncateText('abcdef', 4).length, 4);
  });

  it('never cuts an entity or a surrogate pair in half', () => {
    assert.equal(truncateText('ab&amp;cdef', 6), 'ab…');
    assert.equal(truncateText('ab&lt;cdef', 7), 'ab&lt;…');
    assert.equal(truncateText('a😀bc', 3), 'a…');
  });
});

describe('incidentMessage', () => {
  it('has a header, the key fields and a line per step in order, with status emoji', () => {
    const message = incidentMessage(incident());
    assertValidMessage(message);
    assert.equal(message.response_type, 'ephemeral');
    assert.deepEqual(message.blocks[0], { type: 'header', text: { type: 'plain_text', text: 'INC-12: Checkout returns 502s', emoji: true } });
    const fields = message.blocks.flatMap((block) => (block.type === 'section' ? (block.fields ?? []) : [])).map((field) => field.text);
    assert.deepEqual(fields, ['*Status*\ninvestigating', '*Severity*\nSEV2', '*Service*\ncheckout', '*Gateway*\nnginx', '*Commander*\nDana']);

    const text = allText(message);
    assert.match(text, /2\/5 steps finished/);
    const order = ['Confirm the error', 'Check the upstream', 'Verify the monitor', 'Check DNS', 'Ask the vendor'].map((title) => text.indexOf(title));
    assert.deepEqual([...order].sort((a, b) => a - b), order);
    assert.match(text, /:white_check_mark: 1\. Confirm the error `confirm-error` _done_ → `confirmed_502`/);
    assert.match(text, /:large_blue_circle: 2\. Check the upstream/);
    assert.match(text, /:white_circle: 3\. Verify the monitor/);
    assert.match(text, /:fast_forward: 4\. Check DNS/);
    assert.match(text, /:no_entry: 5\. Ask the vendor/);
    assert.match(text, /<https:\/\/stepwise\.example\/incidents\/INC-12\?tab=steps&amp;x=1\|Open INC-12>/);
    assert.match(text, /Opened 2026-01-01 10:00 UTC/);
  });

  it('posts in channel on request and shows the headline', () => {
    const message = incidentMessage(incident({ steps: [], gateway: null, commander: null, url: null }), { inChannel: true, headline: 'Opened by Dana' });
    assertValidMessage(message);
    assert.equal(message.response_type, 'in_channel');
    assert.match(allText(message), /Opened by Dana/);
    assert.match(allText(message), /_unassigned_/);
    assert.ok(!allText(message).includes('steps finished'));
  });

  it('drops a URL that could break out of the link syntax', () => {
    const message = incidentMessage(incident({ url: 'https://ok.example/x|<!channel>' }));
    assert.ok(!allText(message).includes('|Open INC-12>'));
    assert.ok(!allText(message).includes('<!channel>'));
    assert.ok(!allText(incidentMessage(incident({ url: 'javascript:alert(1)' }))).includes('javascript'));
  });

  it('makes hostile incident text inert', () => {
    const message = incidentMessage(
      incident({
        title: HOSTILE,
        service: HOSTILE,
        gateway: HOSTILE,
        commander: HOSTILE,
        status: HOSTILE,
        steps: [{ key: HOSTILE, position: 1, title: HOSTILE, status: 'done', outcome: HOSTILE }],
      }),
      { headline: HOSTILE },
    );
    assertValidMessage(message);
    assertInert(message);
  });

  it('respects every limit for huge incidents', () => {
    const huge = 'x'.repeat(10_000);
    const steps = Array.from({ length: 400 }, (_, index) => ({ key: `step-${index}`, position: index + 1, title: `${huge} <&>`, status: 'pending' }));
    const message = incidentMessage(incident({ title: huge, service: huge, commander: huge, steps }), { headline: huge });
    assertValidMessage(message);
    assert.equal(message.blocks.length, 50);
    const header = message.blocks[0];
    assert.ok(header.type === 'header' && header.text.text.length === 150 && header.text.text.endsWith('…'));
    const last = message.blocks[49];
    assert.ok(last.type === 'context' && /Message shortened: \d+ more blocks not shown/.test(last.elements[0].text));
    const fields = message.blocks.flatMap((block) => (block.type === 'section' ? (block.fields ?? []) : []));
    assert.ok(fields.some((field) => field.text.length === 2000 && field.text.endsWith('…')));
  });
});

describe('nextStepMessage', () => {
  it('includes the exact command to type for each outcome', () => {
    const message = nextStepMessage('INC-12', next());
    assertValidMessage(message);
    assert.equal(message.response_type, 'ephemeral');
    const text = allText(message);
    assert.ok(text.includes('`/incident step INC-12 check-upstream simple_upstream_ok`'), text);
    assert.ok(text.includes('`/incident step INC-12 check-upstream upstream_down`'), text);
    assert.match(text, /`simple_upstream_ok` Upstream answers — The upstream returned 200\./);
  });

  it('shows checks with their commands in code blocks, escaped', () => {
    const message = nextStepMessage('INC-12', next());
    const text = allText(message);
    assert.ok(text.includes('```\ncurl -sS -o /dev/null -w "%{http_code}" http://upstream:8080/health\n```'), text);
    assert.ok(text.includes('```\ndig +short upstream\n```'));
    assert.match(text, /\*1\. Simple request\*\nExpect 200\./);
    assert.match(text, /:bulb: Compare with a healthy host\./);
    assert.equal(message.blocks[0].type, 'header');
  });

  it('shows top causes as percentages and missing evidence', () => {
    const text = allText(nextStepMessage('INC-12', next()));
    assert.match(text, /upstream_unavailable 62%, dns 20%/);
    assert.match(text, /Missing evidence:\* gateway error log/);
  });

  it('keeps a command containing ``` inside its code block', () => {
    const message = nextStepMessage('INC-12', next({ checks: [{ title: 'Tricky', command: 'echo ```<!channel>``` && ls' }] }));
    assertValidMessage(message);
    const checkSection = message.blocks.find((block) => block.type === 'section' && block.text.text.includes('Tricky'));
    assert.ok(checkSection && checkSection.type === 'section');
    assert.equal(checkSection.text.text.split('```').length - 1, 2, checkSection.text.text);
    assert.ok(checkSection.text.text.includes('&lt;!channel&gt;'));
    assert.ok(checkSection.text.text.includes('&amp;&amp; ls'));
  });

  it('says so when there is no next step', () => {
    const message = nextStepMessage('INC-12', { step: null, topCauses: [], missingEvidence: [] });
    assertValidMessage(message);
    assert.equal(message.blocks.length, 1);
    assert.match(message.text, /No next step for \*INC-12\*/);
  });

  it('makes hostile runbook text inert', () => {
    const message = nextStepMessage('INC-12', {
      step: {
        key: 'k',
        title: HOSTILE,
        instructions: HOSTILE,
        tip: HOSTILE,
        checks: [{ title: HOSTILE, command: HOSTILE, description: HOSTILE }],
        outcomes: [{ key: 'ok', label: HOSTILE, description: HOSTILE }],
      },
      topCauses: [{ category: HOSTILE, score: 2 }],
      missingEvidence: [HOSTILE],
    });
    assertValidMessage(message);
    assertInert(message);
    assert.match(allText(message), /100%/);
  });

  it('respects the limits with many and huge checks and outcomes', () => {
    const huge = 'y'.repeat(5000);
    const message = nextStepMessage('INC-12', {
      step: {
        key: 'k',
        title: huge,
        instructions: huge,
        tip: huge,
        checks: Array.from({ length: 60 }, () => ({ title: huge, command: huge, description: huge })),
        outcomes: Array.from({ length: 200 }, (_, index) => ({ key: `o_${index}`, label: huge, description: huge })),
      },
      topCauses: Array.from({ length: 30 }, () => ({ category: huge, score: 0.5 })),
      missingEvidence: Array.from({ length: 30 }, () => huge),
    });
    assertValidMessage(message);
    for (const block of message.blocks) {
      if (block.type === 'section' && block.text.text.includes('```')) assert.equal(block.text.text.split('```').length - 1, 2);
    }
  });
});

describe('other builders', () => {
  it('helpMessage lists every usage line', () => {
    const message = helpMessage();
    assertValidMessage(message);
    assert.equal(message.response_type, 'ephemeral');
    for (const entry of INCIDENT_COMMAND_USAGE) {
      const shown = entry.usage.replace(/</g, '&lt;').replace(/>/g, '&gt;');
      assert.ok(allText(message).includes(`\`${shown}\``), shown);
      assert.ok(allText(message).includes(entry.description.replace(/</g, '&lt;').replace(/>/g, '&gt;')), entry.description);
    }
    assert.ok(!allText(message).includes('<ref>'));
  });

  it('errorMessage is ephemeral and shows the usage', () => {
    const message = errorMessage('open: missing <title>', '/incident open <service> <title…> [sev1-sev5]');
    assertValidMessage(message);
    assert.equal(message.response_type, 'ephemeral');
    assert.match(allText(message), /:warning: open: missing &lt;title&gt;/);
    assert.ok(allText(message).includes('```\n/incident open &lt;service&gt; &lt;title…&gt; [sev1-sev5]\n```'));
    assert.equal(errorMessage('nope').blocks.length, 1);
    assertInert(errorMessage(HOSTILE, HOSTILE));
  });

  it('noteAddedMessage quotes the note and mentions only a real user id', () => {
    const byId = noteAddedMessage('INC-3', 'Rolled back\nv42 <!channel>', 'U012ABCDEF');
    assertValidMessage(byId);
    assert.equal(byId.response_type, 'in_channel');
    const byIdSection = byId.blocks[0];
    assert.ok(byIdSection.type === 'section');
    assert.equal(byIdSection.text.text, ':memo: <@U012ABCDEF> added a note to *INC-3*\n>Rolled back\n>v42 &lt;!channel&gt;');

    const byName = noteAddedMessage('INC-3', HOSTILE, HOSTILE);
    assertValidMessage(byName);
    assertInert(byName);
  });

  it('stepCompletedMessage names the step, outcome and incident status', () => {
    const message = stepCompletedMessage('INC-3', { key: 'check-upstream', title: 'Check the upstream', outcome: 'upstream_down' }, 'investigating');
    assertValidMessage(message);
    assert.equal(message.response_type, 'in_channel');
    assert.match(message.text, /\*INC-3\*: step \*Check the upstream\* `check-upstream` finished with `upstream_down`\. Incident is investigating\./);
    assertInert(stepCompletedMessage(HOSTILE, { key: HOSTILE, title: HOSTILE, outcome: HOSTILE }, HOSTILE));
  });

  it('transitionMessage shows from and to, in channel', () => {
    const message = transitionMessage('INC-3', 'acknowledged', 'mitigated');
    assertValidMessage(message);
    assert.equal(message.response_type, 'in_channel');
    assert.equal(message.text, ':adhesive_bandage: *INC-3* moved from acknowledged to *mitigated*');
    assertInert(transitionMessage(HOSTILE, HOSTILE, HOSTILE));
  });
});
