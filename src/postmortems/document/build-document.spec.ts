import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { buildPostmortemDocument, SECTION_KEYS, type PostmortemDocument } from './build-document.js';
import { largeRecord, randomRecord, seededRandom } from './fixtures/generated-records.js';
import { FIXTURE_GENERATED_AT, fixtureRecord } from './fixtures/record.js';
import type { PostmortemRecord } from './postmortem-record.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';

const FIXTURES_DIR = path.resolve(process.cwd(), 'src', 'postmortems', 'document', 'fixtures');
const md = new MarkdownIt({ html: false });

/** Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it first (read the diff before committing). */
function assertGolden(name: string, actual: string): void {
  const file = path.join(FIXTURES_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`);
}

function emptyRecord(): PostmortemRecord {
  const base = fixtureRecord();
  return {
    ...base,
    incident: {
      ...base.incident,
      summary: null,
      environment: null,
      gateway: null,
      symptom: null,
      commander: null,
      tags: [],
      impact: null,
      resolution: null,
      detectedAt: null,
      createdAt: null,
      acknowledgedAt: null,
      investigatingAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
    },
    runbook: null,
    steps: [],
    timeline: [],
    evidence: [],
    findings: [],
    rootCauses: [],
    ranking: [],
    actionItems: [],
    humanSections: {},
    authors: [],
  };
}

function section(doc: PostmortemDocument, key: string) {
  const found = doc.sections.find((s) => s.key === key);
  assert.ok(found, `section ${key}`);
  return found;
}

/** Number of `|` that separate cells (not escaped by a backslash). */
function cellSeparators(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '|') continue;
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && line[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) count++;
  }
  return count;
}

/** Every generated table: each row has the header's cell count; returns the body row count per table. */
function assertTablesWellFormed(markdown: string): number[] {
  const lines = markdown.split('\n');
  const bodies: number[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!/^\| ---(?: \| ---)* \|$/.test(lines[i + 1]!)) continue;
    const columns = cellSeparators(lines[i]!);
    assert.equal(cellSeparators(lines[i + 1]!), columns);
    let rows = 0;
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith('| '); j++, rows++) {
      assert.equal(cellSeparators(lines[j]!), columns, `row ${JSON.stringify(lines[j]!.slice(0, 200))}`);
      assert.ok(lines[j]!.endsWith(' |'), 'a row ends with its closing pipe');
    }
    bodies.push(rows);
  }
  return bodies;
}

/** The section headings the Markdown really has, as a Markdown reader sees them. */
function topLevelHeadings(markdown: string): string[] {
  const tokens = md.parse(markdown, {});
  const out: string[] = [];
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open' && token.level === 0 && (token.tag === 'h1' || token.tag === 'h2')) out.push(`${token.tag}:${tokens[i + 1]!.content}`);
  });
  return out;
}

function assertStructure(doc: PostmortemDocument, record: PostmortemRecord): void {
  const markdown = renderMarkdown(doc);
  const headings = topLevelHeadings(markdown);
  assert.ok(headings[0]?.startsWith('h1:'), 'the title comes first');
  assert.deepEqual(headings.slice(1), doc.sections.map((s) => `h2:${s.title}`), 'then exactly one heading per section');
  const tables = Object.fromEntries(doc.sections.map((s) => [s.key, assertTablesWellFormed(s.markdown)]));
  assert.deepEqual(tables['action-items'], record.actionItems.length > 0 ? [record.actionItems.length] : []);
  assert.deepEqual(tables['appendix-evidence'], record.evidence.length > 0 ? [record.evidence.length] : []);
  if (doc.sections.find((s) => s.key === 'response')?.generated) assert.deepEqual(tables['response'], record.steps.length > 0 ? [record.steps.length] : []);

  const html = renderHtml(doc);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img[^>]*onerror/i);
  assert.doesNotMatch(html, /href="(?:javascript|vbscript|data):/i);
  assert.equal((html.match(/<h2[ >]/g) ?? []).length, doc.sections.length, 'no section swallowed or added');
  assert.deepEqual(
    Array.from(html.matchAll(/<h2 id="([^"]+)">/g), (m) => m[1]),
    doc.sections.map((s) => s.key),
  );
}

describe('buildPostmortemDocument: the fixture incident', () => {
  const doc = buildPostmortemDocument(fixtureRecord(), FIXTURE_GENERATED_AT);

  it('renders the golden Markdown', () => {
    assertGolden('golden.md', renderMarkdown(doc));
  });

  it('renders the golden HTML', () => {
    assertGolden('golden.html', renderHtml(doc));
  });

  it('has the sections of DESIGN §5 in order, with stable keys', () => {
    assert.deepEqual(
      doc.sections.map((s) => s.key),
      SECTION_KEYS.filter((key) => key !== 'lessons'),
    );
    assertStructure(doc, fixtureRecord());
  });

  it('uses the human-written section in place of the generated one', () => {
    const wentWell = section(doc, 'went-well');
    assert.equal(wentWell.generated, false);
    assert.equal(wentWell.incomplete, false);
    assert.match(wentWell.markdown, /^- The HAR from step 1 showed `Server: nginx`/);
    assert.equal(section(doc, 'went-poorly').generated, true);
  });

  it('marks the sections only people can write as still to be written', () => {
    for (const key of ['went-poorly', 'got-lucky', 'messaging', 'trigger', 'detection']) {
      const s = section(doc, key);
      assert.equal(s.incomplete, true, key);
      assert.match(s.markdown, /_To be written by the review: /, key);
    }
    assert.equal(section(doc, 'root-cause').incomplete, false);
  });

  it('computes the metrics and says how each is defined', () => {
    assert.equal(doc.metrics.timeToDetectSeconds, 329);
    assert.equal(doc.metrics.timeToAcknowledgeSeconds, 220);
    assert.equal(doc.metrics.timeToMitigateSeconds, 3239);
    assert.equal(doc.metrics.timeToResolveSeconds, 5489);
    assert.equal(doc.metrics.durationSeconds, 3239);
    const text = section(doc, 'metrics').markdown;
    for (const definition of ['detection − impact start', 'first acknowledgement (or start of investigation) − detection', 'mitigation − impact start', 'resolution − impact start']) {
      assert.ok(text.includes(definition), definition);
    }
  });

  it('quotes at most three findings for the primary cause, strongest first, with where they were read', () => {
    const text = section(doc, 'root-cause').markdown;
    assert.equal((text.match(/```text/g) ?? []).length, 3);
    assert.match(text, /3 of 4 linked findings/);
    assert.match(text, /`nginx-error\.log` · sha256 `9c1e44d07ab2`, line 1,042/);
    assert.doesNotMatch(text, /har\.nginx\.502/, 'the weakest linked finding is left out');
  });

  it('fills the metadata from the record', () => {
    assert.equal(doc.title, 'Postmortem INC-1042: 502 Bad Gateway on POST /api/checkout');
    assert.equal(doc.metadata.primaryCause, 'UPSTREAM_RESET');
    assert.deepEqual(doc.metadata.confirmedCauses, ['UPSTREAM_RESET', 'GATEWAY_CONFIG']);
    assert.equal(doc.metadata.reviewDue, '2026-03-20');
    assert.deepEqual(doc.metadata.participants, ['alertmanager', 'lena.okafor', 'marco.silva', 'priya.raman', 'stepwise']);
  });
});

