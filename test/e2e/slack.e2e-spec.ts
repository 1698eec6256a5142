import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { signSlackRequest } from '../../src/chatops/slack/slack-signature.js';
import { AppConfig } from '../../src/config/app-config.js';
import { bearer, dataSource, getTestApp, http, keyFor, TEST_SLACK_SIGNING_SECRET, uniqueService } from '../support/app.js';
import { freePortGuess, startServer, stopServer } from '../support/process.js';

/**
 * `/incident` as Slack sends it: an application/x-www-form-urlencoded POST with Slack's fields,
 * signed with the app's signing secret over `v0:<timestamp>:<raw body>`.
 */

const ROUTE = '/v1/chatops/slack/commands';

interface SlackMessageBody {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
  blocks: Array<{ type: string; [field: string]: unknown }>;
}

/** A trigger id shaped like Slack's (`<digits>.<digits>.<hex>`), unique per command. */
function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomBytes(16).toString('hex')}`;
}

interface FormOptions {
  userName?: string;
  userId?: string;
  trigger?: string;
  responseUrl?: string;
  omit?: string[];
}

/** The form body of one slash command, with the fields Slack documents, in Slack's order. */
function slackForm(text: string, options: FormOptions = {}): string {
  const fields: Record<string, string> = {
    token: 'legacyVerificationTokenNotUsed',
    team_id: 'T0STEPWISE',
    team_domain: 'stepwise-test',
    channel_id: 'C0INCIDENTS',
    channel_name: 'incidents',
    user_id: options.userId ?? 'U0ALICE01',
    user_name: options.userName ?? 'alice',
    command: '/incident',
    text,
    api_app_id: 'A0STEPWISE',
    response_url: options.responseUrl ?? 'https://hooks.slack.com/commands/T0STEPWISE/1234567890/AbCdEfGhIjKlMnOp',
    trigger_id: options.trigger ?? triggerId(),
  };
  for (const name of options.omit ?? []) delete fields[name];
  return new URLSearchParams(fields).toString();
}

const now = () => Math.floor(Date.now() / 1000);

interface SendOptions {
  timestamp?: number;
  secret?: string;
  headers?: Record<string, string>;
  omitHeaders?: string[];
}

function signedHeaders(body: string, options: SendOptions = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? now());
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signSlackRequest(options.secret ?? TEST_SLACK_SIGNING_SECRET, timestamp, body),
    ...options.headers,
  };
  for (const name of options.omitHeaders ?? []) delete headers[name];
  return headers;
}

async function send(body: string, options: SendOptions = {}) {
  return (await http()).post(ROUTE).set(signedHeaders(body, options)).send(body);
}

/** Runs a command as Slack would and checks it was answered as a Slack message. */
async function slash(text: string, options: FormOptions = {}): Promise<SlackMessageBody> {
  const res = await send(slackForm(text, options));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.match(res.headers['content-type'], /application\/json/);
  const message = res.body as SlackMessageBody;
  assert.ok(['ephemeral', 'in_channel'].includes(message.response_type), JSON.stringify(message));
  assert.equal(typeof message.text, 'string');
  assert.ok(Array.isArray(message.blocks) && message.blocks.length > 0);
  return message;
}

async function api(path: string) {
  const res = await (await http()).get(path).set(bearer(await keyFor('viewer')));
  assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function incidentsOf(service: string): Promise<Array<{ ref: string }>> {
  return (await api(`/v1/incidents?service=${encodeURIComponent(service)}`)).items;
}

async function receiptCount(trigger: string): Promise<number> {
  const rows = await (await dataSource()).query('SELECT count(*)::int AS n FROM slack_command_receipts WHERE trigger_id = $1', [trigger]);
  return rows[0].n;
}

function refIn(message: SlackMessageBody): string {
  const match = /INC-\d+/.exec(message.text);
  assert.ok(match, `no incident ref in ${message.text}`);
  return match[0];
}

const all = (message: SlackMessageBody) => JSON.stringify(message);

describe('Slack /incident command', () => {
  it('runs an incident from open to resolved through Slack alone, as the Slack user', async () => {
    const service = uniqueService('slack-run');
    const opened = await slash(`open ${service} Checkout returns 502 for half the users sev2`, { userName: 'alice' });
    assert.equal(opened.response_type, 'in_channel', 'opening an incident is announced to the channel');
    const ref = refIn(opened);
    assert.match(all(opened), /opened by slack:alice/);
    assert.ok(opened.blocks.some((b) => b.type === 'header'));

    let incident = await api(`/v1/incidents/${ref}`);
    assert.equal(incident.service, service);
    assert.equal(incident.title, 'Checkout returns 502 for half the users');
    assert.equal(incident.severity, 'SEV2');
    assert.equal(incident.status, 'open');
    assert.equal(incident.createdBy, 'slack:alice');
    assert.equal(incident.steps.length, 6, 'the runbook started as for an API create');

    const status = await slash(`status ${ref}`);
    assert.equal(status.response_type, 'ephemeral');
    assert.match(all(status), new RegExp(`${ref}.*open`));

    const acked = await slash(`ack ${ref.toLowerCase()}`);
    assert.equal(acked.response_type, 'in_channel');
    assert.match(acked.text, /from open to \*acknowledged\*/);
    assert.equal((await api(`/v1/incidents/${ref}`)).status, 'acknowledged');

    const next = await slash(`next ${ref.replace('INC-', '')}`);
    assert.equal(next.response_type, 'ephemeral');
    assert.match(next.text, new RegExp(`${ref} next step`));
    assert.ok(all(next).includes(`/incident step ${ref} confirm reproduced`), 'it says exactly what to type for each outcome');
    assert.match(all(next), /Likely causes/);

    const stepped = await slash(`step ${ref} confirm reproduced "502 on every third request"`);
    assert.equal(stepped.response_type, 'in_channel');
    assert.match(stepped.text, /confirm/);
    const steps = (await api(`/v1/incidents/${ref}/steps`)).items as Array<{ key: string; status: string; outcome: string; notes: string; performedBy: string }>;
    const confirm = steps.find((s) => s.key === 'confirm')!;
    assert.deepEqual([confirm.status, confirm.outcome, confirm.notes, confirm.performedBy], ['done', 'reproduced', '502 on every third request', 'slack:alice']);
    assert.equal((await api(`/v1/incidents/${ref}`)).status, 'investigating');

    const noted = await slash(`note ${ref} Rolled back deploy <!channel> & cart v42`);
    assert.equal(noted.response_type, 'in_channel');
    assert.ok(!all(noted).includes('<!channel>'), 'user text cannot ping the channel');
    assert.match(all(noted), /<@U0ALICE01>/);

    assert.match((await slash(`mitigate ${ref}`)).text, /to \*mitigated\*/);
    const resolved = await slash(`resolve ${ref} Rolled back the cart deployment`);
    assert.match(resolved.text, /from mitigated to \*resolved\*/);

    incident = await api(`/v1/incidents/${ref}`);
    assert.equal(incident.status, 'resolved');
    assert.equal(incident.resolution, 'Rolled back the cart deployment');
    assert.ok(incident.acknowledgedAt && incident.mitigatedAt && incident.resolvedAt);

    const timeline = (await api(`/v1/incidents/${ref}/timeline`)).items as Array<{ kind: string; actor: string; message: string; data: { to?: string } }>;
    assert.deepEqual([...new Set(timeline.map((e) => e.actor))], ['slack:alice'], 'every event names the Slack user');
    assert.deepEqual(
      timeline.map((e) => e.kind),
      ['incident.created', 'incident.status_changed', 'step.completed', 'incident.status_changed', 'note', 'incident.status_changed', 'incident.status_changed'],
    );
    assert.deepEqual(
      timeline.filter((e) => e.kind === 'incident.status_changed').map((e) => e.data.to),
      ['acknowledged', 'investigating', 'mitigated', 'resolved'],
    );
    assert.ok(timeline.some((e) => e.kind === 'note' && e.message === 'Rolled back deploy <!channel> & cart v42'), 'the note is stored as typed');
  });

  it('opens with the symptom and gateway given as options, so the runbook fits and similar past incidents show', async () => {
    const service = uniqueService('slack-options');
    const past = await slash(`open ${service} Checkout timeouts status=504 gateway=envoy env=prod`);
    const pastRef = refIn(past);
    const opened = await slash(`open ${service} Checkout timeouts again sev1 status=504 gw=envoy url=https://shop.example.com/cart`);
    const ref = refIn(opened);
    const incident = await api(`/v1/incidents/${ref}`);
    assert.equal(incident.title, 'Checkout timeouts again');
    assert.equal(incident.severity, 'SEV1');
    assert.equal(incident.gateway, 'envoy');
    assert.deepEqual(incident.symptom, { statusCode: 504, url: 'https://shop.example.com/cart' });
    assert.equal(incident.runbook.key, 'http-504', 'the 504 runbook, chosen by the status');
    assert.equal((await api(`/v1/incidents/${pastRef}`)).environment, 'prod');
    assert.match(all(opened), new RegExp(`similar past incident.*${pastRef}`), 'the announcement names the earlier incident');
    const bad = await slash(`open ${service} Down gateway=nginxx`);
    assert.equal(bad.response_type, 'ephemeral');
    assert.match(all(bad), /gateway “nginxx” must be one of/);
  });

  it('falls back to the user id when Slack sends no user_name', async () => {
    const service = uniqueService('slack-noname');
    const body = slackForm(`open ${service} No name`, { omit: ['user_name'], userId: 'U0BOB0002' });
    const res = await send(body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [incident] = await incidentsOf(service);
    assert.equal((await api(`/v1/incidents/${incident.ref}`)).createdBy, 'slack:U0BOB0002');
  });

  it('answers help, and a bare /incident, with every subcommand', async () => {
    for (const text of ['help', '']) {
      const help = await slash(text);
      assert.equal(help.response_type, 'ephemeral');
      for (const sub of ['open', 'status', 'next', 'step', 'note', 'ack', 'mitigate', 'resolve']) assert.ok(all(help).includes(`/incident ${sub}`), sub);
    }
    const unknown = await slash('frobnicate INC-1');
    assert.equal(unknown.response_type, 'ephemeral');
    assert.match(unknown.text, /unknown subcommand/);
  });

  it('refuses unsigned, wrongly signed, tampered and stale requests with 401 and changes nothing', async () => {
    const service = uniqueService('slack-401');
    const cases: Array<[string, () => Promise<{ status: number; headers: Record<string, string>; body: { detail?: string } }>, string]> = [];
    const trigger = () => triggerId();
    const triggers: string[] = [];
    const form = () => {
      const id = trigger();
      triggers.push(id);
      return slackForm(`open ${service} Should never exist`, { trigger: id });
    };
    {
      const body = form();
      cases.push(['wrong secret', () => send(body, { secret: 'another-signing-secret-0000' }), 'signature does not match']);
    }
    {
      const body = form();
      cases.push(['no signature header', () => send(body, { omitHeaders: ['x-slack-signature'] }), 'missing X-Slack-Signature']);
    }
    {
      const body = form();
      cases.push(['no timestamp header', () => send(body, { omitHeaders: ['x-slack-request-timestamp'] }), 'missing X-Slack-Request-Timestamp']);
    }
    {
      const body = form();
      cases.push(['no headers at all', () => send(body, { omitHeaders: ['x-slack-signature', 'x-slack-request-timestamp'] }), 'missing']);
    }
    {
      const body = form();
      cases.push(['six minutes old', () => send(body, { timestamp: now() - 360 }), 'more than 300s old']);
    }
    {
      const body = form();
      const headers = signedHeaders(body);
      const tampered = body.replace('Should+never+exist', 'Tampered+title');
      assert.notEqual(tampered, body);
      cases.push(['body changed after signing', async () => (await http()).post(ROUTE).set(headers).send(tampered), 'signature does not match']);
    }
    {
      const body = form();
      const timestamp = now();
      // The signature of another timestamp: the timestamp is part of what is signed.
      const headers = { ...signedHeaders(body, { timestamp: timestamp - 10 }), 'x-slack-request-timestamp': String(timestamp) };
      cases.push(['timestamp changed after signing', async () => (await http()).post(ROUTE).set(headers).send(body), 'signature does not match']);
    }
    {
      const body = JSON.stringify({ text: `open ${service} json`, trigger_id: trigger() });
      cases.push(['a JSON body', async () => (await http()).post(ROUTE).set({ ...signedHeaders(body), 'content-type': 'application/json' }).send(body), 'signature does not match']);
    }

    const before = (await incidentsOf(service)).length;
    for (const [name, call, reason] of cases) {
      const res = await call();
      assert.equal(res.status, 401, `${name}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.match(res.headers['content-type'], /application\/problem\+json/, name);
      assert.ok(res.body.detail?.includes(reason), `${name}: ${res.body.detail}`);
    }
    assert.equal(before, 0);
    assert.equal((await incidentsOf(service)).length, 0, 'nothing was created');
    for (const id of triggers) assert.equal(await receiptCount(id), 0, 'nothing was claimed');

    // The same body, properly signed, does act: the refusals above were about the signature.
    const body = slackForm(`open ${service} Signed properly`);
    assert.equal((await send(body)).status, 200);
    assert.equal((await incidentsOf(service)).length, 1);
  });

  it('answers 400 naming the missing Slack field, before acting', async () => {
    const service = uniqueService('slack-400');
    for (const field of ['trigger_id', 'team_id', 'user_id', 'response_url', 'text']) {
      const res = await send(slackForm(`open ${service} Missing a field`, { omit: [field] }));
      assert.equal(res.status, 400, field);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), `${field}: ${JSON.stringify(res.body)}`);
    }
    const badUrl = await send(slackForm(`open ${service} Bad url`, { responseUrl: 'file:///etc/passwd' }));
    assert.equal(badUrl.status, 400);
    assert.equal(badUrl.body.errors[0].field, 'response_url');
    assert.equal((await incidentsOf(service)).length, 0);
  });

  it('answers a Slack retry of a handled command with the first answer and acts once', async () => {
    const service = uniqueService('slack-retry');
    const trigger = triggerId();
    const body = slackForm(`open ${service} Retried by Slack sev1`, { trigger });
    const first = await send(body);
    assert.equal(first.status, 200);
    // Slack resends the same payload, signed again, with the retry headers.
    const retry = await send(body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }, timestamp: now() + 1 });
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body, first.body, 'the retry gets the first answer');
    const again = await send(body, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } });
    assert.deepEqual(again.body, first.body);
    assert.equal((await incidentsOf(service)).length, 1, 'one incident');
    assert.equal(await receiptCount(trigger), 1);
  });

  it('acts once when copies of one command arrive at the same time', async () => {
    const service = uniqueService('slack-race');
    const body = slackForm(`open ${service} Arrived twice at once`);
    const answers = await Promise.all([send(body), send(body, { headers: { 'x-slack-retry-num': '1' } }), send(body, { headers: { 'x-slack-retry-num': '2' } })]);
    for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal((await incidentsOf(service)).length, 1);
    const texts = answers.map((a) => (a.body as SlackMessageBody).text);
    assert.ok(texts.every((text) => /INC-\d+/.test(text) || /already being handled/.test(text)), texts.join(' | '));
    assert.ok(texts.some((text) => /INC-\d+/.test(text)));
  });

  it('explains an unknown incident ref in an ephemeral message', async () => {
    for (const text of ['status INC-999999999', 'ack 999999999', 'next INC-999999998', 'note INC-999999997 hello']) {
      const message = await slash(text);
      assert.equal(message.response_type, 'ephemeral', text);
      assert.match(message.text, /Incident INC-\d+ was not found/, text);
    }
  });

  it('lists the allowed moves when a transition is not allowed', async () => {
    const ref = refIn(await slash(`open ${uniqueService('slack-409')} Wrong order`));
    const refused = await slash(`mitigate ${ref}`);
    assert.equal(refused.response_type, 'ephemeral');
    assert.match(refused.text, /Cannot move from open to mitigated; allowed: acknowledged, investigating, resolved/);
    assert.ok(all(refused).includes(`/incident ack ${ref}`), 'with the command for each allowed move');
    assert.ok(all(refused).includes(`/incident resolve ${ref} &lt;resolution note…&gt;`));

    const unnoted = await slash(`resolve ${ref}`);
    assert.match(unnoted.text, /needs a resolution note/);
    assert.equal((await api(`/v1/incidents/${ref}`)).status, 'open', 'nothing changed');
  });

  it('lists the valid outcomes for a wrong one, and the step to do first for one out of order', async () => {
    const ref = refIn(await slash(`open ${uniqueService('slack-step')} Step errors`));
    const badOutcome = await slash(`step ${ref} confirm fixed_itself`);
    assert.equal(badOutcome.response_type, 'ephemeral');
    assert.match(all(badOutcome), new RegExp(`/incident step ${ref} confirm reproduced`));

    const outOfOrder = await slash(`step ${ref} restart-flush recovered`);
    assert.equal(outOfOrder.response_type, 'ephemeral');
    assert.ok(all(outOfOrder).includes(`/incident next ${ref}`), all(outOfOrder));

    const unknownStep = await slash(`step ${ref} no-such-step done`);
    assert.match(unknownStep.text, /Step no-such-step/);
    const steps = (await api(`/v1/incidents/${ref}/steps`)).items as Array<{ status: string }>;
    assert.ok(steps.every((s) => s.status === 'pending'), 'no step changed');
  });

  it('answers 503 when Slack is not configured', async () => {
    const config = (await getTestApp()).get(AppConfig);
    const secret = config.SLACK_SIGNING_SECRET;
    config.SLACK_SIGNING_SECRET = undefined;
    try {
      const res = await send(slackForm('help'));
      assert.equal(res.status, 503);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
      assert.match(res.body.detail, /Slack is not configured/);
    } finally {
      config.SLACK_SIGNING_SECRET = secret;
    }
  });

  it('answers at once and follows up through response_url when the command is slower than the budget', async () => {
    const received: Array<{ body: SlackMessageBody; contentType: string | undefined; path: string | undefined }> = [];
    let notify: () => void = () => undefined;
    const receiver: Server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), contentType: req.headers['content-type'], path: req.url });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        notify();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverPort = (receiver.address() as AddressInfo).port;
    const waitForFollowUps = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} follow-ups arrived`)), 20_000);
        notify = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        };
        notify();
      });

    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stepwise-slack-'));
    const server = await startServer(
      {
        STEPWISE_DATA_DIR: dataDir,
        STEPWISE_EMBEDDED_STORAGE: 'memory',
        SLACK_SIGNING_SECRET: TEST_SLACK_SIGNING_SECRET,
        STEPWISE_SLACK_ANSWER_BUDGET_MS: '0',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        LOG_LEVEL: 'warn',
        LOG_REQUESTS: 'false',
      },
      freePortGuess(),
    );
    try {
      const responseUrl = `http://127.0.0.1:${receiverPort}/commands/T0STEPWISE/1234567890/FollowUp`;
      const body = slackForm(`open ${uniqueService('slack-late')} Slow answer sev2`, { responseUrl });
      const post = () => fetch(`${server.baseUrl}${ROUTE}`, { method: 'POST', headers: signedHeaders(body), body });

      const res = await post();
      assert.equal(res.status, 200);
      const immediate = (await res.json()) as SlackMessageBody;
      assert.equal(immediate.response_type, 'ephemeral');
      assert.match(immediate.text, /Working on it/);

      await waitForFollowUps(1);
      const [followUp] = received;
      assert.equal(followUp.path, '/commands/T0STEPWISE/1234567890/FollowUp');
      assert.match(followUp.contentType ?? '', /application\/json/);
      assert.equal(followUp.body.response_type, 'in_channel');
      assert.match(followUp.body.text, /INC-1\b.*Slow answer/);
      assert.ok(followUp.body.blocks.some((b) => b.type === 'header'));

      // A Slack retry after the follow-up gets the final answer, stored with the receipt.
      const retry = await fetch(`${server.baseUrl}${ROUTE}`, { method: 'POST', headers: { ...signedHeaders(body), 'x-slack-retry-num': '1' }, body });
      assert.equal(retry.status, 200);
      assert.deepEqual(await retry.json(), followUp.body);

      // Errors are followed up too, as ephemeral help.
      const missing = slackForm('status INC-424242', { responseUrl });
      const late = await fetch(`${server.baseUrl}${ROUTE}`, { method: 'POST', headers: signedHeaders(missing), body: missing });
      assert.match(((await late.json()) as SlackMessageBody).text, /Working on it/);
      await waitForFollowUps(2);
      assert.equal(received[1].body.response_type, 'ephemeral');
      assert.match(received[1].body.text, /INC-424242 was not found/);
      assert.equal(received.length, 2, 'one follow-up per command');
    } finally {
      await stopServer(server);
      await new Promise((resolve) => receiver.close(resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
