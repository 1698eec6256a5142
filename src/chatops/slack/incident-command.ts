import { GATEWAYS, type Gateway } from '../../diagnosis/cause-category.js';
import type { IncidentStatus } from '../../incidents/incident-lifecycle.js';

/**
 * Parses the text Slack sends after `/incident` into a command. Pure: no lookups, so "does INC-12
 * exist" or "is this outcome valid for the step" are left to the caller.
 */

/** Same values as the incident entity's SEVERITIES; repeated here to keep this module free of TypeORM. */
export const COMMAND_SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5'] as const;
export type CommandSeverity = (typeof COMMAND_SEVERITIES)[number];
export const DEFAULT_COMMAND_SEVERITY: CommandSeverity = 'SEV3';

/** Lifecycle states a chat command can move an incident to. */
export type CommandTransitionTarget = Extract<IncidentStatus, 'acknowledged' | 'mitigated' | 'resolved'>;

/** Limits matching the HTTP DTOs, so chat users hear about them before the API refuses. */
export const COMMAND_LIMITS = { title: 200, note: 10_000, resolutionNote: 5_000, stepNotes: 10_000 } as const;

export type IncidentCommand =
  | { kind: 'help' }
  | ({ kind: 'open'; service: string; title: string; severity: CommandSeverity } & OpenOptions)
  | { kind: 'status'; ref: string }
  | { kind: 'next'; ref: string }
  | { kind: 'note'; ref: string; text: string }
  | { kind: 'transition'; ref: string; to: CommandTransitionTarget; note?: string }
  | { kind: 'step'; ref: string; stepKey: string; outcome: string; notes?: string }
  | { kind: 'invalid'; message: string; usage: string };

export type IncidentCommandKind = IncidentCommand['kind'];

/**
 * What `open` may add after the title as `key=value` (any order, with or without the severity), so a
 * chat-opened incident gets its runbook for the right status and gateway and its similar past ones.
 */
export interface OpenOptions {
  gateway?: Gateway;
  statusCode?: number;
  environment?: string;
  url?: string;
}

export interface IncidentCommandUsage {
  command: string;
  usage: string;
  description: string;
}

export const INCIDENT_COMMAND_USAGE: readonly IncidentCommandUsage[] = Object.freeze([
  {
    command: 'open',
    usage: '/incident open <service> <title…> [sev1-sev5] [status=502] [gateway=nginx] [env=prod] [url=https://…]',
    description: 'Open an incident (default SEV3). The title may be quoted; the options after it pick the runbook and find similar past incidents.',
  },
  { command: 'status', usage: '/incident status <ref>', description: 'Show an incident and its step progress. <ref> is INC-12 or 12.' },
  { command: 'next', usage: '/incident next <ref>', description: 'Show the next runbook step, its checks and the outcomes to report.' },
  { command: 'note', usage: '/incident note <ref> <text…>', description: 'Add a note to the incident timeline.' },
  { command: 'ack', usage: '/incident ack <ref>', description: 'Acknowledge the incident (also: acknowledge).' },
  { command: 'mitigate', usage: '/incident mitigate <ref>', description: 'Mark the incident mitigated.' },
  { command: 'resolve', usage: '/incident resolve <ref> [note…]', description: 'Resolve the incident, with an optional resolution note.' },
  { command: 'step', usage: '/incident step <ref> <stepKey> <outcome> [notes…]', description: 'Report the outcome of a runbook step.' },
  { command: 'help', usage: '/incident help', description: 'Show this help.' },
]);

/** Every usage line, one per line: the usage given when the subcommand itself is unknown. */
export const INCIDENT_COMMAND_HELP_TEXT = INCIDENT_COMMAND_USAGE.map((entry) => entry.usage).join('\n');

/** The usage line of a subcommand (aliases included), or the full help when it is unknown. */
export function incidentCommandUsage(subcommand: string): string {
  const command = SUBCOMMAND_ALIASES[subcommand.toLowerCase()] ?? subcommand.toLowerCase();
  return INCIDENT_COMMAND_USAGE.find((entry) => entry.command === command)?.usage ?? INCIDENT_COMMAND_HELP_TEXT;
}

/** `INC-12`, `inc-12` or `12` → `INC-12`; anything else → null. Same digit limit as the HTTP ref pipe. */
export function normaliseIncidentRef(value: string): string | null {
  const match = /^(?:INC-)?(\d{1,9})$/i.exec(value.trim());
  if (!match) return null;
  const refNumber = Number(match[1]);
  return refNumber > 0 ? `INC-${refNumber}` : null;
}

const SUBCOMMAND_ALIASES: Record<string, string> = { acknowledge: 'ack' };
const SERVICE = /^[a-z0-9][a-z0-9._-]{0,62}$/i;
// Runbook step keys are kebab/snake case and outcomes snake_case (runbook DTO); case is forgiven.
const STEP_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const OUTCOME = /^[a-z][a-z0-9_]{0,63}$/i;
const SEVERITY_TOKEN = /^sev([0-9]+)$/i;
// Slack clients may turn "…" into typographic quotes, so all of these open and close a quoted token.
const QUOTES = new Set(['"', '\u201c', '\u201d', '\u201e']);
const WHITESPACE = /\s/;

