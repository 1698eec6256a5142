import { Injectable, Logger, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import { DomainError, ValidationError } from '../../common/errors/domain-errors.js';
import type { IncidentLocator } from '../../common/http/id-pipes.js';
import { AppConfig } from '../../config/app-config.js';
import type { IncidentStatus } from '../../incidents/incident-lifecycle.js';
import type { IncidentView } from '../../incidents/incident.view.js';
import { IncidentsService } from '../../incidents/incidents.service.js';
import { StepsService, type NextStepAnswer } from '../../steps/steps.service.js';
import { postPinned } from '../webhooks/pinned-post.js';
import { resolveWebhookTarget } from '../webhooks/webhook-url.js';
import { incidentCommandUsage, parseIncidentCommand, type IncidentCommand } from './incident-command.js';
import { checkResponseUrl, readSlackCommandForm, type SlackCommandForm } from './slack-form.js';
import { verifySlackSignature } from './slack-signature.js';
import {
  errorMessage,
  escapeMrkdwn,
  helpMessage,
  incidentMessage,
  nextStepMessage,
  noteAddedMessage,
  stepCommand,
  stepCompletedMessage,
  transitionMessage,
  truncateText,
  type IncidentSummary,
  type NextStepDetails,
  type SlackMessage,
} from './slack-messages.js';

/** Time a follow-up POST to Slack's response_url may take. */
const FOLLOW_UP_TIMEOUT_MS = 5_000;
/** Longest actor name the timeline stores. */
const MAX_ACTOR_LENGTH = 100;

/**
 * Runs `/incident …` for Slack: claims the command's trigger_id so a Slack retry does not act twice,
 * runs it through the incidents and steps services as the Slack user, and answers within the
 * configured budget — or at once with "working on it" and later through `response_url`.
 * Nothing is kept in memory that another instance would need: the receipts table holds the dedupe.
 */
@Injectable()
export class SlackCommandsService {
  private readonly logger = new Logger('Slack');

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
    private readonly steps: StepsService,
  ) {}

  /** The answer to one verified slash command: Slack message JSON, always for an HTTP 200. */
  async handle(form: SlackCommandForm, retryNum?: string): Promise<SlackMessage> {
    if (!(await this.claim(form))) {
      this.logger.log(`Slack command ${form.triggerId} seen again${retryNum ? ` (retry ${retryNum})` : ''}: answering the first answer`);
      return this.earlierAnswer(form.triggerId);
    }

    const work = this.execute(form).then(async (message) => {
      await this.remember(form.triggerId, message);
      return message;
    });

    const budget = this.config.STEPWISE_SLACK_ANSWER_BUDGET_MS;
    if (budget > 0) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), budget);
      });
      const answer = await Promise.race([work, late]);
      clearTimeout(timer);
      if (answer) return answer;
    }

    // Too slow for Slack's 3 seconds (or no budget at all): the final answer goes to response_url.
    void work.then((message) => this.followUp(form.responseUrl, message));
    return workingMessage(form.text);
  }

  /**
   * Verifies one request against the signing secret over its exact bytes and reads the command:
   * 503 when Slack is not configured, 401 for a missing, wrong or stale signature (nothing else is
   * looked at), 400 naming missing fields or a response_url this instance would refuse to call
   * (checked before acting, so nothing is done that cannot be reported).
   */
  receive(rawBody: Buffer, headers: { timestamp: string | undefined; signature: string | undefined }): SlackCommandForm {
    const signingSecret = this.config.SLACK_SIGNING_SECRET;
    if (!signingSecret) throw new ServiceUnavailableException('Slack is not configured: set SLACK_SIGNING_SECRET to the Slack app’s signing secret.');
    const verdict = verifySlackSignature({ signingSecret, ...headers, rawBody, nowSeconds: Math.floor(Date.now() / 1000) });
    if (!verdict.ok) throw new UnauthorizedException(`The Slack request signature was refused: ${verdict.reason}.`);
    const read = readSlackCommandForm(rawBody);
    if (!read.ok) throw new ValidationError(read.errors);
    const checked = checkResponseUrl(read.form.responseUrl, this.config.WEBHOOK_ALLOW_PRIVATE);
    if (!checked.ok) throw new ValidationError([{ field: 'response_url', message: checked.reason }]);
    return read.form;
  }

  /**
   * Records the trigger_id in its own statement (its own transaction): of two concurrent copies of
   * one command, the second waits for the first insert and then finds the row taken.
   */
  private async claim(form: SlackCommandForm): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO slack_command_receipts (trigger_id, team_id, user_id, text, response)
       VALUES ($1, $2, $3, $4, NULL)
       ON CONFLICT (trigger_id) DO NOTHING
       RETURNING trigger_id`,
      [form.triggerId, form.teamId, form.userId, form.text],
    );
    return rows.length === 1;
  }

  private async earlierAnswer(triggerId: string): Promise<SlackMessage> {
    const rows: Array<{ response: SlackMessage | null }> = await this.dataSource.query('SELECT response FROM slack_command_receipts WHERE trigger_id = $1', [triggerId]);
    const stored = rows[0]?.response;
    if (stored) return stored;
    return plainMessage(':hourglass_flowing_sand: This command is already being handled; its answer will follow.');
  }

  private async remember(triggerId: string, message: SlackMessage): Promise<void> {
    try {
      await this.dataSource.query('UPDATE slack_command_receipts SET response = $2 WHERE trigger_id = $1', [triggerId, JSON.stringify(message)]);
    } catch (error) {
      // The command has run; a retry would only be told "already being handled".
      this.logger.error(`Could not store the answer to Slack command ${triggerId}: ${describe(error)}`);
    }
  }

  /** Runs the command; never rejects — every failure becomes a message for the person who typed it. */
  private async execute(form: SlackCommandForm): Promise<SlackMessage> {
    const command = parseIncidentCommand(form.text);
    try {
      return await this.run(command, form);
    } catch (error) {
      if (error instanceof DomainError) return explain(error, command);
      this.logger.error(`Slack command ${form.triggerId} (${truncateText(form.text, 200)}) failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return errorMessage('Stepwise could not finish this command because of an internal error (it has been logged). Check the incident before trying again.');
    }
  }

  private async run(command: IncidentCommand, form: SlackCommandForm): Promise<SlackMessage> {
    const principal = slackPrincipal(form);
    switch (command.kind) {
      case 'help':
        return helpMessage();
      case 'invalid':
        return errorMessage(command.message, command.usage);
      case 'open': {
        const symptom = command.statusCode !== undefined ? { statusCode: command.statusCode, ...(command.url ? { url: command.url } : {}) } : undefined;
        const view = await this.incidents.create(
          { title: command.title, severity: command.severity, service: command.service, gateway: command.gateway, environment: command.environment, symptom },
          principal,
        );
        const similar = view.similar ?? [];
        const headline =
          `${view.ref} opened by ${principal.actor}` +
          (similar.length > 0 ? ` · ${similar.length} similar past incident${similar.length === 1 ? '' : 's'}: ${similar.slice(0, 5).map((s) => s.ref).join(', ')}` : '');
        return incidentMessage(summarise(view), { inChannel: true, headline });
      }
      case 'status':
        return incidentMessage(summarise(await this.incidents.get(locate(command.ref))));
      case 'next':
        return nextStepMessage(command.ref, nextStepDetails(await this.steps.nextStep(locate(command.ref))));
      case 'step': {
        const result = await this.steps.complete(locate(command.ref), command.stepKey, { outcome: command.outcome, notes: command.notes }, principal);
        const message = stepCompletedMessage(result.incident.ref, { key: result.key, title: result.title, outcome: result.outcome ?? command.outcome }, result.incident.status);
        const suggested = result.suggestedTransition;
        if (suggested?.to === 'resolved') {
          message.blocks.push({
            type: 'context',
            elements: [{ type: 'mrkdwn', text: truncateText(`${escapeMrkdwn(suggested.reason)} \`/incident resolve ${result.incident.ref} <note>\``, 3000) }],
          });
        }
        return message;
      }
      case 'note':
        await this.incidents.addNote(locate(command.ref), { message: command.text }, principal);
        // The user id renders as a mention of the person in Slack.
        return noteAddedMessage(command.ref, command.text, form.userId);
      case 'transition': {
        const { from, to } = await this.dataSource.transaction(async (tx) => {
          const incident = await this.incidents.find(tx, locate(command.ref), true);
          const before = incident.status;
          await this.incidents.applyTransition(tx, incident, command.to, principal.actor, new Date(), command.note);
          return { from: before, to: incident.status };
        });
        return transitionMessage(command.ref, from, to);
      }
    }
  }

  /** POSTs the final answer to Slack's response_url. Logs failures; never throws. */
  private async followUp(responseUrl: string, message: SlackMessage): Promise<void> {
    try {
      const checked = checkResponseUrl(responseUrl, this.config.WEBHOOK_ALLOW_PRIVATE);
      if (!checked.ok) {
        this.logger.warn(`Slack follow-up not sent: ${checked.reason}`);
        return;
      }
      const target = await resolveWebhookTarget(checked.url, { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE });
      if (!target.ok) {
        this.logger.warn(`Slack follow-up not sent: ${target.reason}`);
        return;
      }
      const outcome = await postPinned(checked.url, JSON.stringify(message), { 'user-agent': 'Stepwise-Slack/1' }, target.addresses, FOLLOW_UP_TIMEOUT_MS);
      if (outcome.error) this.logger.warn(`Slack follow-up to ${checked.url.host} failed: ${outcome.error}`);
      else if (!outcome.status || outcome.status < 200 || outcome.status >= 300) this.logger.warn(`Slack follow-up to ${checked.url.host} answered HTTP ${outcome.status}`);
    } catch (error) {
      this.logger.warn(`Slack follow-up failed: ${describe(error)}`);
    }
  }
}

