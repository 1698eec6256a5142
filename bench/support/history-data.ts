/**
 * Loads a synthetic but realistic incident history for history.bench.ts: incidents over about two
 * years with skewed response times, six runbook steps each, root causes, postmortems, action items
 * and timeline notes. Rows go in with multi-row `INSERT … SELECT FROM unnest(…)` statements, the
 * search triggers off; the search index is then built with one INSERT … SELECT over
 * `incident_search_source`, as the HistorySearch migration intends for bulk loads.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { CauseCategory, Gateway } from '../../src/diagnosis/cause-category.js';
import type { Severity } from '../../src/incidents/entities/incident.entity.js';
import type { IncidentStatus } from '../../src/incidents/incident-lifecycle.js';
import { SeededRandom } from './history-random.js';
import {
  CATEGORY_VOCABULARY,
  CATEGORY_WEIGHTS,
  CAUSE_STEP,
  GATEWAY_WEIGHTS,
  NOTE_MESSAGES,
  PATHS,
  PEOPLE,
  SERVICES,
  SEVERITY_WEIGHTS,
  SUMMARY_SENTENCES,
  WENT_POORLY,
  WENT_WELL,
  ZONES,
} from './history-vocabulary.js';

const DAY_MS = 86_400_000;
const SEARCH_TRIGGERS: ReadonlyArray<readonly [table: string, trigger: string]> = [
  ['incidents', 'incident_search_incidents'],
  ['root_causes', 'incident_search_root_causes'],
  ['postmortems', 'incident_search_postmortems'],
  ['timeline_events', 'incident_search_notes'],
];

export interface HistoryLoadOptions {
  incidents: number;
  seed: number;
  /** Newest possible creation time; the history spans `spanDays` before it. */
  end: Date;
  spanDays: number;
  /** Incidents per INSERT statement (their steps, causes … go in the same number of statements). */
  batchIncidents: number;
}

/** One step of the seeded runbook, as stored in `runbooks.steps`. */
export interface RunbookStepRef {
  key: string;
  title: string;
  position: number;
  outcomes: string[];
}

export interface PhaseTiming {
  phase: string;
  rows: number;
  /** Wall time of the phase, generating the rows included. */
  ms: number;
  /** Of which waiting for Postgres. */
  dbMs: number;
}

export interface HistoryLoadReport {
  phases: PhaseTiming[];
  totalMs: number;
  start: Date;
  end: Date;
  /** Services by incident count, most first (the queries pick busy, middling and quiet ones). */
  servicesByVolume: string[];
}

/** Response-time medians in seconds by severity: urgent incidents are acknowledged and fixed faster. */
const ACK_MEDIAN: Record<Severity, number> = { SEV1: 120, SEV2: 240, SEV3: 600, SEV4: 1500, SEV5: 3600 };
const MITIGATE_MEDIAN: Record<Severity, number> = { SEV1: 1500, SEV2: 2400, SEV3: 3600, SEV4: 5400, SEV5: 7200 };
/** Of incidents with a confirmed cause: about 40% of all incidents get a postmortem, the urgent ones nearly always. */
const POSTMORTEM_RATE: Record<Severity, number> = { SEV1: 0.97, SEV2: 0.9, SEV3: 0.65, SEV4: 0.5, SEV5: 0.33 };
/** Median seconds spent on each step by position (1-based). */
const STEP_MEDIAN = [0, 120, 300, 420, 600, 300, 900];

interface PlannedIncident {
  id: string;
  ref: number;
  created: number;
  severity: Severity;
  service: string;
  gateway: Gateway | null;
  category: CauseCategory;
  acknowledged: number | null;
  investigating: number | null;
  mitigated: number | null;
  resolved: number | null;
  closed: number | null;
  status: IncidentStatus;
  title: string;
  summary: string;
  resolution: string | null;
  /** Placeholder values the texts were filled with. */
  words: Record<string, string>;
  log: string;
  causeText: string;
  commander: string;
  hasCause: boolean;
  hasPostmortem: boolean;
  firstSeen: number | null;
}

const fill = (template: string, words: Record<string, string>) => template.replace(/\{(\w+)\}/g, (whole, name: string) => words[name] ?? whole);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Creation times rising slowly over the span (more services, more incidents), sorted, to the millisecond. */
function creationTimes(random: SeededRandom, count: number, start: number, spanMs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    // Density 0.7 → 1.3 across the span; inverse of its cumulative distribution.
    const u = random.next();
    const x = (-0.7 + Math.sqrt(0.49 + 1.2 * u)) / 0.6;
    times.push(start + Math.floor(x * spanMs));
  }
  return times.sort((a, b) => a - b);
}

