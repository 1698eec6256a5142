import type { CauseCategory } from '../../diagnosis/cause-category.js';
import { CAUSE_LABELS } from './cause-labels.js';
import { condenseTimeline, eventWeight, type TimelineRow } from './condense-timeline.js';
import { addBusinessDays, formatBytes, formatDecimal, formatDuration, formatInteger, formatUtc, formatUtcRange, parseInstant, utcDate, utcTime } from './format.js';
import { codeBlock, codeSpan, containMarkdown, escapeInline, indent, singleLine, table, tableCell } from './markdown-escape.js';
import { computeMetrics, type PostmortemMetrics } from './metrics.js';
import type {
  HumanSections,
  PostmortemActionItem,
  PostmortemEvidence,
  PostmortemFinding,
  PostmortemIncident,
  PostmortemRecord,
  PostmortemRootCause,
  PostmortemStatus,
  PostmortemStep,
  PostmortemTimelineEvent,
} from './postmortem-record.js';
import { defaultDueDate, proposeActionItems } from './prevention-catalog.js';

/** Sections in document order (DESIGN §5); `lessons` appears only when someone wrote it. */
export const SECTION_KEYS = [
  'summary',
  'impact',
  'detection',
  'timeline',
  'response',
  'root-cause',
  'contributing-factors',
  'trigger',
  'resolution',
  'metrics',
  'went-well',
  'went-poorly',
  'got-lucky',
  'lessons',
  'action-items',
  'messaging',
  'appendix-evidence',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

export const SECTION_TITLES: Readonly<Record<SectionKey, string>> = {
  summary: 'Summary',
  impact: 'Impact',
  detection: 'Detection',
  timeline: 'Timeline',
  response: 'Response and investigation',
  'root-cause': 'Root cause',
  'contributing-factors': 'Contributing factors',
  trigger: 'Trigger',
  resolution: 'Resolution and recovery',
  metrics: 'Metrics',
  'went-well': 'What went well',
  'went-poorly': 'What went poorly',
  'got-lucky': 'Where we got lucky',
  lessons: 'Other lessons',
  'action-items': 'Action items',
  messaging: 'Messaging',
  'appendix-evidence': 'Appendix: evidence',
};

/**
 * Sections people may write, and the `HumanSections` field holding their text. The others
 * (timeline, metrics, action items, evidence) are facts from the record and always generated.
 */
export const HUMAN_SECTION_FIELDS: Readonly<Partial<Record<SectionKey, keyof HumanSections & string>>> = {
  summary: 'summary',
  impact: 'impact',
  detection: 'detection',
  response: 'response',
  'root-cause': 'rootCause',
  'contributing-factors': 'contributingFactors',
  trigger: 'trigger',
  resolution: 'resolution',
  'went-well': 'wentWell',
  'went-poorly': 'wentPoorly',
  'got-lucky': 'gotLucky',
  lessons: 'lessons',
  messaging: 'messaging',
};

export interface PostmortemSection {
  key: SectionKey;
  title: string;
  /** Markdown body, without the section heading. */
  markdown: string;
  /** False when a person wrote the section. */
  generated: boolean;
  /** True while the section still asks the review to write something. */
  incomplete: boolean;
  /**
   * Text people wrote that this section contains: the whole text of a human-written section, or the
   * notes, reasons and descriptions a generated section quotes. The blameless check reads these.
   */
  humanText: string[];
}

export interface PostmortemMetadata {
  incidentId: string;
  ref: string;
  incidentTitle: string;
  severity: string;
  service: string;
  environment: string | null;
  gateway: string | null;
  incidentStatus: string;
  status: PostmortemStatus;
  revision: number;
  authors: string[];
  commander: string | null;
  /** `http-502 v1`. */
  runbook: string | null;
  tags: string[];
  impactStartedAt: string | null;
  detectedAt: string | null;
  resolvedAt: string | null;
  /** Review meeting due date: five business days after resolution (PagerDuty's practice), `YYYY-MM-DD`. */
  reviewDue: string | null;
  primaryCause: CauseCategory | null;
  confirmedCauses: CauseCategory[];
  /** Everyone the record names (authors, responders, actors, owners), for the blameless check. */
  participants: string[];
}

export interface PostmortemDocument {
  title: string;
  metadata: PostmortemMetadata;
  sections: PostmortemSection[];
  metrics: PostmortemMetrics;
  generatedAt: string;
}

interface Part {
  markdown: string;
  incomplete?: boolean;
  humanText?: string[];
}

interface Context {
  record: PostmortemRecord;
  incident: PostmortemIncident;
  metrics: PostmortemMetrics;
  steps: PostmortemStep[];
  stepsByKey: Map<string, PostmortemStep>;
  evidenceById: Map<string, PostmortemEvidence>;
  evidenceBySha: Map<string, PostmortemEvidence>;
  findingsById: Map<string, { finding: PostmortemFinding; index: number }>;
  findingsByCategory: Map<CauseCategory, PostmortemFinding[]>;
  primary: PostmortemRootCause | null;
  contributing: PostmortemRootCause[];
  suspected: PostmortemRootCause[];
  ruledOut: PostmortemRootCause[];
  generatedMs: number | null;
}

const STEP_STATUS_TEXT: Record<string, string> = { done: 'done', skipped: 'skipped', pending: 'not started', in_progress: 'in progress', blocked: 'blocked' };
const ACTION_STATUS_TEXT: Record<string, string> = { open: 'open', done: 'done', wont_do: "won't do" };
const STATUS_CODE_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };
const FINDINGS_PER_CAUSE = 3;
const FINDINGS_PER_FACTOR = 2;
const EXCERPT_MAX = 300;
const CATALOG_SUGGESTIONS_MAX = 6;

/**
 * Builds the postmortem of an incident from its record: pure and deterministic (the only notion of
 * "now" is `generatedAt`, used for the generation stamp and for "overdue").
 */
