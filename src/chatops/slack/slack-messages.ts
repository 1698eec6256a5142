import { INCIDENT_COMMAND_USAGE } from './incident-command.js';

/**
 * Block Kit replies for `/incident`, as plain objects. Every piece of user or incident text goes
 * through `escapeMrkdwn`, so nobody can smuggle `<!channel>`, `<@U…>` or `<https://…|links>` into a
 * message; only this file writes Slack's `<…>` syntax. Slack refuses (not trims) messages over its
 * limits, so every text is cut to fit with an ellipsis.
 */

export const SLACK_LIMITS = Object.freeze({
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  /** Not a Slack limit: the notification/fallback text is kept short on purpose. */
  fallbackText: 3000,
});

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface SectionBlock {
  type: 'section';
  text: MrkdwnText;
  fields?: MrkdwnText[];
}

export interface ContextBlock {
  type: 'context';
  elements: MrkdwnText[];
}

export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}

export interface DividerBlock {
  type: 'divider';
}

export type Block = SectionBlock | ContextBlock | HeaderBlock | DividerBlock;

export type SlackResponseType = 'ephemeral' | 'in_channel';

export interface SlackMessage {
  response_type: SlackResponseType;
  /** Fallback for notifications and clients that cannot show blocks (mrkdwn, escaped). */
  text: string;
  blocks: Block[];
}

export interface IncidentStepLine {
  key: string;
  position: number;
  title: string;
  status: string;
  outcome?: string | null;
}

export interface IncidentSummary {
  ref: string;
  title: string;
  status: string;
  severity: string;
  service: string;
  gateway?: string | null;
  commander?: string | null;
  /** ISO 8601 timestamp. */
  createdAt: string;
  url?: string | null;
  steps?: IncidentStepLine[];
}

export interface IncidentMessageOptions {
  /** A line above the details, e.g. "Incident opened by …". */
  headline?: string;
  /** Post for the whole channel instead of only the person who typed the command. */
  inChannel?: boolean;
}

export interface NextStepCheck {
  title?: string;
  command?: string;
  description?: string;
}

export interface NextStepOutcome {
  key: string;
  label?: string;
  description?: string;
}

export interface NextStepDetails {
  step: {
    key: string;
    title: string;
    instructions: string;
    tip?: string | null;
    checks: NextStepCheck[];
    outcomes: NextStepOutcome[];
  } | null;
  /** Cause categories with scores between 0 and 1. */
  topCauses: { category: string; score: number }[];
  missingEvidence: string[];
}

export interface CompletedStep {
  key: string;
  title: string;
  outcome: string;
}

export const STEP_STATUS_EMOJI: Readonly<Record<string, string>> = Object.freeze({
  pending: ':white_circle:',
  in_progress: ':large_blue_circle:',
  done: ':white_check_mark:',
  skipped: ':fast_forward:',
  blocked: ':no_entry:',
});
const UNKNOWN_STATUS_EMOJI = ':grey_question:';

const TRANSITION_EMOJI: Readonly<Record<string, string>> = Object.freeze({
  acknowledged: ':eyes:',
  investigating: ':mag:',
  mitigated: ':adhesive_bandage:',
  resolved: ':white_check_mark:',
  closed: ':lock:',
  open: ':rotating_light:',
});

const ELLIPSIS = '…';
/** Check commands shown per next-step message; the rest are summarised, to stay under the block limit. */
const MAX_CHECKS_SHOWN = 15;
const MAX_CAUSES_SHOWN = 5;

// ---------------------------------------------------------------------------------------------
// Text helpers