describe('buildPostmortemDocument: variations', () => {
  it('is deterministic and leaves its input untouched', () => {
    const record = fixtureRecord();
    const before = JSON.stringify(record);
    const a = buildPostmortemDocument(record, FIXTURE_GENERATED_AT);
    const b = buildPostmortemDocument(fixtureRecord(), FIXTURE_GENERATED_AT);
    assert.equal(renderMarkdown(a), renderMarkdown(b));
    assert.equal(renderHtml(a), renderHtml(b));
    assert.equal(JSON.stringify(record), before);
  });

  it('builds a readable draft from an empty record', () => {
    const record = emptyRecord();
    const doc = buildPostmortemDocument(record, FIXTURE_GENERATED_AT);
    assertStructure(doc, record);
    assert.equal(section(doc, 'timeline').markdown, 'No timeline events were recorded.');
    assert.match(section(doc, 'root-cause').markdown, /^No cause has been confirmed yet\./);
    assert.match(section(doc, 'appendix-evidence').markdown, /No evidence was attached/);
    assert.equal(section(doc, 'action-items').incomplete, true);
    assert.deepEqual(
      [doc.metrics.timeToDetectSeconds, doc.metrics.timeToAcknowledgeSeconds, doc.metrics.timeToMitigateSeconds, doc.metrics.timeToResolveSeconds],
      [null, null, null, null],
    );
    assert.match(section(doc, 'metrics').markdown, /\| Time to resolve \| not recorded \|/);
  });

  it('adds the lessons section only when someone wrote it, and ignores edits to fact sections', () => {
    const record = fixtureRecord();
    record.humanSections = { lessons: 'Keep-alive settings need an owner.', timeline: 'rewritten timeline', wentPoorly: '   ' };
    const doc = buildPostmortemDocument(record, FIXTURE_GENERATED_AT);
    assert.equal(section(doc, 'lessons').markdown, 'Keep-alive settings need an owner.');
    assert.equal(section(doc, 'timeline').generated, true);
    assert.doesNotMatch(section(doc, 'timeline').markdown, /rewritten timeline/);
    assert.equal(section(doc, 'went-poorly').generated, true, 'blank text does not count as written');
    const keys = doc.sections.map((s) => s.key);
    assert.equal(keys.indexOf('lessons'), keys.indexOf('got-lucky') + 1);
  });

  it('suggests a trigger from a rolled-back change and still asks the review to confirm it', () => {
    const record = fixtureRecord();
    record.steps[2] = { ...record.steps[2]!, outcome: 'recent_change_rolled_back', outcomeLabel: 'Recent change rolled back' };
    const trigger = section(buildPostmortemDocument(record, FIXTURE_GENERATED_AT), 'trigger');
    assert.match(trigger.markdown, /Step 3 \(Review gateway configuration\) found a recent change and rolled it back \(marco\.silva, 2026-03-14 09:38:20 UTC\)\./);
    assert.equal(trigger.incomplete, true);
  });

  it('marks overdue open action items against the generation date', () => {
    const record = fixtureRecord();
    const doc = buildPostmortemDocument(record, '2026-05-01T00:00:00Z');
    const text = section(doc, 'action-items').markdown;
    assert.match(text, /2 open \(2 overdue\), 1 done/);
    assert.equal((text.match(/\*\*overdue\*\*/g) ?? []).length, 2);
  });

  it('does not propose catalog items that are already action items, or items for other gateways', () => {
    const text = section(buildPostmortemDocument(fixtureRecord(), FIXTURE_GENERATED_AT), 'action-items').markdown;
    assert.doesNotMatch(text, /upstream-reset\.keepalive-exceeds-idle`\)/);
    assert.doesNotMatch(text, /upstream-reset\.haproxy-reuse-safe/);
    assert.match(text, /gateway-config\.validated-progressive-rollout/);
  });
});

describe('buildPostmortemDocument: escaping', () => {
  it('never lets a title become markup', () => {
    const record = fixtureRecord();
    record.incident.title = '<script>alert(1)</script> | `x` # **bold**';
    const doc = buildPostmortemDocument(record, FIXTURE_GENERATED_AT);
    const html = renderHtml(doc);
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /<title>Postmortem INC-1042: &#60;script&#62;alert\(1\)&#60;\/script&#62; \| `x` # \*\*bold\*\*<\/title>/);
    assert.match(renderMarkdown(doc), /^# Postmortem INC-1042: \\<script>alert\(1\)\\<\/script> \\\| \\`x\\` # \\\*\\\*bold\\\*\\\*\n/);
  });

  it('keeps tables whole when notes, titles and file names hold pipes, backticks and line breaks', () => {
    const record = fixtureRecord();
    record.steps[0] = { ...record.steps[0]!, title: 'Confirm | reproduce\nnow', outcomeLabel: '`a|b`', performedBy: 'x|y' };
    record.actionItems[0] = { ...record.actionItems[0]!, title: 'Fix | the\nthing ``` done', owner: 'a|b' };
    record.evidence[0] = { ...record.evidence[0]!, filename: 'odd|name`.har', capturedFrom: 'net\nwork|x' };
    record.timeline[0] = { ...record.timeline[0]!, message: 'opened | with\npipes' };
    const doc = buildPostmortemDocument(record, FIXTURE_GENERATED_AT);
    assertStructure(doc, record);
    const html = renderHtml(doc);
    assert.match(html, /<td>Fix \| the thing ``` done<\/td>/);
    assert.match(html, /<td><code>odd\|name`\.har<\/code><\/td>/);
  });

  it('contains a human section with an unclosed code fence and its own headings', () => {
    const record = fixtureRecord();
    record.humanSections = { wentPoorly: '# Our own heading\n```\nunclosed fence\n## still code' };
    const doc = buildPostmortemDocument(record, FIXTURE_GENERATED_AT);
    assertStructure(doc, record);
    assert.match(renderHtml(doc), /<h3>Our own heading<\/h3>/);
  });
});

describe('buildPostmortemDocument: generated records (property checks)', () => {
  it('renders 300 hostile records without throwing, with whole tables and sections', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const record = randomRecord(seededRandom(seed));
      try {
        const doc = buildPostmortemDocument(record, '2026-06-01T12:00:00Z');
        assertStructure(doc, record);
      } catch (error) {
        throw new Error(`seed ${seed}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
  });

  it('renders records with 1,000 events, 100 evidence files and 500 findings into a bounded document', () => {
    for (const seed of [7, 8, 9]) {
      const record = randomRecord(seededRandom(seed), { events: 1000, evidence: 100, findings: 500 });
      const doc = buildPostmortemDocument(record, '2026-06-01T12:00:00Z');
      assertStructure(doc, record);
      const timelineRows = assertTablesWellFormed(section(doc, 'timeline').markdown)[0]!;
      assert.ok(timelineRows <= 150, `${timelineRows} timeline rows`);
      assert.match(section(doc, 'timeline').markdown, /1,000 events: [\d,]+ of them are condensed into \d+ summary rows?/);
    }
    const big = largeRecord({ events: 1000, evidence: 100, findings: 500 });
    assertStructure(buildPostmortemDocument(big, '2026-06-01T12:00:00Z'), big);
  });

  it('gives byte-identical output for the same record', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const a = buildPostmortemDocument(randomRecord(seededRandom(seed)), '2026-06-01T12:00:00Z');
      const b = buildPostmortemDocument(randomRecord(seededRandom(seed)), '2026-06-01T12:00:00Z');
      assert.equal(renderMarkdown(a), renderMarkdown(b));
      assert.equal(renderHtml(a), renderHtml(b));
    }
  });
});