export function buildPostmortemDocument(record: PostmortemRecord, generatedAt: string): PostmortemDocument {
  const context = buildContext(record, generatedAt);
  const builders: Record<SectionKey, (c: Context) => Part | null> = {
    summary: summarySection,
    impact: impactSection,
    detection: detectionSection,
    timeline: timelineSection,
    response: responseSection,
    'root-cause': rootCauseSection,
    'contributing-factors': contributingFactorsSection,
    trigger: triggerSection,
    resolution: resolutionSection,
    metrics: metricsSection,
    'went-well': wentWellSection,
    'went-poorly': wentPoorlySection,
    'got-lucky': () => ({ markdown: prompt('moments where chance, not design, kept the impact small (a quiet hour, a responder who happened to know the system).'), incomplete: true }),
    lessons: () => null,
    'action-items': actionItemsSection,
    messaging: messagingSection,
    'appendix-evidence': appendixSection,
  };

  const sections: PostmortemSection[] = [];
  for (const key of SECTION_KEYS) {
    const field = HUMAN_SECTION_FIELDS[key];
    const written = field ? record.humanSections?.[field] : undefined;
    if (typeof written === 'string' && written.trim() !== '') {
      sections.push({ key, title: SECTION_TITLES[key], markdown: containMarkdown(written), generated: false, incomplete: false, humanText: [written] });
      continue;
    }
    const part = builders[key](context);
    if (!part) continue;
    sections.push({
      key,
      title: SECTION_TITLES[key],
      markdown: part.markdown,
      generated: true,
      incomplete: part.incomplete ?? false,
      humanText: (part.humanText ?? []).filter((text) => text.trim() !== ''),
    });
  }

  const incident = record.incident;
  const resolvedMs = parseInstant(incident.resolvedAt);
  return {
    title: `Postmortem ${singleLine(incident.ref)}: ${singleLine(incident.title)}`,
    metadata: {
      incidentId: incident.id,
      ref: incident.ref,
      incidentTitle: incident.title,
      severity: incident.severity,
      service: incident.service,
      environment: incident.environment,
      gateway: incident.gateway,
      incidentStatus: incident.status,
      status: record.status,
      revision: record.revision,
      authors: [...record.authors],
      commander: incident.commander,
      runbook: record.runbook ? `${record.runbook.key} v${record.runbook.version}` : null,
      tags: [...incident.tags],
      impactStartedAt: context.metrics.impactStartedAt,
      detectedAt: incident.detectedAt,
      resolvedAt: incident.resolvedAt,
      reviewDue: resolvedMs === null ? null : addBusinessDays(resolvedMs, 5),
      primaryCause: context.primary?.category ?? null,
      confirmedCauses: confirmedCategories(context),
      participants: participantsOf(record),
    },
    sections,
    metrics: context.metrics,
    generatedAt,
  };
}

/** Everyone the record names: authors, commander, creator, step performers, actors, confirmers, owners, uploaders. */
export function participantsOf(record: PostmortemRecord): string[] {
  const names = new Set<string>();
  const add = (name: string | null | undefined) => {
    const clean = name == null ? '' : singleLine(name);
    if (clean !== '') names.add(clean);
  };
  record.authors.forEach(add);
  add(record.incident.commander);
  add(record.incident.createdBy);
  for (const step of record.steps) add(step.performedBy);
  for (const event of record.timeline) add(event.actor);
  for (const cause of record.rootCauses) add(cause.confirmedBy);
  for (const item of record.actionItems) add(item.owner);
  for (const evidence of record.evidence) add(evidence.uploadedBy);
  return [...names].sort(compareText);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function buildContext(record: PostmortemRecord, generatedAt: string): Context {
  const steps = record.steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => a.step.position - b.step.position || a.index - b.index)
    .map((entry) => entry.step);
  const findingsById = new Map<string, { finding: PostmortemFinding; index: number }>();
  const findingsByCategory = new Map<CauseCategory, PostmortemFinding[]>();
  record.findings.forEach((finding, index) => {
    if (!findingsById.has(finding.id)) findingsById.set(finding.id, { finding, index });
    const list = findingsByCategory.get(finding.category) ?? [];
    list.push(finding);
    findingsByCategory.set(finding.category, list);
  });
  for (const list of findingsByCategory.values()) sortByWeight(list);
  const confirmed = record.rootCauses.filter((cause) => cause.status === 'confirmed');
  // A confirmed cause marked primary; else the first confirmed one, so the document always leads with one.
  const primary = confirmed.find((cause) => cause.primary) ?? confirmed[0] ?? null;
  const evidenceById = new Map<string, PostmortemEvidence>();
  const evidenceBySha = new Map<string, PostmortemEvidence>();
  for (const evidence of record.evidence) {
    if (!evidenceById.has(evidence.id)) evidenceById.set(evidence.id, evidence);
    if (!evidenceBySha.has(evidence.sha256)) evidenceBySha.set(evidence.sha256, evidence);
  }
  return {
    record,
    incident: record.incident,
    metrics: computeMetrics(record.incident),
    steps,
    stepsByKey: new Map(steps.map((step) => [step.key, step])),
    evidenceById,
    evidenceBySha,
    findingsById,
    findingsByCategory,
    primary,
    contributing: confirmed.filter((cause) => cause !== primary),
    suspected: record.rootCauses.filter((cause) => cause.status === 'suspected'),
    ruledOut: record.rootCauses.filter((cause) => cause.status === 'ruled_out'),
    generatedMs: parseInstant(generatedAt),
  };
}

/** Strongest first; equal weights keep their order (Array.prototype.sort is stable). */
function sortByWeight(findings: PostmortemFinding[]): void {
  findings.sort((a, b) => (Number.isFinite(b.weight) ? b.weight : 0) - (Number.isFinite(a.weight) ? a.weight : 0));
}