/**
 * Makes text inert in Slack mrkdwn: `&`, `<`, `>` become entities (Slack's own escaping rule), so
 * `<!channel>` or `<https://evil|x>` show as typed. `@channel`/`@here`/`@everyone` get a zero-width
 * space after the `@` so they cannot become mentions if a message is ever sent with `link_names`.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u200b$1');
}

/**
 * Cuts text to at most `max` UTF-16 units, ending with `…` when cut. Never splits an HTML entity
 * made by `escapeMrkdwn` (`&am…` would render as garbage) or a surrogate pair.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = text.slice(0, max - ELLIPSIS.length);
  const ampersand = cut.lastIndexOf('&');
  if (ampersand !== -1 && cut.length - ampersand <= 4 && !cut.slice(ampersand).includes(';')) cut = cut.slice(0, ampersand);
  const lastCode = cut.charCodeAt(cut.length - 1);
  if (lastCode >= 0xd800 && lastCode <= 0xdbff) cut = cut.slice(0, -1);
  return cut + ELLIPSIS;
}

/** Escaped text in an inline code span; backticks and newlines would end the span early. */
function inlineCode(text: string): string {
  const safe = escapeMrkdwn(text).replace(/`/g, "'").replace(/\s+/g, ' ').trim();
  return safe ? `\`${safe}\`` : '';
}

/**
 * Escaped text in a ``` block, cut to fit `max` including the fences. Runs of three or more
 * backticks get zero-width spaces between them so they cannot close the fence.
 */
function codeBlock(text: string, max: number): string {
  const fenceSafe = escapeMrkdwn(text).replace(/`{3,}/g, (run) => run.split('').join('\u200b'));
  return '```\n' + truncateText(fenceSafe, Math.max(0, max - 8)) + '\n```';
}

/** `<@U123ABC>` for a Slack user id (a controlled mention); anything else is shown as escaped text. */
function formatActor(actor: string): string {
  return /^[UW][A-Z0-9]{2,20}$/.test(actor) ? `<@${actor}>` : escapeMrkdwn(actor);
}

/** `<url|label>` for an http(s) URL that cannot break out of the link syntax; otherwise null. */
function safeLink(url: string | null | undefined, label: string): string | null {
  if (!url || !/^https?:\/\/[^\s<>|]+$/i.test(url) || url.length > 2000) return null;
  return `<${url.replace(/&/g, '&amp;')}|${escapeMrkdwn(label)}>`;
}

function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return escapeMrkdwn(iso);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function percent(score: number): string {
  const clamped = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
  return `${Math.round(clamped * 100)}%`;
}

// ---------------------------------------------------------------------------------------------
// Block helpers (each enforces its own Slack limit)

function header(text: string): HeaderBlock {
  const clean = text.replace(/\s+/g, ' ').trim() || ' ';
  return { type: 'header', text: { type: 'plain_text', text: truncateText(clean, SLACK_LIMITS.headerText), emoji: true } };
}

function section(mrkdwn: string, fields?: string[]): SectionBlock {
  const block: SectionBlock = { type: 'section', text: { type: 'mrkdwn', text: truncateText(mrkdwn || ' ', SLACK_LIMITS.sectionText) } };
  if (fields && fields.length > 0) {
    block.fields = fields.slice(0, SLACK_LIMITS.fields).map((field) => ({ type: 'mrkdwn', text: truncateText(field || ' ', SLACK_LIMITS.fieldText) }));
  }
  return block;
}

function context(...elements: string[]): ContextBlock {
  return {
    type: 'context',
    elements: elements
      .filter((element) => element.length > 0)
      .slice(0, SLACK_LIMITS.contextElements)
      .map((element) => ({ type: 'mrkdwn', text: truncateText(element, SLACK_LIMITS.contextText) })),
  };
}

const divider = (): DividerBlock => ({ type: 'divider' });

/** Lines packed into as few sections as fit; a single over-long line is truncated. */
function sectionsFromLines(lines: string[]): SectionBlock[] {
  const sections: SectionBlock[] = [];
  let current = '';
  for (const line of lines) {
    const fitted = truncateText(line, SLACK_LIMITS.sectionText);
    if (current && current.length + 1 + fitted.length > SLACK_LIMITS.sectionText) {
      sections.push(section(current));
      current = fitted;
    } else {
      current = current ? `${current}\n${fitted}` : fitted;
    }
  }
  if (current) sections.push(section(current));
  return sections;
}

function message(responseType: SlackResponseType, fallback: string, blocks: Block[]): SlackMessage {
  const kept = blocks.filter((block) => block.type !== 'context' || block.elements.length > 0);
  let capped = kept;
  if (kept.length > SLACK_LIMITS.blocks) {
    const hidden = kept.length - (SLACK_LIMITS.blocks - 1);
    capped = [...kept.slice(0, SLACK_LIMITS.blocks - 1), context(`_Message shortened: ${hidden} more block${hidden === 1 ? '' : 's'} not shown._`)];
  }
  return { response_type: responseType, text: truncateText(fallback.replace(/\s+/g, ' ').trim(), SLACK_LIMITS.fallbackText), blocks: capped };
}

// ---------------------------------------------------------------------------------------------
// Builders

/** An incident card: header, key fields, and one line per runbook step. */
export function incidentMessage(incident: IncidentSummary, opts: IncidentMessageOptions = {}): SlackMessage {
  const ref = escapeMrkdwn(incident.ref);
  const blocks: Block[] = [header(`${incident.ref}: ${incident.title}`)];
  blocks.push(
    section(opts.headline ? escapeMrkdwn(opts.headline) : `*${ref}* · ${escapeMrkdwn(incident.title)}`, [
      `*Status*\n${escapeMrkdwn(incident.status)}`,
      `*Severity*\n${escapeMrkdwn(incident.severity)}`,
      `*Service*\n${escapeMrkdwn(incident.service)}`,
      `*Gateway*\n${incident.gateway ? escapeMrkdwn(incident.gateway) : '_unknown_'}`,
      `*Commander*\n${incident.commander ? escapeMrkdwn(incident.commander) : '_unassigned_'}`,
    ]),
  );

  const steps = [...(incident.steps ?? [])].sort((a, b) => a.position - b.position);
  if (steps.length > 0) {
    const finished = steps.filter((step) => step.status === 'done' || step.status === 'skipped').length;
    blocks.push(divider(), section(`*Runbook progress:* ${finished}/${steps.length} steps finished`));
    blocks.push(
      ...sectionsFromLines(
        steps.map((step) => {
          const emoji = STEP_STATUS_EMOJI[step.status] ?? UNKNOWN_STATUS_EMOJI;
          const outcome = step.outcome ? ` → ${inlineCode(step.outcome)}` : '';
          const title = truncateText(escapeMrkdwn(step.title), 300);
          return `${emoji} ${step.position}. ${title} ${inlineCode(step.key)} _${escapeMrkdwn(step.status.replace(/_/g, ' '))}_${outcome}`;
        }),
      ),
    );
  }

  const link = safeLink(incident.url, `Open ${incident.ref}`);
  blocks.push(context(`Opened ${formatTimestamp(incident.createdAt)}`, link ?? ''));

  const fallback = `${opts.headline ? `${escapeMrkdwn(opts.headline)} ` : ''}${ref} [${escapeMrkdwn(incident.severity)}] ${escapeMrkdwn(incident.title)} (${escapeMrkdwn(incident.status)})`;
  return message(opts.inChannel ? 'in_channel' : 'ephemeral', fallback, blocks);
}

/** The next runbook step: what to do, the checks to run, and the exact commands to report each outcome. */
export function nextStepMessage(ref: string, next: NextStepDetails, opts: { inChannel?: boolean } = {}): SlackMessage {
  const responseType: SlackResponseType = opts.inChannel ? 'in_channel' : 'ephemeral';
  const causes = next.topCauses.slice(0, MAX_CAUSES_SHOWN).map((cause) => `${escapeMrkdwn(cause.category)} ${percent(cause.score)}`);
  const diagnosis = context(
    causes.length > 0 ? `*Likely causes:* ${causes.join(', ')}` : '',
    next.missingEvidence.length > 0 ? `*Missing evidence:* ${next.missingEvidence.map(escapeMrkdwn).join(', ')}` : '',
  );

  const step = next.step;
  if (!step) {
    const text = `No next step for *${escapeMrkdwn(ref)}*: every runbook step is finished or none applies.`;
    return message(responseType, text, [section(text), diagnosis]);
  }

  const blocks: Block[] = [header(`${ref} next step: ${step.title}`), section(escapeMrkdwn(step.instructions))];
  if (step.tip) blocks.push(context(`:bulb: ${escapeMrkdwn(step.tip)}`));

  const shownChecks = step.checks.slice(0, MAX_CHECKS_SHOWN);
  if (shownChecks.length > 0) blocks.push(divider(), section('*Checks to run*'));
  shownChecks.forEach((check, index) => {
    const heading = `*${index + 1}. ${check.title ? escapeMrkdwn(check.title) : 'Check'}*`;
    const description = check.description ? `\n${escapeMrkdwn(check.description)}` : '';
    const intro = truncateText(heading + description, 1000);
    const command = check.command ? `\n${codeBlock(check.command, SLACK_LIMITS.sectionText - intro.length - 1)}` : '';
    blocks.push(section(intro + command));
  });
  const hiddenChecks = step.checks.length - shownChecks.length;
  if (hiddenChecks > 0) blocks.push(context(`_${hiddenChecks} more check${hiddenChecks === 1 ? '' : 's'} not shown; see the runbook._`));

  if (step.outcomes.length > 0) {
    blocks.push(divider(), section('*Report the outcome* by typing one of:'));
    blocks.push(
      ...sectionsFromLines(
        step.outcomes.map((outcome) => {
          const label = outcome.label ? ` ${escapeMrkdwn(outcome.label)}` : '';
          const description = outcome.description ? ` — ${truncateText(escapeMrkdwn(outcome.description), 500)}` : '';
          return `• ${inlineCode(outcome.key)}${label}${description}\n    ${inlineCode(stepCommand(ref, step.key, outcome.key))}`;
        }),
      ),
    );
  }
  blocks.push(diagnosis);

  const fallback = `${escapeMrkdwn(ref)} next step: ${escapeMrkdwn(step.title)}`;
  return message(responseType, fallback, blocks);
}

/** The text a responder types to report `outcome` for `stepKey`. */
export function stepCommand(ref: string, stepKey: string, outcome: string): string {
  return `/incident step ${ref} ${stepKey} ${outcome}`;
}

/** Every subcommand with its usage and description. */
export function helpMessage(): SlackMessage {
  const lines = INCIDENT_COMMAND_USAGE.map((entry) => `${inlineCode(entry.usage)}\n    ${escapeMrkdwn(entry.description)}`);
  return message('ephemeral', 'Stepwise /incident commands', [
    header('Stepwise /incident commands'),
    ...sectionsFromLines(lines),
    context(escapeMrkdwn('<ref> is an incident ref like INC-12, or just 12. Add sev1–sev5 as the last word of `open` to set the severity.')),
  ]);
}

/** A problem with the command, shown only to the person who typed it. */
export function errorMessage(problem: string, usage?: string): SlackMessage {
  const blocks: Block[] = [section(`:warning: ${escapeMrkdwn(problem)}`)];
  if (usage) blocks.push(section(`*Usage*\n${codeBlock(usage, SLACK_LIMITS.sectionText - 10)}`));
  return message('ephemeral', escapeMrkdwn(problem), blocks);
}

export function noteAddedMessage(ref: string, text: string, actor: string): SlackMessage {
  const quoted = escapeMrkdwn(text)
    .split(/\r?\n/)
    .map((line) => `>${line}`)
    .join('\n');
  const intro = `:memo: ${formatActor(actor)} added a note to *${escapeMrkdwn(ref)}*`;
  return message('in_channel', `${intro}: ${escapeMrkdwn(text)}`, [section(`${intro}\n${quoted}`)]);
}

export function stepCompletedMessage(ref: string, step: CompletedStep, incidentStatus: string): SlackMessage {
  const text =
    `:white_check_mark: *${escapeMrkdwn(ref)}*: step *${escapeMrkdwn(step.title)}* ${inlineCode(step.key)} ` +
    `finished with ${inlineCode(step.outcome)}. Incident is ${escapeMrkdwn(incidentStatus)}.`;
  return message('in_channel', text, [section(text)]);
}

export function transitionMessage(ref: string, from: string, to: string): SlackMessage {
  const emoji = TRANSITION_EMOJI[to] ?? ':arrow_right:';
  const text = `${emoji} *${escapeMrkdwn(ref)}* moved from ${escapeMrkdwn(from)} to *${escapeMrkdwn(to)}*`;
  return message('in_channel', text, [section(text)]);
}
