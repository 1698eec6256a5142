import type { FastifyInstance } from 'fastify';
import type { FieldError } from '../../common/errors/domain-errors.js';
import { parseWebhookUrl } from '../webhooks/webhook-url.js';

/**
 * Slack's slash-command payload: an `application/x-www-form-urlencoded` POST, signed over its exact
 * bytes. Fastify is given a form parser that keeps those bytes (`request.rawBody`) beside the parsed
 * fields; the fields the command uses are read and checked here.
 */

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
/** Slack's payloads are a few hundred bytes; nothing else in Stepwise takes forms. */
export const SLACK_FORM_BODY_LIMIT = 64 * 1024;

/** A request whose form body was parsed by the parser below. */
export interface RawBodyRequest {
  rawBody?: Buffer;
}

/**
 * Replaces the form parser Nest registers (which drops the bytes unless the whole app keeps raw
 * bodies) with one that keeps them. Must run before Fastify is ready, e.g. in `onModuleInit`.
 */
export function installRawFormParser(fastify: FastifyInstance, bodyLimit = SLACK_FORM_BODY_LIMIT): void {
  if (fastify.hasContentTypeParser(FORM_CONTENT_TYPE)) fastify.removeContentTypeParser(FORM_CONTENT_TYPE);
  fastify.addContentTypeParser(FORM_CONTENT_TYPE, { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    const raw = body as Buffer;
    (request as unknown as RawBodyRequest).rawBody = raw;
    done(null, formFields(raw));
  });
}

/**
 * Form bytes → fields (first value wins). A null-prototype object, so a `__proto__` field is only
 * a field.
 */
export function formFields(raw: Buffer): Record<string, string> {
  const fields = Object.create(null) as Record<string, string>;
  for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) {
    if (!(name in fields)) fields[name] = value;
  }
  return fields;
}

/** The fields of a slash command that Stepwise uses. */
export interface SlackCommandForm {
  teamId: string;
  userId: string;
  /** Slack still sends it, but calls it deprecated; the user id stands in when it is missing. */
  userName: string | null;
  channelId: string;
  command: string;
  /** What follows the command; empty for a bare `/incident`. */
  text: string;
  responseUrl: string;
  triggerId: string;
}

export type SlackFormResult = { ok: true; form: SlackCommandForm } | { ok: false; errors: FieldError[] };

/** Longest accepted value per field: the receipt table's column sizes, and room for Slack's ids. */
const MAX_LENGTH: Record<string, number> = {
  team_id: 50,
  user_id: 50,
  user_name: 100,
  channel_id: 50,
  command: 50,
  response_url: 2048,
  trigger_id: 200,
};
const REQUIRED = ['team_id', 'user_id', 'channel_id', 'command', 'text', 'response_url', 'trigger_id'] as const;

/** Reads the slash-command fields from the signed body; every missing or over-long field is named. */
export function readSlackCommandForm(raw: Buffer): SlackFormResult {
  const fields = formFields(raw);
  const errors: FieldError[] = [];
  for (const name of REQUIRED) {
    const value = fields[name];
    // `text` is present but empty for a bare `/incident`; the others must say something.
    if (value === undefined || (name !== 'text' && value.trim() === '')) errors.push({ field: name, message: `${name} is required` });
  }
  for (const [name, max] of Object.entries(MAX_LENGTH)) {
    const value = fields[name];
    if (value !== undefined && value.length > max) errors.push({ field: name, message: `${name} must be at most ${max} characters` });
  }
  if (errors.length > 0) return { ok: false, errors };
  const userName = fields.user_name?.trim();
  return {
    ok: true,
    form: {
      teamId: fields.team_id.trim(),
      userId: fields.user_id.trim(),
      userName: userName ? userName : null,
      channelId: fields.channel_id.trim(),
      command: fields.command.trim(),
      text: fields.text,
      responseUrl: fields.response_url.trim(),
      triggerId: fields.trigger_id.trim(),
    },
  };
}

export type ResponseUrlResult = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Where a follow-up may go. Slack's response URLs are `https://hooks.slack.com/…`; anything else is
 * refused unless private targets are allowed (development and tests, with a local receiver), where
 * any well-formed http(s) URL passes. The caller still resolves the host before connecting.
 */
export function checkResponseUrl(raw: string, allowPrivate: boolean): ResponseUrlResult {
  const parsed = parseWebhookUrl(raw);
  if (!parsed.ok) return parsed;
  if (allowPrivate) return parsed;
  const { url } = parsed;
  const host = url.hostname.toLowerCase();
  if (url.protocol !== 'https:') return { ok: false, reason: 'response_url must be an https URL' };
  if (host !== 'hooks.slack.com' && !host.endsWith('.slack.com')) return { ok: false, reason: 'response_url must be on slack.com' };
  if (url.port !== '') return { ok: false, reason: 'response_url must use the default https port' };
  return parsed;
}