function confirmedCategories(c: Context): CauseCategory[] {
  const out: CauseCategory[] = [];
  for (const cause of [c.primary, ...c.contributing]) if (cause && !out.includes(cause.category)) out.push(cause.category);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Small pieces of text

function prompt(text: string): string {
  return `_To be written by the review: ${text}_`;
}

function facts(list: string[]): string {
  return list.length === 0 ? '' : `Facts from the record that may help:\n\n${list.map((fact) => `- ${fact}`).join('\n')}`;
}

function paragraphs(...blocks: Array<string | null | undefined | false>): string {
  return blocks.filter((block): block is string => typeof block === 'string' && block.trim() !== '').join('\n\n');
}

function when(iso: string | null | undefined): string {
  return formatUtc(iso) ?? 'an unrecorded time';
}

function stepName(step: PostmortemStep): string {
  return `Step ${step.position} (${escapeInline(step.title, 200)})`;
}

function causeLabel(category: CauseCategory): string {
  return CAUSE_LABELS[category] ?? escapeInline(category, 60);
}

function causeName(category: CauseCategory): string {
  return `${causeLabel(category)} · ${codeSpan(category, { max: 60 })}`;
}

function evidenceRef(evidence: PostmortemEvidence, inTable = false): string {
  const sha = /^[0-9a-f]{8}/i.test(evidence.sha256) ? ` · sha256 ${codeSpan(evidence.sha256.slice(0, 12), { inTable })}` : '';
  return `${codeSpan(evidence.filename || '(unnamed)', { inTable, max: 120 })}${sha}`;
}

function describeSymptom(incident: PostmortemIncident): string | null {
  const symptom = incident.symptom;
  if (!symptom) return null;
  const code = typeof symptom.statusCode === 'number' && Number.isFinite(symptom.statusCode) ? symptom.statusCode : null;
  const request = [symptom.method, symptom.url].filter((part): part is string => typeof part === 'string' && part.trim() !== '').join(' ');
  const codeText = code === null ? null : `HTTP ${code}${STATUS_CODE_TEXT[code] ? ` (${STATUS_CODE_TEXT[code]})` : ''}`;
  if (codeText && request) return `${codeText} responses for ${codeSpan(request, { max: 200 })}`;
  if (codeText) return `${codeText} responses`;
  if (request) return `errors for ${codeSpan(request, { max: 200 })}`;
  return null;
}

function percentage(score: number, asPercent: boolean): string {
  return asPercent ? `${Math.round(score * 100)}%` : formatDecimal(score);
}

// ---------------------------------------------------------------------------------------------
// Sections

function summarySection(c: Context): Part {
  const i = c.incident;
  const m = c.metrics;
  const service = `**${escapeInline(i.service, 100)}**${i.environment ? ` (${escapeInline(i.environment, 50)})` : ''}`;
  const symptom = describeSymptom(i);
  const gateway = i.gateway ? ` through the ${escapeInline(i.gateway)} gateway` : '';
  let span = '';
  const range = formatUtcRange(m.impactStartedAt, m.impactEndedAt);
  if (range && m.durationSeconds !== null) {
    span = ` from ${range} (${formatDuration(m.durationSeconds)})`;
  } else if (m.impactStartedAt) {
    span = ` from ${when(m.impactStartedAt)}; the end of the impact is not recorded`;
  }
  const what = symptom ? `Users of ${service} received ${symptom}${gateway}${span}.` : `${service} was affected${gateway}${span}: ${escapeInline(i.title, 200)}.`;
  const severity = `The incident was rated ${escapeInline(i.severity, 20)}.`;
  let cause = 'No cause has been confirmed yet.';
  if (c.primary) {
    const more = c.contributing.length > 0 ? `, with ${c.contributing.length} further contributing factor${c.contributing.length === 1 ? '' : 's'}` : '';
    cause = `Primary contributing factor: **${causeLabel(c.primary.category)}**${more} (see Root cause).`;
  }
  const recovery: string[] = [];
  if (i.mitigatedAt) recovery.push(`mitigated at ${when(i.mitigatedAt)}`);
  if (i.resolvedAt) recovery.push(`resolved at ${when(i.resolvedAt)}`);
  const recovered = recovery.length > 0 ? `It was ${recovery.join(' and ')}.` : 'It is not resolved yet.';
  const responderSummary = i.summary && i.summary.trim() !== '' ? `Summary written during the incident:\n\n${containMarkdown(i.summary)}` : null;
  return {
    markdown: paragraphs(`${what} ${severity} ${cause} ${recovered}`, responderSummary),
    humanText: i.summary ? [i.summary] : [],
  };
}

function impactSection(c: Context): Part {
  const i = c.incident;
  const m = c.metrics;
  const impact = i.impact;
  let window: string;
  const range = formatUtcRange(m.impactStartedAt, m.impactEndedAt);
  if (range && m.durationSeconds !== null) {
    window = `Customer impact from ${range}: ${formatDuration(m.durationSeconds)}.`;
  } else if (m.impactStartedAt) {
    window = `Customer impact from ${when(m.impactStartedAt)}; its end is not recorded yet.`;
  } else {
    window = 'The start and end of customer impact are not recorded.';
  }
  if (m.impactStartSource === 'first-seen') window += ' The start is the time the error was first seen.';
  else if (m.impactStartSource === 'detected') window += ' The start is the detection time: when the error was first seen was not recorded.';

  const rows: string[] = [];
  const missing: string[] = [];
  const symptom = i.symptom;
  const request = [symptom?.method, symptom?.url].filter((part): part is string => typeof part === 'string' && part.trim() !== '').join(' ');
  if (request) rows.push(`- **Affected endpoint:** ${codeSpan(request, { max: 200 })}${typeof symptom?.statusCode === 'number' ? ` answering ${symptom.statusCode}` : ''}`);
  const number = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);
  if (number(impact?.errorRatePercent)) rows.push(`- **Error rate:** ${formatDecimal(impact.errorRatePercent)}% of requests`);
  else missing.push('error rate');
  if (number(impact?.requestsAffected)) rows.push(`- **Requests affected:** ${formatInteger(impact.requestsAffected)}`);
  else missing.push('requests affected');
  if (number(impact?.usersAffected)) rows.push(`- **Users affected:** ${formatInteger(impact.usersAffected)}`);
  else missing.push('users affected');
  const regions = (impact?.regions ?? []).filter((region) => typeof region === 'string' && region.trim() !== '');
  if (regions.length > 0) rows.push(`- **Regions:** ${regions.map((region) => escapeInline(region, 60)).join(', ')}`);
  else missing.push('regions');
  if (typeof impact?.customerFacing === 'boolean') rows.push(`- **Customer-facing:** ${impact.customerFacing ? 'yes' : 'no'}`);
  else missing.push('whether customers saw it');

  const description = impact?.description && impact.description.trim() !== '' ? containMarkdown(impact.description) : null;
  const gaps = missing.length > 0 ? prompt(`not recorded yet: ${missing.join(', ')}. Add them if they are known (support tickets, SLO or error budget used).`) : null;
  return {
    markdown: paragraphs(window, rows.join('\n'), description, gaps),
    incomplete: missing.length > 0,
    humanText: impact?.description ? [impact.description] : [],
  };
}