/** Lifecycle timestamps with skewed durations, cut at `end` (nothing happens in the future). */
function lifecycle(random: SeededRandom, created: number, severity: Severity, end: number) {
  let acknowledged: number | null = null;
  let investigating: number | null = null;
  let mitigated: number | null = null;
  let resolved: number | null = null;
  let closed: number | null = null;
  const roll = random.next();
  if (roll < 0.06) {
    // Never acknowledged: most recovered on their own before anyone looked.
    if (random.chance(0.9)) resolved = created + random.durationMs(600, 1);
  } else {
    if (roll < 0.11) investigating = created + random.durationMs(ACK_MEDIAN[severity], 1);
    else {
      acknowledged = created + random.durationMs(ACK_MEDIAN[severity], 1);
      if (random.chance(0.9)) investigating = acknowledged + random.durationMs(180, 1);
    }
    const working = (investigating ?? acknowledged) as number;
    if (random.chance(0.8)) mitigated = working + random.durationMs(MITIGATE_MEDIAN[severity], 1.1);
    // A few stay open for good (forgotten); the rest are resolved.
    if (random.chance(0.985)) {
      resolved = mitigated !== null ? mitigated + random.durationMs(MITIGATE_MEDIAN[severity] * 0.8, 1.2) : working + random.durationMs(MITIGATE_MEDIAN[severity] * 1.5, 1.2);
    }
  }
  if (resolved !== null && random.chance(0.55)) closed = resolved + random.durationMs(3 * 86_400, 0.8, 30 * 86_400);
  // Cut at the end of the history: a later stage cannot have happened if an earlier one has not.
  const chain = [acknowledged, investigating, mitigated, resolved, closed];
  let cut = false;
  for (let i = 0; i < chain.length; i += 1) {
    if (cut || (chain[i] !== null && (chain[i] as number) > end)) {
      cut = cut || chain[i] !== null;
      chain[i] = null;
    }
  }
  [acknowledged, investigating, mitigated, resolved, closed] = chain;
  const status: IncidentStatus =
    closed !== null ? 'closed' : resolved !== null ? 'resolved' : mitigated !== null ? 'mitigated' : investigating !== null ? 'investigating' : acknowledged !== null ? 'acknowledged' : 'open';
  return { acknowledged, investigating, mitigated, resolved, closed, status };
}

function planIncidents(options: HistoryLoadOptions): { incidents: PlannedIncident[]; start: number } {
  const random = new SeededRandom(options.seed);
  const end = options.end.getTime();
  const spanMs = options.spanDays * DAY_MS;
  const start = end - spanMs;
  const serviceWeights = SERVICES.map((name, rank) => [name, 1 / Math.pow(rank + 1, 0.8)] as const);
  const homeGateway = new Map(SERVICES.map((name) => [name, random.weighted(GATEWAY_WEIGHTS)]));
  const times = creationTimes(random, options.incidents, start, spanMs);
  return {
    start,
    incidents: times.map((created, index) => {
      const severity = random.weighted(SEVERITY_WEIGHTS);
      const service = random.weighted(serviceWeights);
      const gatewayRoll = random.next();
      const gateway = gatewayRoll < 0.85 ? (homeGateway.get(service) as Gateway) : gatewayRoll < 0.95 ? random.weighted(GATEWAY_WEIGHTS) : null;
      const category = random.weighted(CATEGORY_WEIGHTS);
      const vocabulary = CATEGORY_VOCABULARY[category];
      const words: Record<string, string> = {
        svc: service,
        gw: gateway ?? 'the gateway',
        host: `${service}.${random.pick(['internal', 'svc.cluster.local', 'prod.example.net'])}`,
        port: String(random.pick([80, 443, 8080, 8443, 3000, 9000])),
        path: random.pick(PATHS),
        pct: String(random.int(1, 60)),
        min: String(random.int(3, 180)),
        n: String(random.int(2, 12)),
        zone: random.pick(ZONES),
        ver: `v${random.int(1, 9)}.${random.int(0, 40)}.${random.int(0, 9)}`,
      };
      const log = fill(random.pick(vocabulary.logs), words);
      words.log = log;
      const stages = lifecycle(random, created, severity, end);
      const summaryParts = [fill(random.pick(SUMMARY_SENTENCES), words)];
      if (random.chance(0.6)) summaryParts.push(`The ${words.gw} error log showed: ${log}.`);
      if (random.chance(0.5)) summaryParts.push(fill(random.pick(SUMMARY_SENTENCES), words));
      const autoRecovered = stages.acknowledged === null && stages.investigating === null;
      const resolution = stages.resolved === null ? null : autoRecovered ? 'Recovered on its own before anyone acknowledged the page.' : fill(random.pick(vocabulary.fixes), words);
      // About 70% of all incidents end with a confirmed primary cause.
      const hasCause = stages.resolved !== null && (autoRecovered ? random.chance(0.25) : random.chance(0.74));
      const hasPostmortem = hasCause && random.chance(POSTMORTEM_RATE[severity]);
      return {
        id: random.uuid(),
        ref: index + 1,
        created,
        severity,
        service,
        gateway,
        category,
        ...stages,
        title: fill(random.pick(vocabulary.titles), words).slice(0, 200),
        summary: summaryParts.join(' '),
        resolution,
        words,
        log,
        causeText: fill(random.pick(vocabulary.causes), words),
        commander: random.pick(PEOPLE),
        hasCause,
        hasPostmortem,
        firstSeen: random.chance(0.6) ? created - random.durationMs(240, 1, 7200) : null,
      };
    }),
  };
}