interface Token {
  value: string;
  quoted: boolean;
  /** Offsets into the command text, so free text can be taken exactly as typed. */
  start: number;
  end: number;
}

/**
 * Splits on any whitespace. A token that starts with a quote runs to the next quote followed by
 * whitespace or the end, so quotes inside words (`it"s`) and inner quoted words stay as typed.
 * A quote that never closes is kept as an ordinary character (`5" pipe` is a measurement, not an error).
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    if (WHITESPACE.test(text[index])) {
      index++;
      continue;
    }
    const start = index;
    if (QUOTES.has(text[index])) {
      const close = closingQuote(text, index + 1);
      if (close !== -1) {
        tokens.push({ value: text.slice(start + 1, close), quoted: true, start, end: close + 1 });
        index = close + 1;
        continue;
      }
    }
    while (index < text.length && !WHITESPACE.test(text[index])) index++;
    tokens.push({ value: text.slice(start, index), quoted: false, start, end: index });
  }
  return tokens;
}

/** Index of the first quote at or after `from` that ends a token, or -1. */
function closingQuote(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    if (QUOTES.has(text[index]) && (index + 1 === text.length || WHITESPACE.test(text[index + 1]))) return index;
  }
  return -1;
}

/** Text of tokens[from..to) as typed; a lone quoted token gives its contents without the quotes. */
function freeText(text: string, tokens: Token[], from: number, to = tokens.length): string {
  if (from >= to) return '';
  if (to - from === 1 && tokens[from].quoted) return tokens[from].value.trim();
  return text.slice(tokens[from].start, tokens[to - 1].end).trim();
}

function invalid(subcommand: string, message: string): IncidentCommand {
  return { kind: 'invalid', message, usage: incidentCommandUsage(subcommand) };
}

type RefResult = { ok: true; ref: string } | { ok: false; command: IncidentCommand };

function readRef(subcommand: string, token: Token | undefined): RefResult {
  if (!token) return { ok: false, command: invalid(subcommand, `${subcommand}: missing <ref> (an incident ref like INC-12 or 12)`) };
  const ref = normaliseIncidentRef(token.value);
  if (!ref) return { ok: false, command: invalid(subcommand, `${subcommand}: <ref> “${token.value}” is not an incident ref like INC-12 or 12`) };
  return { ok: true, ref };
}

function refuseExtra(subcommand: string, tokens: Token[], allowed: number): IncidentCommand | null {
  if (tokens.length <= allowed) return null;
  return invalid(subcommand, `${subcommand}: unexpected extra argument “${tokens[allowed].value}”`);
}

function tooLong(subcommand: string, argument: string, value: string, limit: number): IncidentCommand | null {
  return value.length > limit ? invalid(subcommand, `${subcommand}: ${argument} is ${value.length} characters; the limit is ${limit}`) : null;
}

/** Parses the text after `/incident`. Never throws; problems come back as `{ kind: 'invalid' }`. */
export function parseIncidentCommand(text: string): IncidentCommand {
  const tokens = tokenize(text);
  if (tokens.length === 0) return { kind: 'help' };

  const typed = tokens[0].value.toLowerCase();
  const subcommand = SUBCOMMAND_ALIASES[typed] ?? typed;
  switch (subcommand) {
    case 'help':
      return { kind: 'help' };
    case 'open':
      return parseOpen(text, tokens);
    case 'status':
    case 'next': {
      const ref = readRef(subcommand, tokens[1]);
      if (!ref.ok) return ref.command;
      return refuseExtra(subcommand, tokens, 2) ?? { kind: subcommand, ref: ref.ref };
    }
    case 'note': {
      const ref = readRef('note', tokens[1]);
      if (!ref.ok) return ref.command;
      const noteText = freeText(text, tokens, 2);
      if (!noteText) return invalid('note', 'note: missing <text>');
      return tooLong('note', '<text>', noteText, COMMAND_LIMITS.note) ?? { kind: 'note', ref: ref.ref, text: noteText };
    }
    case 'ack':
    case 'mitigate': {
      const ref = readRef(typed, tokens[1]);
      if (!ref.ok) return ref.command;
      const to: CommandTransitionTarget = subcommand === 'ack' ? 'acknowledged' : 'mitigated';
      return refuseExtra(typed, tokens, 2) ?? { kind: 'transition', ref: ref.ref, to };
    }
    case 'resolve': {
      const ref = readRef('resolve', tokens[1]);
      if (!ref.ok) return ref.command;
      const note = freeText(text, tokens, 2);
      if (!note) return { kind: 'transition', ref: ref.ref, to: 'resolved' };
      return tooLong('resolve', '[note]', note, COMMAND_LIMITS.resolutionNote) ?? { kind: 'transition', ref: ref.ref, to: 'resolved', note };
    }
    case 'step':
      return parseStep(text, tokens);
    default:
      return { kind: 'invalid', message: `unknown subcommand “${tokens[0].value}”`, usage: INCIDENT_COMMAND_HELP_TEXT };
  }
}