function detectionSection(c: Context): Part {
  const i = c.incident;
  const m = c.metrics;
  const lines: string[] = [];
  if (i.detectedAt) lines.push(`The problem was detected at ${when(i.detectedAt)}.`);
  lines.push(`The incident was opened in Stepwise at ${when(i.createdAt)} by ${escapeInline(i.createdBy || 'an unrecorded actor', 100)}.`);
  if (m.timeToDetectSeconds !== null) {
    lines.push(`The error was first seen at ${when(m.impactStartedAt)}, so the time to detect was ${formatDuration(m.timeToDetectSeconds)}.`);
  } else {
    lines.push('When the error was first seen was not recorded, so the time to detect is not known.');
  }
  if (m.timeToAcknowledgeSeconds !== null) lines.push(`It was acknowledged ${formatDuration(m.timeToAcknowledgeSeconds)} after detection.`);
  return {
    markdown: paragraphs(lines.join(' '), prompt('how the problem was noticed (alert, customer report, synthetic check), which signal fired, and what would halve the time to detect.')),
    incomplete: true,
  };
}

function timelineSection(c: Context): Part {
  const events = c.record.timeline;
  if (events.length === 0) return { markdown: 'No timeline events were recorded.' };
  const condensed = condenseTimeline(events);
  const times = condensed.rows.flatMap((row) => (row.type === 'event' ? [row.ms] : [row.firstMs, row.lastMs])).filter((ms): ms is number => ms !== null);
  const days = new Set(times.map(utcDate));
  const oneDay = days.size === 1 ? [...days][0]! : null;
  const timeText = (ms: number | null) => (ms === null ? '—' : oneDay ? utcTime(ms) : `${utcDate(ms)} ${utcTime(ms)}`);

  const rows = condensed.rows.map((row) => timelineRow(c, row, timeText));
  const intro = oneDay ? `All times UTC, on ${oneDay}.` : 'All times UTC.';
  const shown = condensed.rows.length;
  const condensing =
    condensed.condensedEvents > 0
      ? `${formatInteger(condensed.totalEvents)} events: ${formatInteger(condensed.condensedEvents)} of them are condensed into ${condensed.summaryRows} summary row${condensed.summaryRows === 1 ? '' : 's'} (runs of similar events), so the table has ${shown} rows. Status changes, step outcomes and confirmed causes always have their own row; the full timeline stays in Stepwise.`
      : `${formatInteger(condensed.totalEvents)} event${condensed.totalEvents === 1 ? '' : 's'}, each on its own row.`;
  const humanText: string[] = [];
  // The resolution note is checked in the resolution section, where it is quoted in full.
  const resolution = singleLine(c.incident.resolution ?? '');
  for (const event of events) {
    if (event.kind === 'note') humanText.push(event.message);
    const note = event.kind === 'incident.status_changed' ? event.data?.['note'] : undefined;
    if (typeof note === 'string' && singleLine(note) !== resolution) humanText.push(note);
  }
  return {
    markdown: paragraphs(`${intro} ${condensing}`, table(['Time (UTC)', 'Who', 'Event'], rows)),
    humanText,
  };
}

function timelineRow(c: Context, row: TimelineRow, timeText: (ms: number | null) => string): string[] {
  if (row.type === 'summary') {
    const counts = new Map<string, number>();
    const actors = new Set<string>();
    for (const event of row.events) {
      counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
      if (event.actor) actors.add(singleLine(event.actor));
    }
    const kinds = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
      .slice(0, 4)
      .map(([kind, n]) => `${formatInteger(n)} × ${escapeInline(kind.replace(/[._]/g, ' '), 40)}`);
    const otherKinds = counts.size > 4 ? `, ${counts.size - 4} more kind${counts.size === 5 ? '' : 's'}` : '';
    const until = row.lastMs !== null && row.lastMs !== row.firstMs ? ` until ${timeText(row.lastMs)}` : '';
    const who = [...actors].sort(compareText);
    const whoText = who.length === 0 ? '—' : who.length <= 3 ? who.map((a) => escapeInline(a, 60)).join(', ') : `${who.slice(0, 2).map((a) => escapeInline(a, 60)).join(', ')} and ${who.length - 2} others`;
    return [timeText(row.firstMs), whoText, `_${formatInteger(row.events.length)} events condensed${until}: ${kinds.join(', ')}${otherKinds}_`];
  }
  const event = row.event;
  return [timeText(row.ms), tableCell(event.actor, 60), eventText(c, event)];
}

function eventText(c: Context, event: PostmortemTimelineEvent): string {
  const data = event.data ?? {};
  if (event.kind === 'incident.status_changed' && typeof data['from'] === 'string' && typeof data['to'] === 'string') {
    const note = typeof data['note'] === 'string' && data['note'].trim() !== '' ? `: ${escapeInline(data['note'], 240)}` : '';
    return `**Status ${escapeInline(data['from'], 30)} → ${escapeInline(data['to'], 30)}**${note}`;
  }
  if (event.kind === 'note') return `Note: ${tableCell(event.message, 300)}`;
  let text = tableCell(event.message, 300);
  if (event.kind.startsWith('evidence.')) {
    const byId = typeof data['evidenceId'] === 'string' ? c.evidenceById.get(data['evidenceId']) : undefined;
    const bySha = typeof data['sha256'] === 'string' ? c.evidenceBySha.get(data['sha256']) : undefined;
    const evidence = byId ?? bySha;
    if (evidence) text += ` — ${evidenceRef(evidence, true)}`;
  }
  if (event.kind !== 'incident.created' && event.kind !== 'incident.updated' && eventWeight(event) === 'milestone') text = `**${text}**`;
  return text;
}