/** The Slack user acts as a responder; the timeline names them `slack:<user name>`. */
function slackPrincipal(form: SlackCommandForm): Principal {
  const actor = `slack:${form.userName ?? form.userId}`.slice(0, MAX_ACTOR_LENGTH);
  return { keyId: 'slack', keyName: 'slack', role: 'responder', actor };
}

/** The parser has already normalised refs to `INC-<n>`. */
function locate(ref: string): IncidentLocator {
  return { refNumber: Number(ref.slice('INC-'.length)) };
}

function summarise(view: IncidentView): IncidentSummary {
  return {
    ref: view.ref,
    title: view.title,
    status: view.status,
    severity: view.severity,
    service: view.service,
    gateway: view.gateway,
    commander: view.commander,
    createdAt: view.createdAt,
    steps: view.steps.map((step) => ({
      key: step.key,
      position: step.position,
      title: step.title,
      status: step.status,
      outcome: typeof step.outcome === 'string' ? step.outcome : null,
    })),
  };
}

function nextStepDetails(answer: NextStepAnswer): NextStepDetails {
  const step = answer.step;
  return {
    step: step
      ? {
          key: step.key,
          title: step.title,
          instructions: step.instructions,
          tip: step.tip || null,
          checks: step.checks.map((check) => ({ title: check.title, command: check.command, description: check.lookFor ? `Look for: ${check.lookFor}` : undefined })),
          outcomes: step.outcomes.map((outcome) => ({ key: outcome.key, label: outcome.label, description: outcome.description })),
        }
      : null,
    topCauses: answer.topCauses.map((cause) => ({ category: cause.category, score: cause.score })),
    missingEvidence: answer.missingEvidence.map((evidence) => evidence.kind),
  };
}