type Cell = string | number | boolean | null;

/** Rows for one table, sent as one `INSERT … SELECT FROM unnest($1::text[], …)` per flush. */
class BatchInsert {
  private readonly columns: string[][] = [];
  rows = 0;

  constructor(
    private readonly table: string,
    /** Column name and the SQL type its text is cast to. */
    private readonly spec: ReadonlyArray<readonly [name: string, type: string]>,
  ) {
    for (let i = 0; i < spec.length; i += 1) this.columns.push([]);
  }

  add(cells: Cell[]): void {
    if (cells.length !== this.spec.length) throw new Error(`${this.table}: ${cells.length} cells for ${this.spec.length} columns`);
    for (let i = 0; i < cells.length; i += 1) {
      const cell = cells[i];
      (this.columns[i] as Array<string | null>).push(cell === null ? null : String(cell));
    }
    this.rows += 1;
  }

  async flush(client: pg.Client): Promise<number> {
    if (this.columns[0].length === 0) return 0;
    const names = this.spec.map(([name]) => `"${name}"`).join(', ');
    const casts = this.spec.map(([, type], i) => `c${i}::${type}`).join(', ');
    const unnest = this.spec.map((_, i) => `$${i + 1}::text[]`).join(', ');
    const aliases = this.spec.map((_, i) => `c${i}`).join(', ');
    const started = performance.now();
    await client.query(`INSERT INTO ${this.table} (${names}) SELECT ${casts} FROM unnest(${unnest}) AS u(${aliases})`, this.columns);
    for (const column of this.columns) column.length = 0;
    return performance.now() - started;
  }
}