function responseSection(c: Context): Part {
  const i = c.incident;
  const runbook = c.record.runbook ? `Runbook ${codeSpan(c.record.runbook.key)} version ${c.record.runbook.version}.` : 'No runbook was attached.';
  const responders = new Set<string>();
  for (const step of c.steps) if (step.performedBy) responders.add(singleLine(step.performedBy));
  for (const event of c.record.timeline) if (event.kind === 'note' && event.actor) responders.add(singleLine(event.actor));
  if (i.commander) responders.delete(singleLine(i.commander));
  const people = [
    i.commander ? `Incident commander: ${escapeInline(i.commander, 100)}.` : 'No incident commander was recorded.',
    responders.size > 0 ? `Responders: ${[...responders].sort(compareText).map((name) => escapeInline(name, 100)).join(', ')}.` : '',
  ].join(' ');
  if (c.steps.length === 0) return { markdown: paragraphs(`${runbook} ${people}`, 'No runbook steps were recorded.') };

  const rows = c.steps.map((step) => {
    const status = STEP_STATUS_TEXT[step.status] ?? escapeInline(step.status, 30);
    const attempts = step.attempts > 1 ? ` (${step.attempts} attempts)` : '';
    const outcome = step.outcomeLabel ?? step.outcome;
    return [
      String(step.position),
      tableCell(step.title, 120),
      `${status}${attempts}`,
      tableCell(outcome, 80),
      tableCell(step.performedBy, 60),
      typeof step.timeSpentSeconds === 'number' && Number.isFinite(step.timeSpentSeconds) && (step.timeSpentSeconds > 0 || step.status === 'done')
        ? formatDuration(step.timeSpentSeconds)
        : '—',
    ];
  });
  const timed = c.steps.filter((step) => typeof step.timeSpentSeconds === 'number' && Number.isFinite(step.timeSpentSeconds) && step.timeSpentSeconds > 0);
  let time = '';
  if (timed.length > 0) {
    const total = timed.reduce((sum, step) => sum + (step.timeSpentSeconds ?? 0), 0);
    const longest = timed.reduce((a, b) => ((b.timeSpentSeconds ?? 0) > (a.timeSpentSeconds ?? 0) ? b : a));
    time = `Time recorded on steps: ${formatDuration(total)} in total; the longest was ${stepName(longest)}, ${formatDuration(longest.timeSpentSeconds ?? 0)}.`;
  }
  const skipped = c.steps.filter((step) => step.status === 'skipped');
  const skippedText = skipped.length > 0 ? `Skipped: ${skipped.map((step) => `step ${step.position}`).join(', ')} (reasons below).` : '';

  const humanText: string[] = [];
  const notes: string[] = [];
  for (const step of c.steps) {
    if (step.notes && step.notes.trim() !== '') {
      notes.push(`- **${stepName(step)}**, notes:\n\n${indent(containMarkdown(step.notes))}`);
      humanText.push(step.notes);
    }
    if (step.skipReason && step.skipReason.trim() !== '') {
      notes.push(`- **${stepName(step)}** was skipped because:\n\n${indent(containMarkdown(step.skipReason))}`);
      humanText.push(step.skipReason);
    }
  }
  return {
    markdown: paragraphs(
      `${runbook} ${people}`,
      table(['#', 'Step', 'Status', 'Outcome', 'By', 'Time spent'], rows),
      [time, skippedText].filter(Boolean).join(' '),
      notes.length > 0 ? `Notes and reasons recorded on the steps:\n\n${notes.join('\n\n')}` : null,
    ),
    humanText,
  };
}

/** The findings behind a cause: the ones responders linked, else the evidence's findings of its category. */
function supportingEvidence(c: Context, cause: PostmortemRootCause, max: number): string {
  const linked: PostmortemFinding[] = [];
  const seen = new Set<string>();
  for (const id of cause.findingIds) {
    const entry = c.findingsById.get(id);
    if (!entry || seen.has(id)) continue;
    seen.add(id);
    linked.push(entry.finding);
  }
  sortByWeight(linked);
  const sameCategory = c.findingsByCategory.get(cause.category) ?? [];
  const list = linked.length > 0 ? linked : sameCategory;
  if (list.length === 0) return 'No evidence findings support it in the record.';
  const shown = list.slice(0, max);
  const lead =
    linked.length > 0
      ? `Supporting evidence (${shown.length} of ${formatInteger(linked.length)} linked finding${linked.length === 1 ? '' : 's'}, strongest first):`
      : `No findings were linked to it; the evidence holds ${formatInteger(sameCategory.length)} finding${sameCategory.length === 1 ? '' : 's'} of this category (strongest ${shown.length} shown):`;
  return `${lead}\n\n${shown.map((finding) => findingItem(c, finding)).join('\n\n')}`;
}

function findingItem(c: Context, finding: PostmortemFinding): string {
  const evidence = c.evidenceById.get(finding.evidenceId);
  const where: string[] = [];
  if (evidence) where.push(`in ${evidenceRef(evidence)}`);
  if (typeof finding.location?.line === 'number') where.push(`line ${formatInteger(finding.location.line)}`);
  if (typeof finding.location?.entry === 'number') where.push(`HAR entry ${formatInteger(finding.location.entry)}`);
  // The weight is the finding's likelihood ratio for its own category (which may differ from the cause's).
  const weight = Number.isFinite(finding.weight) ? ` (×${formatDecimal(finding.weight, 1)} for ${codeSpan(finding.category, { max: 60 })})` : '';
  const head = `- ${codeSpan(finding.signal || 'finding', { max: 80 })}${weight}${where.length > 0 ? ` ${where.join(', ')}` : ''}:`;
  const excerpt = singleLine(finding.excerpt ?? '');
  const shortened = Array.from(excerpt).length > EXCERPT_MAX ? `${Array.from(excerpt).slice(0, EXCERPT_MAX - 1).join('')}…` : excerpt;
  return `${head}\n\n${indent(codeBlock(shortened || '(no excerpt)'))}`;
}

function causeSteps(c: Context, cause: PostmortemRootCause): string {
  const steps = cause.stepKeys.map((key) => c.stepsByKey.get(key)).filter((step): step is PostmortemStep => step !== undefined);
  if (steps.length === 0) return '';
  return `Runbook steps that point to it: ${steps
    .map((step) => `${stepName(step)}${step.outcomeLabel ?? step.outcome ? `: ${escapeInline(step.outcomeLabel ?? step.outcome ?? '', 80)}` : ''}`)
    .join('; ')}.`;
}