function parseOpen(text: string, tokens: Token[]): IncidentCommand {
  const serviceToken = tokens[1];
  if (!serviceToken) return invalid('open', 'open: missing <service> and <title>');
  if (!SERVICE.test(serviceToken.value)) {
    return invalid('open', `open: <service> “${serviceToken.value}” must be 1–63 letters, digits, dots, dashes or underscores, starting with a letter or digit`);
  }

  // Severity and key=value options only ever trail the title, unquoted: `"Outage sev2"` stays a title.
  let severity: CommandSeverity = DEFAULT_COMMAND_SEVERITY;
  const options: OpenOptions = {};
  let titleEnd = tokens.length;
  while (titleEnd > 2) {
    const token = tokens[titleEnd - 1];
    if (token.quoted) break;
    const severityMatch = SEVERITY_TOKEN.exec(token.value);
    if (severityMatch) {
      const candidate = `SEV${Number(severityMatch[1])}`;
      if (!isCommandSeverity(candidate)) return invalid('open', `open: severity “${token.value}” must be one of sev1–sev5`);
      severity = candidate;
      titleEnd--;
      continue;
    }
    const option = OPTION_TOKEN.exec(token.value);
    if (!option) break;
    const problem = readOpenOption(option[1].toLowerCase(), option[2], options);
    if (problem) return invalid('open', `open: ${problem}`);
    titleEnd--;
  }

  if (options.url && options.statusCode === undefined) return invalid('open', 'open: url= needs status= too (the status users saw at that URL)');
  const title = freeText(text, tokens, 2, titleEnd).replace(/\s+/g, ' ');
  if (!title) return invalid('open', 'open: missing <title>');
  return tooLong('open', '<title>', title, COMMAND_LIMITS.title) ?? { kind: 'open', service: serviceToken.value, title, severity, ...options };
}

const OPTION_TOKEN = /^(gateway|gw|status|env|environment|url)=(.+)$/i;

/** Sets one `key=value` option of `open`; answers what is wrong with it, if anything. */
function readOpenOption(key: string, value: string, options: OpenOptions): string | null {
  switch (key) {
    case 'gateway':
    case 'gw': {
      const gateway = GATEWAYS.find((g) => g === value.toLowerCase());
      if (!gateway) return `gateway “${value}” must be one of ${GATEWAYS.join(', ')}`;
      options.gateway = gateway;
      return null;
    }
    case 'status': {
      const code = /^[1-5][0-9]{2}$/.test(value) ? Number(value) : NaN;
      if (!Number.isInteger(code)) return `status “${value}” must be an HTTP status code like 502`;
      options.statusCode = code;
      return null;
    }
    case 'env':
    case 'environment':
      if (!/^[a-z0-9][a-z0-9._-]{0,49}$/i.test(value)) return `env “${value}” must be a name like prod or eu-west-1`;
      options.environment = value;
      return null;
    default: {
      // Slack wraps links it recognises as <https://…> or <https://…|label>.
      const raw = /^<([^|>]+)(?:\|[^>]*)?>$/.exec(value)?.[1] ?? value;
      let url: URL | null = null;
      try {
        url = new URL(raw);
      } catch {
        url = null;
      }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || raw.length > 2000) return `url “${value}” must be an http(s) URL`;
      options.url = raw;
      return null;
    }
  }
}

function parseStep(text: string, tokens: Token[]): IncidentCommand {
  const ref = readRef('step', tokens[1]);
  if (!ref.ok) return ref.command;
  const stepKeyToken = tokens[2];
  if (!stepKeyToken) return invalid('step', 'step: missing <stepKey> and <outcome>');
  if (!STEP_KEY.test(stepKeyToken.value)) return invalid('step', `step: <stepKey> “${stepKeyToken.value}” is not a step key like verify-monitor`);
  const outcomeToken = tokens[3];
  if (!outcomeToken) return invalid('step', 'step: missing <outcome>');
  if (!OUTCOME.test(outcomeToken.value)) return invalid('step', `step: <outcome> “${outcomeToken.value}” is not an outcome key like simple_upstream_ok`);

  const command: IncidentCommand = { kind: 'step', ref: ref.ref, stepKey: stepKeyToken.value.toLowerCase(), outcome: outcomeToken.value.toLowerCase() };
  const notes = freeText(text, tokens, 4);
  if (!notes) return command;
  return tooLong('step', '[notes]', notes, COMMAND_LIMITS.stepNotes) ?? { ...command, notes };
}

function isCommandSeverity(value: string): value is CommandSeverity {
  return (COMMAND_SEVERITIES as readonly string[]).includes(value);
}