/** A Postgres array literal of text values, for text[] columns sent through a text[] parameter. */
const textArray = (values: readonly string[]) => `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

interface TableSpec {
  table: string;
  columns: ReadonlyArray<readonly [string, string]>;
  rows: (incident: PlannedIncident, random: SeededRandom, insert: BatchInsert) => void;
}

function tableSpecs(steps: RunbookStepRef[], end: number): TableSpec[] {
  return [
    {
      table: 'incidents',
      columns: [
        ['id', 'uuid'], ['ref_number', 'int'], ['title', 'varchar'], ['summary', 'text'], ['severity', 'incident_severity'],
        ['status', 'incident_status'], ['service', 'varchar'], ['environment', 'varchar'], ['gateway', 'gateway_kind'],
        ['symptom', 'jsonb'], ['impact', 'jsonb'], ['commander', 'varchar'], ['tags', 'text[]'], ['runbook_key', 'varchar'],
        ['runbook_version', 'int'], ['resolution', 'text'], ['created_by', 'varchar'], ['detected_at', 'timestamptz'],
        ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['acknowledged_at', 'timestamptz'],
        ['investigating_at', 'timestamptz'], ['mitigated_at', 'timestamptz'], ['resolved_at', 'timestamptz'],
        ['closed_at', 'timestamptz'], ['version', 'int'],
      ],
      rows(incident, random, insert) {
        const statusCode = random.weighted([[502, 85], [504, 10], [503, 5]] as const);
        const symptom = {
          statusCode,
          method: random.weighted([['GET', 70], ['POST', 25], ['PUT', 5]] as const),
          url: `https://${incident.service}.example.com${incident.words.path}`,
          ...(incident.firstSeen !== null ? { firstSeenAt: iso(incident.firstSeen) } : {}),
        };
        const impact = {
          description: `${incident.words.pct}% of requests to ${incident.words.path} failed`,
          errorRatePercent: Number(incident.words.pct),
          usersAffected: random.int(0, 50_000),
          customerFacing: random.chance(0.7),
          regions: [incident.words.zone.replace(/[a-z]$/, '')],
        };
        const stamps = [incident.acknowledged, incident.investigating, incident.mitigated, incident.resolved, incident.closed];
        const transitions = stamps.filter((s) => s !== null).length;
        insert.add([
          incident.id, incident.ref, incident.title, incident.summary, incident.severity, incident.status, incident.service,
          random.chance(0.92) ? 'production' : 'staging', incident.gateway, JSON.stringify(symptom), JSON.stringify(impact),
          incident.commander, textArray([String(statusCode), incident.category.toLowerCase(), ...(incident.gateway ? [incident.gateway] : [])]),
          'http-502', 1, incident.resolution, random.chance(0.6) ? 'pagerduty-bot' : incident.commander, iso(incident.created),
          iso(incident.created), iso(Math.max(incident.created, ...stamps.map((s) => s ?? 0))), iso(incident.acknowledged),
          iso(incident.investigating), iso(incident.mitigated), iso(incident.resolved), iso(incident.closed), 1 + transitions,
        ]);
      },
    },
    {
      table: 'incident_steps',
      columns: [
        ['incident_id', 'uuid'], ['step_key', 'varchar'], ['position', 'int'], ['title', 'varchar'], ['status', 'step_status'],
        ['outcome', 'varchar'], ['notes', 'text'], ['skip_reason', 'text'], ['attempts', 'int'], ['started_by', 'varchar'],
        ['performed_by', 'varchar'], ['started_at', 'timestamptz'], ['completed_at', 'timestamptz'], ['time_spent_seconds', 'int'],
      ],
      rows(incident, random, insert) {
        const workStart = incident.investigating ?? incident.acknowledged;
        // How many steps were finished (done or skipped); the next one is in progress unless all are.
        let finished = 0;
        if (workStart !== null) {
          if (incident.resolved !== null) finished = steps.length;
          else if (incident.status === 'mitigated') finished = steps.length - 1;
          else if (incident.status === 'investigating') finished = random.int(0, steps.length - 2);
        }
        let cursor = workStart ?? incident.created;
        steps.forEach((step, index) => {
          const person = random.chance(0.7) ? incident.commander : random.pick(PEOPLE);
          if (workStart === null || index > finished) {
            insert.add([incident.id, step.key, step.position, step.title, 'pending', null, null, null, 0, null, null, null, null, 0]);
            return;
          }
          const started = cursor + random.durationMs(30, 1, 600);
          if (index === finished || started > end) {
            const spent = Math.max(0, Math.min(Math.round((end - started) / 1000), random.int(60, 1800)));
            insert.add([incident.id, step.key, step.position, step.title, 'in_progress', null, null, null, 1, person, null, iso(Math.min(started, end)), null, spent]);
            finished = index; // later steps are pending
            return;
          }
          const skipped = random.chance(step.key === 'restart-flush' ? 0.4 : 0.12);
          const spentMs = skipped ? random.durationMs(20, 0.5, 120) : random.durationMs(STEP_MEDIAN[step.position] ?? 300, 0.9, 4 * 3600);
          const completed = Math.min(end, started + spentMs);
          cursor = completed;
          insert.add([
            incident.id, step.key, step.position, step.title, skipped ? 'skipped' : 'done',
            skipped || step.outcomes.length === 0 ? null : random.pick(step.outcomes),
            !skipped && random.chance(0.15) ? fill(random.pick(NOTE_MESSAGES), incident.words) : null,
            skipped ? random.pick(['Cause already found in an earlier step', 'Not applicable to this gateway', 'Traffic already recovered']) : null,
            random.chance(0.05) ? 2 : 1, person, person, iso(started), iso(completed), Math.round((completed - started) / 1000),
          ]);
        });
      },
    },
    {
      table: 'root_causes',
      columns: [
        ['incident_id', 'uuid'], ['category', 'cause_category'], ['description', 'text'], ['status', 'root_cause_status'],
        ['primary', 'boolean'], ['step_keys', 'text[]'], ['created_by', 'varchar'], ['confirmed_by', 'varchar'],
        ['confirmed_at', 'timestamptz'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
      ],
      rows(incident, random, insert) {
        const opened = Math.min(end, (incident.investigating ?? incident.acknowledged ?? incident.created) + random.durationMs(600, 1, 6 * 3600));
        const settled = incident.resolved ?? end;
        const confirmedAt = Math.max(opened, Math.min(settled, opened + random.durationMs(1800, 1)));
        const other = () => {
          let category = incident.category;
          while (category === incident.category) category = random.weighted(CATEGORY_WEIGHTS);
          return category;
        };
        if (incident.hasCause) {
          insert.add([
            incident.id, incident.category, incident.causeText, 'confirmed', true, textArray([CAUSE_STEP[incident.category]]),
            incident.commander, incident.commander, iso(confirmedAt), iso(opened), iso(confirmedAt),
          ]);
          if (random.chance(0.2)) {
            const category = other();
            insert.add([
              incident.id, category, fill(random.pick(CATEGORY_VOCABULARY[category].causes), incident.words), 'confirmed', false,
              textArray(random.chance(0.5) ? [CAUSE_STEP[category]] : []), random.pick(PEOPLE), incident.commander, iso(confirmedAt),
              iso(opened), iso(confirmedAt),
            ]);
          }
        } else if (incident.investigating !== null && incident.resolved === null && random.chance(0.5)) {
          insert.add([incident.id, incident.category, incident.causeText, 'suspected', true, '{}', incident.commander, null, null, iso(opened), iso(opened)]);
        }
        if (incident.investigating !== null && random.chance(0.12)) {
          const category = other();
          insert.add([
            incident.id, category, fill(random.pick(CATEGORY_VOCABULARY[category].causes), incident.words), 'ruled_out', false, '{}',
            random.pick(PEOPLE), null, null, iso(opened), iso(confirmedAt),
          ]);
        }
      },
    },
    {
      table: 'postmortems',
      columns: [
        ['incident_id', 'uuid'], ['status', 'postmortem_status'], ['revision', 'int'], ['human_sections', 'jsonb'], ['document', 'jsonb'],
        ['markdown', 'text'], ['generated_at', 'timestamptz'], ['published_at', 'timestamptz'], ['published_by', 'varchar'],
        ['updated_at', 'timestamptz'],
      ],
      rows(incident, random, insert) {
        if (!incident.hasPostmortem || incident.resolved === null) return;
        const generated = incident.resolved + random.durationMs(86_400, 1, 10 * 86_400);
        if (generated > end) return; // not written yet
        const statusRoll = random.next();
        let published: number | null = statusRoll < 0.65 ? generated + random.durationMs(2 * 86_400, 1, 20 * 86_400) : null;
        if (published !== null && published > end) published = null;
        const status = published !== null ? 'published' : statusRoll < 0.8 ? 'in_review' : 'draft';
        const lessons = random.chance(0.5) ? { lessons: `Next time check ${CAUSE_STEP[incident.category]} first: ${incident.log}` } : {};
        const document = {
          title: `Postmortem: ${incident.title}`,
          metadata: { ref: `INC-${incident.ref}`, service: incident.service, severity: incident.severity, gateway: incident.gateway },
          sections: ['summary', 'impact', 'timeline', 'root-cause', 'resolution', 'went-well', 'went-poorly', 'action-items'].map((key) => ({ key, generated: true })),
          metrics: {
            timeToAcknowledgeSeconds: incident.acknowledged ? Math.round((incident.acknowledged - incident.created) / 1000) : null,
            timeToResolveSeconds: Math.round((incident.resolved - incident.created) / 1000),
          },
          generatedAt: iso(generated),
        };
        insert.add([
          incident.id, status, random.int(1, 3), JSON.stringify(lessons), JSON.stringify(document), postmortemMarkdown(incident, random),
          iso(generated), iso(published), published !== null ? random.pick(PEOPLE) : null, iso(published ?? generated),
        ]);
      },
    },
    {
      table: 'action_items',
      columns: [
        ['incident_id', 'uuid'], ['title', 'varchar'], ['kind', 'action_kind'], ['priority', 'action_priority'], ['owner', 'varchar'],
        ['due_date', 'date'], ['status', 'action_status'], ['category', 'cause_category'], ['created_by', 'varchar'],
        ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['completed_at', 'timestamptz'],
      ],
      rows(incident, random, insert) {
        if (!incident.hasPostmortem || incident.resolved === null) return;
        const created = incident.resolved + random.durationMs(86_400, 1, 10 * 86_400);
        if (created > end) return;
        const titles = CATEGORY_VOCABULARY[incident.category].actions;
        for (let i = 0, count = random.int(1, 3); i < count; i += 1) {
          const due = created + random.int(14, 60) * DAY_MS;
          const roll = random.next();
          const status = due < end && roll < 0.6 ? 'done' : due < end && roll < 0.7 ? 'wont_do' : 'open';
          const completed = status === 'done' ? Math.min(end, created + random.durationMs(20 * 86_400, 0.8, 90 * 86_400)) : null;
          insert.add([
            incident.id, `${titles[i % titles.length]} (${incident.service})`, random.pick(['prevent', 'detect', 'mitigate', 'process']),
            random.weighted([['P1', 2], ['P2', 5], ['P3', 3]] as const), random.pick(PEOPLE), new Date(due).toISOString().slice(0, 10), status,
            incident.category, incident.commander, iso(created), iso(completed ?? created), iso(completed),
          ]);
        }
      },
    },
    {
      table: 'timeline_events',
      columns: [
        ['incident_id', 'uuid'], ['at', 'timestamptz'], ['kind', 'varchar'], ['actor', 'varchar'], ['message', 'text'], ['recorded_at', 'timestamptz'],
      ],
      rows(incident, random, insert) {
        const workStart = incident.investigating ?? incident.acknowledged;
        if (workStart === null || !random.chance(0.35)) return;
        const until = incident.resolved ?? end;
        for (let i = 0, count = random.int(1, 3); i < count; i += 1) {
          const at = Math.min(until, workStart + Math.floor(random.next() * Math.max(1000, until - workStart)));
          insert.add([incident.id, iso(at), 'note', random.chance(0.6) ? incident.commander : random.pick(PEOPLE), fill(random.pick(NOTE_MESSAGES), incident.words), iso(at)]);
        }
      },
    },
  ];
}