function confirmation(cause: PostmortemRootCause): string {
  if (cause.status !== 'confirmed') return cause.status === 'suspected' ? 'Suspected, not confirmed.' : 'Ruled out.';
  const by = cause.confirmedBy ? ` by ${escapeInline(cause.confirmedBy, 100)}` : '';
  const at = formatUtc(cause.confirmedAt);
  return `Confirmed${by}${at ? ` at ${at}` : ''}.`;
}

function rankingLine(c: Context): string {
  const ranking = c.record.ranking
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => Number.isFinite(entry.score))
    .sort((a, b) => b.entry.score - a.entry.score || a.index - b.index)
    .map(({ entry }) => entry);
  if (ranking.length === 0) return '';
  const asPercent = ranking.every((entry) => entry.score >= 0 && entry.score <= 1);
  const top = ranking.slice(0, 3).map((entry) => `${codeSpan(entry.category, { max: 60 })} ${percentage(entry.score, asPercent)}`);
  let line = `For context, the evidence-based diagnosis ranks: ${top.join(' · ')}.`;
  const first = ranking[0]!;
  if (c.primary && first.category !== c.primary.category) {
    line += ` It ranks ${codeSpan(first.category, { max: 60 })} first, not the confirmed cause: the review may want to record why the evidence pointed elsewhere.`;
  }
  return line;
}

function rootCauseSection(c: Context): Part {
  const cause = c.primary;
  if (!cause) {
    const suspected = c.suspected.map((s) => `- ${causeName(s.category)}: ${escapeInline(s.description, 300)}`);
    return {
      markdown: paragraphs(
        'No cause has been confirmed yet.',
        suspected.length > 0 ? `Suspected:\n\n${suspected.join('\n')}` : null,
        rankingLine(c),
        prompt('confirm the primary contributing factor from the evidence, or say why it cannot be known.'),
      ),
      incomplete: true,
      humanText: c.suspected.map((s) => s.description),
    };
  }
  return {
    markdown: paragraphs(
      `**${causeLabel(cause.category)}** · ${codeSpan(cause.category, { max: 60 })} · ${confirmation(cause)}`,
      cause.description.trim() !== '' ? containMarkdown(cause.description) : null,
      supportingEvidence(c, cause, FINDINGS_PER_CAUSE),
      causeSteps(c, cause),
      rankingLine(c),
    ),
    humanText: [cause.description],
  };
}

function contributingFactorsSection(c: Context): Part {
  const blocks: string[] = [];
  const humanText: string[] = [];
  for (const cause of c.contributing) {
    blocks.push(
      paragraphs(
        `### ${causeLabel(cause.category)}`,
        `${codeSpan(cause.category, { max: 60 })} · ${confirmation(cause)}`,
        cause.description.trim() !== '' ? containMarkdown(cause.description) : null,
        supportingEvidence(c, cause, FINDINGS_PER_FACTOR),
        causeSteps(c, cause),
      ),
    );
    humanText.push(cause.description);
  }
  if (blocks.length === 0) {
    blocks.push(
      c.primary
        ? 'None confirmed besides the primary cause. _The review may add conditions that made the failure possible or larger, including actions that made it worse._'
        : 'None confirmed yet.',
    );
  }
  const others = (title: string, causes: PostmortemRootCause[]) =>
    causes.length === 0 ? null : `${title}\n\n${causes.map((cause) => `- ${causeName(cause.category)}: ${escapeInline(cause.description, 300) || '—'}`).join('\n')}`;
  if (c.primary) {
    const suspected = others('Suspected but not confirmed:', c.suspected);
    if (suspected) blocks.push(suspected);
    humanText.push(...c.suspected.map((cause) => cause.description));
  }
  const ruledOut = others('Ruled out during the investigation:', c.ruledOut);
  if (ruledOut) blocks.push(ruledOut);
  humanText.push(...c.ruledOut.map((cause) => cause.description));
  return { markdown: paragraphs(...blocks), humanText };
}

const CHANGE_KIND = /(^|[._-])(deploy|deployed|deployment|change|changed|config|release|released|rollout)([._-]|$)/i;
const NOT_A_SYSTEM_CHANGE = /^(incident|step|steps|evidence|note|postmortem|root[-_.]?cause|action[-_.]?item)/i;

function triggerSection(c: Context): Part {
  const humanText: string[] = [];
  const hints: string[] = [];
  const rolledBack = c.steps.find((step) => step.outcome === 'recent_change_rolled_back');
  if (rolledBack) {
    const details = [rolledBack.performedBy ? escapeInline(rolledBack.performedBy, 100) : null, rolledBack.completedAt ? when(rolledBack.completedAt) : null].filter(Boolean);
    hints.push(`${stepName(rolledBack)} found a recent change and rolled it back${details.length > 0 ? ` (${details.join(', ')})` : ''}.`);
  }
  const start = parseInstant(c.metrics.impactStartedAt);
  let nearest: PostmortemTimelineEvent | null = null;
  let nearestMs = -Infinity;
  for (const event of c.record.timeline) {
    if (!CHANGE_KIND.test(event.kind) || NOT_A_SYSTEM_CHANGE.test(event.kind)) continue;
    const ms = parseInstant(event.at);
    if (ms === null || (start !== null && ms > start)) continue;
    if (ms >= nearestMs) {
      nearest = event;
      nearestMs = ms;
    }
  }
  if (nearest) {
    hints.push(`The nearest change recorded before the impact began: ${when(nearest.at)}, ${escapeInline(nearest.message, 300)} (${escapeInline(nearest.actor, 100)}).`);
    humanText.push(nearest.message);
  }
  if (hints.length > 0) {
    return { markdown: paragraphs(hints.join(' '), prompt('whether this change was the trigger, and what it activated.')), incomplete: true, humanText };
  }
  return {
    markdown: prompt('the event that turned latent conditions into the outage (a deploy, a configuration change, a traffic spike, an expiry). No change was recorded before the impact began.'),
    incomplete: true,
  };
}