/** Slack commands for the lifecycle moves a chat user can make; the others are reached otherwise. */
function transitionCommand(ref: string, to: string, from: string): string | null {
  switch (to) {
    case 'acknowledged':
      return `/incident ack ${ref}`;
    case 'mitigated':
      return `/incident mitigate ${ref}`;
    case 'resolved':
      return from === 'mitigated' ? `/incident resolve ${ref} [note…]` : `/incident resolve ${ref} <resolution note…>`;
    case 'investigating':
      return `/incident step ${ref} <stepKey> <outcome>   (working on a step moves it to investigating)`;
    default:
      return null;
  }
}

/** A refused command (unknown ref, wrong order, bad outcome) as help for the person who typed it. */
function explain(error: DomainError, command: IncidentCommand): SlackMessage {
  const extra = error.extra;
  const ref = 'ref' in command ? command.ref : '<ref>';
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

  if (command.kind === 'transition' && typeof extra.from === 'string' && Array.isArray(extra.allowed)) {
    const allowed = strings(extra.allowed);
    const moves = allowed.map((to) => transitionCommand(ref, to, String(extra.from))).filter((line): line is string => line !== null);
    const detail = allowed.length > 0 ? error.message : `${error.message} Nothing more can change it.`;
    return errorMessage(detail, moves.length > 0 ? `Allowed from ${extra.from}: ${allowed.join(', ')}\n${moves.join('\n')}` : undefined);
  }
  if (command.kind === 'step') {
    const validOutcomes = strings(extra.validOutcomes);
    if (validOutcomes.length > 0) {
      return errorMessage(error.message, `Valid outcomes for ${command.stepKey}:\n${validOutcomes.map((outcome) => stepCommand(ref, command.stepKey, outcome)).join('\n')}`);
    }
    if (typeof extra.mustFirst === 'string' || Array.isArray(extra.mustFirst)) {
      return errorMessage(error.message, `See what to do first:\n/incident next ${ref}`);
    }
  }
  if (error.status === 404) {
    return errorMessage(error.message, `Check the ref (INC-12 or 12) and the step key:\n/incident status ${ref}\n/incident next ${ref}`);
  }
  return errorMessage(error.message, incidentCommandUsage(usageName(command)));
}

function usageName(command: IncidentCommand): string {
  if (command.kind !== 'transition') return command.kind;
  const names: Partial<Record<IncidentStatus, string>> = { acknowledged: 'ack', mitigated: 'mitigate', resolved: 'resolve' };
  return names[command.to] ?? 'help';
}

/** A one-section ephemeral message with mrkdwn the caller has made safe. */
function plainMessage(mrkdwn: string): SlackMessage {
  return { response_type: 'ephemeral', text: mrkdwn, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }] };
}

function workingMessage(text: string): SlackMessage {
  const typed = escapeMrkdwn(truncateText(`/incident ${text}`.replace(/\s+/g, ' ').trim(), 200)).replace(/`/g, "'");
  return plainMessage(`:hourglass_flowing_sand: Working on it… \`${typed}\` will answer here shortly.`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