const hhmm = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** A postmortem of a few hundred words, from the incident's own text (what the generator would write). */
function postmortemMarkdown(incident: PlannedIncident, random: SeededRandom): string {
  const vocabulary = CATEGORY_VOCABULARY[incident.category];
  const timeline: Array<[number | null, string]> = [
    [incident.firstSeen, 'First 502 responses seen at the gateway'],
    [incident.created, `Incident opened, severity ${incident.severity}`],
    [incident.acknowledged, `Acknowledged by ${incident.commander}`],
    [incident.investigating, 'Investigation started with the 502 runbook'],
    [incident.mitigated, 'Mitigated: error rate back to normal'],
    [incident.resolved, 'Resolved'],
  ];
  const lines = [
    `# Postmortem: ${incident.title}`,
    '',
    `**Incident** INC-${incident.ref} · **Service** ${incident.service} · **Severity** ${incident.severity} · **Gateway** ${incident.gateway ?? 'unknown'}`,
    '',
    '## Summary',
    '',
    incident.summary,
    '',
    '## Impact',
    '',
    `About ${incident.words.pct}% of requests to ${incident.words.path} on ${incident.service} answered 502 Bad Gateway. ` +
      `Clients in ${incident.words.zone} were affected first; retries from mobile clients added load while the upstream was failing.`,
    '',
    '## Timeline (UTC)',
    '',
    '| Time | Event |',
    '| --- | --- |',
    ...timeline.filter(([at]) => at !== null).map(([at, what]) => `| ${hhmm(at as number)} | ${what} |`),
    '',
    '## Root cause',
    '',
    incident.causeText,
    '',
    'The gateway error log showed:',
    '',
    '```',
    incident.log,
    '```',
    '',
    fill(random.pick(vocabulary.causes), incident.words),
    '',
    '## Resolution',
    '',
    incident.resolution ?? '',
    '',
    '## What went well',
    '',
    ...[random.pick(WENT_WELL), random.pick(WENT_WELL)].map((s) => `- ${s}`),
    '',
    '## What went poorly',
    '',
    ...[random.pick(WENT_POORLY), random.pick(WENT_POORLY)].map((s) => `- ${s}`),
    '',
    '## Action items',
    '',
    ...vocabulary.actions.map((action) => `- [ ] ${action} (${random.pick(PEOPLE)})`),
    '',
  ];
  return lines.join('\n');
}