function resolutionSection(c: Context): Part {
  const i = c.incident;
  const m = c.metrics;
  const lines: string[] = [];
  let mitigatingStep: PostmortemStep | undefined;
  if (i.mitigatedAt) {
    const event = c.record.timeline.find((e) => e.kind === 'incident.status_changed' && e.data?.['to'] === 'mitigated');
    const stepKey = event?.data?.['step'];
    const step = typeof stepKey === 'string' ? c.stepsByKey.get(stepKey) : undefined;
    mitigatingStep = step;
    const after = m.timeToMitigateSeconds !== null ? ` (${formatDuration(m.timeToMitigateSeconds)} after the impact began)` : '';
    const how = step ? `, when ${stepName(step)} was recorded as ${escapeInline(step.outcomeLabel ?? step.outcome ?? 'done', 80)}` : '';
    lines.push(`The impact was mitigated at ${when(i.mitigatedAt)}${after}${how}.`);
  } else if (i.resolvedAt) {
    lines.push('No separate mitigation was recorded: the impact is taken to have ended at resolution.');
  }
  if (i.resolvedAt) lines.push(`The incident was resolved at ${when(i.resolvedAt)}.`);
  else lines.push('The incident is not resolved yet.');
  const verify = c.steps.filter((step) => (step.key === 'restart-flush' || step.key === 'verify-monitor') && step.status === 'done' && step !== mitigatingStep);
  if (verify.length > 0) lines.push(verify.map((step) => `${stepName(step)}: ${escapeInline(step.outcomeLabel ?? step.outcome ?? 'done', 80)}.`).join(' '));
  const note = i.resolution && i.resolution.trim() !== '' ? `Resolution note:\n\n${containMarkdown(i.resolution)}` : null;
  const ask = note ? null : prompt('the temporary mitigation and the permanent fix, and whether the permanent fix is in place.');
  return {
    markdown: paragraphs(lines.join(' '), note, ask),
    incomplete: note === null,
    humanText: i.resolution ? [i.resolution] : [],
  };
}

function metricsSection(c: Context): Part {
  const m = c.metrics;
  const value = (seconds: number | null) => (seconds === null ? 'not recorded' : formatDuration(seconds));
  const rows = [
    ['Time to detect', value(m.timeToDetectSeconds), 'detection − impact start'],
    ['Time to acknowledge', value(m.timeToAcknowledgeSeconds), 'first acknowledgement (or start of investigation) − detection'],
    ['Time to mitigate', value(m.timeToMitigateSeconds), 'mitigation − impact start'],
    ['Time to mitigate from detection', value(m.timeToMitigateFromDetectionSeconds), 'mitigation − detection'],
    ['Time to resolve', value(m.timeToResolveSeconds), 'resolution − impact start'],
    ['Impact duration', value(m.durationSeconds), 'mitigation (or resolution, when not mitigated separately) − impact start'],
  ];
  const start =
    m.impactStartSource === 'first-seen'
      ? `Impact start: ${when(m.impactStartedAt)}, when the error was first seen.`
      : m.impactStartSource === 'detected'
        ? `Impact start: ${when(m.impactStartedAt)}, the detection time, because when the error was first seen was not recorded; time to detect is therefore unknown.`
        : 'Impact start: not recorded.';
  const detection = `Detection: ${when(c.incident.detectedAt ?? c.incident.createdAt)}${c.incident.detectedAt ? '' : ' (the incident was opened; no detection time was recorded)'}.`;
  const contradictions =
    m.inconsistencies.length > 0 ? `Not computed because the timestamps contradict each other: ${m.inconsistencies.join('; ')}.` : null;
  return {
    markdown: paragraphs(
      table(['Metric', 'Value', 'Definition'], rows),
      `${start} ${detection}`,
      contradictions,
      'These are durations of one incident. To compare incidents, use medians and percentiles rather than means: incident durations are skewed, and a mean hides that.',
    ),
  };
}

function wentWellSection(c: Context): Part {
  const list: string[] = [];
  const m = c.metrics;
  if (m.timeToAcknowledgeSeconds !== null) list.push(`Acknowledged ${formatDuration(m.timeToAcknowledgeSeconds)} after detection.`);
  if (m.timeToMitigateFromDetectionSeconds !== null) list.push(`Mitigated ${formatDuration(m.timeToMitigateFromDetectionSeconds)} after detection.`);
  const top = [...c.record.ranking].filter((entry) => Number.isFinite(entry.score)).sort((a, b) => b.score - a.score)[0];
  if (c.primary && top && top.category === c.primary.category) list.push('The evidence-based diagnosis ranked the confirmed cause first.');
  const findings = c.record.evidence.reduce((n, e) => n + (Number.isFinite(e.findingCount) ? e.findingCount : 0), 0);
  if (c.record.evidence.length > 0) list.push(`${formatInteger(c.record.evidence.length)} evidence file${c.record.evidence.length === 1 ? '' : 's'} attached, with ${formatInteger(findings)} finding${findings === 1 ? '' : 's'}.`);
  return { markdown: paragraphs(prompt('what worked in detection, response and tooling, and should be kept.'), facts(list)), incomplete: true };
}

function wentPoorlySection(c: Context): Part {
  const list: string[] = [];
  for (const step of c.steps) {
    if (step.status === 'skipped') list.push(`${stepName(step)} was skipped.`);
    if (step.attempts > 1) list.push(`${stepName(step)} took ${step.attempts} attempts.`);
  }
  const reopened = c.record.timeline.filter((event) => event.kind === 'steps.reopened').length;
  if (reopened > 0) list.push(`The error came back after it looked fixed (${reopened} time${reopened === 1 ? '' : 's'}).`);
  const unparsed = c.record.evidence.filter((e) => e.parseStatus === 'failed');
  if (unparsed.length > 0) list.push(`${unparsed.length} evidence file${unparsed.length === 1 ? '' : 's'} could not be parsed.`);
  const top = [...c.record.ranking].filter((entry) => Number.isFinite(entry.score)).sort((a, b) => b.score - a.score)[0];
  if (c.primary && top && top.category !== c.primary.category) {
    list.push(`The diagnosis ranked ${codeSpan(top.category, { max: 60 })} first; the confirmed cause was ${codeSpan(c.primary.category, { max: 60 })}.`);
  }
  if (c.metrics.timeToDetectSeconds !== null && c.metrics.timeToDetectSeconds >= 300) list.push(`The error went undetected for ${formatDuration(c.metrics.timeToDetectSeconds)}.`);
  return { markdown: paragraphs(prompt('where the system, tools or process made the response harder or slower.'), facts(list)), incomplete: true };
}

function actionItemsSection(c: Context): Part {
  const items = c.record.actionItems
    .map((item, index) => ({ item, index }))
    .sort((a, b) => priorityRank(a.item) - priorityRank(b.item) || compareDue(a.item, b.item) || a.index - b.index)
    .map((entry) => entry.item);
  const today = c.generatedMs === null ? null : utcDate(c.generatedMs);
  const overdue = (item: PostmortemActionItem) => item.status === 'open' && today !== null && typeof item.dueDate === 'string' && item.dueDate.slice(0, 10) < today;
  const blocks: string[] = [];
  if (items.length > 0) {
    const open = items.filter((item) => item.status === 'open').length;
    const late = items.filter(overdue).length;
    const done = items.filter((item) => item.status === 'done').length;
    const dropped = items.filter((item) => item.status === 'wont_do').length;
    const counts = [`${open} open${late > 0 ? ` (${late} overdue)` : ''}`, `${done} done`, ...(dropped > 0 ? [`${dropped} won't do`] : [])];
    blocks.push(`${items.length} action item${items.length === 1 ? '' : 's'}: ${counts.join(', ')}.`);
    blocks.push(
      table(
        ['Action', 'Kind', 'Priority', 'Owner', 'Due', 'Status'],
        items.map((item) => [
          tableCell(item.title, 300),
          tableCell(item.kind, 20),
          tableCell(item.priority, 5),
          item.owner ? tableCell(item.owner, 60) : '_unassigned_',
          tableCell(item.dueDate, 20),
          `${ACTION_STATUS_TEXT[item.status] ?? escapeInline(item.status, 20)}${overdue(item) ? ', **overdue**' : ''}`,
        ]),
      ),
    );
  } else {
    blocks.push(prompt('the actions that make this failure less likely or smaller next time, each with one owner and a due date.'));
  }
  const categories = confirmedCategories(c);
  if (categories.length > 0) {
    const existing = c.record.actionItems.map((item) => item.catalogKey).filter((key): key is string => typeof key === 'string');
    const suggestions = proposeActionItems(categories, existing, { gateway: c.incident.gateway })
      .filter((entry) => !entry.key.startsWith('general.'))
      .map((entry, index) => ({ entry, index }))
      .sort((a, b) => compareText(a.entry.priority, b.entry.priority) || a.index - b.index)
      .map(({ entry }) => entry);
    if (suggestions.length > 0) {
      const shown = suggestions.slice(0, CATALOG_SUGGESTIONS_MAX);
      const due = (priority: 'P1' | 'P2' | 'P3') => (c.generatedMs === null ? '' : `, default due date ${defaultDueDate(priority, utcDate(c.generatedMs))}`);
      blocks.push(
        `The prevention catalog suggests, for the confirmed causes (not yet action items${suggestions.length > shown.length ? `; ${shown.length} of ${suggestions.length} shown` : ''}):\n\n${shown
          .map((entry) => `- ${escapeInline(entry.title, 300)} — ${entry.kind}, ${entry.priority}${due(entry.priority)} (${codeSpan(entry.key)})`)
          .join('\n')}`,
      );
    }
  }
  return { markdown: paragraphs(...blocks), incomplete: items.length === 0, humanText: items.map((item) => item.title) };
}

function priorityRank(item: PostmortemActionItem): number {
  const rank = ['P1', 'P2', 'P3'].indexOf(item.priority);
  return rank === -1 ? 3 : rank;
}

function compareDue(a: PostmortemActionItem, b: PostmortemActionItem): number {
  if (a.dueDate === b.dueDate) return 0;
  if (a.dueDate === null) return 1;
  if (b.dueDate === null) return -1;
  return compareText(a.dueDate, b.dueDate);
}

function messagingSection(c: Context): Part {
  const impact = c.incident.impact;
  const list: string[] = [];
  if (typeof impact?.customerFacing === 'boolean') list.push(impact.customerFacing ? 'Customers saw the errors.' : 'The incident was not customer-facing.');
  if (c.metrics.durationSeconds !== null) list.push(`Impact lasted ${formatDuration(c.metrics.durationSeconds)}.`);
  const regions = (impact?.regions ?? []).filter((region) => typeof region === 'string' && region.trim() !== '');
  if (regions.length > 0) list.push(`Regions: ${regions.map((region) => escapeInline(region, 60)).join(', ')}.`);
  return {
    markdown: paragraphs(
      prompt('the internal summary, and the external (status page) message: Summary, What happened, What we are doing about it. An apology should be genuine, not rote.'),
      facts(list),
    ),
    incomplete: true,
  };
}

function appendixSection(c: Context): Part {
  const evidence = c.record.evidence;
  if (evidence.length === 0) return { markdown: 'No evidence was attached.' };
  const rows = evidence.map((e) => [
    codeSpan(e.filename || '(unnamed)', { inTable: true, max: 120 }) || '—',
    tableCell(e.kind, 20),
    /^[0-9a-f]{64}$/i.test(e.sha256) ? codeSpan(e.sha256, { inTable: true }) : tableCell(e.sha256, 80),
    formatBytes(e.size),
    tableCell(e.parseStatus === 'failed' ? 'not parsed (failed)' : e.parseStatus, 30),
    Number.isFinite(e.findingCount) ? formatInteger(e.findingCount) : '—',
    tableCell(e.capturedFrom, 80),
    tableCell(formatUtc(e.capturedAt), 30),
    tableCell(e.uploadedBy, 60),
  ]);
  return {
    markdown: paragraphs(
      `${evidence.length} file${evidence.length === 1 ? '' : 's'}; the SHA-256 identifies the bytes Stepwise stored.`,
      table(['File', 'Kind', 'SHA-256', 'Size', 'Parse status', 'Findings', 'Captured from', 'Captured at', 'Uploaded by'], rows),
    ),
  };
}