/** The six steps of the seeded http-502 runbook, version 1. */
export async function runbookSteps(client: pg.Client): Promise<RunbookStepRef[]> {
  const { rows } = await client.query<{ steps: Array<{ key: string; title: string; position: number; outcomes?: Array<{ key: string }> }> }>(
    `SELECT steps FROM runbooks WHERE key = 'http-502' AND version = 1`,
  );
  if (rows.length === 0) throw new Error('runbook http-502 v1 is not seeded (did the migrations run?)');
  return rows[0].steps
    .map((s) => ({ key: s.key, title: s.title, position: s.position, outcomes: (s.outcomes ?? []).map((o) => o.key) }))
    .sort((a, b) => a.position - b.position);
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

/**
 * Loads the history into an empty, migrated database; `progress` hears one line per phase.
 * The search triggers are off during the load and on again afterwards, whatever happens.
 */
export async function loadHistory(client: pg.Client, options: HistoryLoadOptions, progress: (line: string) => void): Promise<HistoryLoadReport> {
  const loadStarted = performance.now();
  const phases: PhaseTiming[] = [];
  const report = (phase: PhaseTiming) => {
    phases.push(phase);
    const rate = phase.rows > 0 ? `, ${Math.round(phase.rows / (phase.ms / 1000)).toLocaleString('en-US')} rows/s` : '';
    progress(`  ${phase.phase.padEnd(44)} ${phase.rows.toLocaleString('en-US').padStart(9)} rows  ${(phase.ms / 1000).toFixed(1).padStart(6)} s (Postgres ${(phase.dbMs / 1000).toFixed(1)} s${rate})`);
  };

  const [{ incidents, start }, planMs] = await timed(async () => planIncidents(options));
  report({ phase: 'plan incidents (in memory)', rows: incidents.length, ms: planMs, dbMs: 0 });
  const steps = await runbookSteps(client);

  // A bulk load may lose its work on a crash (it is started again from scratch), so no need to wait for each commit.
  await client.query('SET synchronous_commit = off');
  for (const [table, trigger] of SEARCH_TRIGGERS) await client.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
  try {
    const end = options.end.getTime();
    for (const [index, spec] of tableSpecs(steps, end).entries()) {
      const random = new SeededRandom(options.seed * 1000 + index + 1);
      const insert = new BatchInsert(spec.table, spec.columns);
      const started = performance.now();
      let dbMs = 0;
      for (let i = 0; i < incidents.length; i += options.batchIncidents) {
        for (const incident of incidents.slice(i, i + options.batchIncidents)) spec.rows(incident, random, insert);
        dbMs += await insert.flush(client);
      }
      report({ phase: spec.table, rows: insert.rows, ms: performance.now() - started, dbMs });
    }
    const [, sequenceMs] = await timed(() => client.query(`SELECT setval(pg_get_serial_sequence('incidents', 'ref_number'), (SELECT max(ref_number) FROM incidents))`));
    report({ phase: 'incidents.ref_number sequence (setval)', rows: 0, ms: sequenceMs, dbMs: sequenceMs });
    const [indexed, indexMs] = await timed(() =>
      client.query(
        // The migration's set-wise rebuild: one INSERT ... SELECT from incident_search_source.
        'SELECT rebuild_incident_search() AS rows',
      ),
    );
    report({ phase: 'incident_search (rebuild_incident_search())', rows: Number((indexed.rows[0] as { rows: string }).rows), ms: indexMs, dbMs: indexMs });
  } finally {
    for (const [table, trigger] of SEARCH_TRIGGERS) await client.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
    await client.query('SET synchronous_commit = on');
  }
  const [, vacuumMs] = await timed(() => client.query('VACUUM ANALYZE'));
  report({ phase: 'VACUUM ANALYZE', rows: 0, ms: vacuumMs, dbMs: vacuumMs });

  const volume = new Map<string, number>();
  for (const incident of incidents) volume.set(incident.service, (volume.get(incident.service) ?? 0) + 1);
  return {
    phases,
    totalMs: performance.now() - loadStarted,
    start: new Date(start),
    end: options.end,
    servicesByVolume: [...volume.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([service]) => service),
  };
}
