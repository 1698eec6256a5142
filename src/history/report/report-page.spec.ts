import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderStatsReport, trendSentence, type DurationStat, type StatsReportData, type WeeklyStat } from './report-page.js';

/** Every opened element is closed in order, no raw < or > outside tags, every & starts an entity. */
function assertBalancedMarkup(markup: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)([^<>]*?)(\/?)>/g;
  for (const match of markup.matchAll(tag)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing) continue;
    if (closing) assert.equal(stack.pop(), name, `</${name}> at ${match.index}`);
    else stack.push(name);
  }
  assert.deepEqual(stack, [], 'every element is closed');
  assert.equal(markup.replace(/<style>[^]*?<\/style>/, '').replace(tag, '').search(/[<>]/), -1, 'no raw < or > outside tags');
  assert.equal(markup.search(/&(?!(amp|lt|gt|quot|#\d+);)/), -1, 'every & is an entity');
}

const noDuration: DurationStat = { p50Seconds: null, p90Seconds: null, meanSeconds: null, count: 0, missing: 0 };

function week(weekStart: string, total: number, p50Seconds: number | null, count = total, byCategory: Record<string, number> = {}): WeeklyStat {
  return { weekStart, total, byCategory, timeToResolve: { p50Seconds, p90Seconds: p50Seconds === null ? null : p50Seconds * 2, count } };
}

function emptyWindow(): StatsReportData {
  return {
    generatedAt: '2026-11-30T09:15:00.000Z',
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-11-30T00:00:00.000Z',
    service: null,
    severity: null,
    incidents: 0,
    timeToAcknowledge: noDuration,
    timeToMitigate: noDuration,
    timeToResolve: noDuration,
    byCategory: {},
    byService: {},
    bySeverity: {},
    byGateway: {},
    weekly: [],
    recurring: [],
    steps: [],
  };
}

function busyWindow(): StatsReportData {
  return {
    ...emptyWindow(),
    service: 'checkout',
    incidents: 9,
    timeToAcknowledge: { p50Seconds: 120, p90Seconds: 600, meanSeconds: 250.5, count: 9, missing: 0 },
    timeToMitigate: { p50Seconds: 1800, p90Seconds: 5400, meanSeconds: 2500, count: 7, missing: 2 },
    timeToResolve: { p50Seconds: 3900, p90Seconds: 90000, meanSeconds: 20000, count: 6, missing: 3 },
    byCategory: { UPSTREAM_TIMEOUT: 4, DNS: 2, UNCLASSIFIED: 3 },
    byService: { checkout: 9 },
    bySeverity: { SEV2: 6, SEV1: 3 },
    byGateway: { nginx: 7, none: 2 },
    weekly: [
      week('2026-10-26', 4, 7200, 3, { UPSTREAM_TIMEOUT: 3, UNCLASSIFIED: 1 }),
      week('2026-11-02', 3, 3600, 2, { UPSTREAM_TIMEOUT: 1, DNS: 1, UNCLASSIFIED: 1 }),
      week('2026-11-09', 0, null, 0),
      week('2026-11-16', 2, 1200, 1, { DNS: 1, UNCLASSIFIED: 1 }),
    ],
    recurring: [
      { service: 'checkout', category: 'UPSTREAM_TIMEOUT', count: 4, refs: ['INC-1', 'INC-3', 'INC-4', 'INC-7'] },
      { service: 'checkout', category: 'DNS', count: 2, refs: ['INC-5', 'INC-9'] },
    ],
    steps: [
      { key: 'check-upstream', title: 'Check the upstream', foundCause: 4, completed: 8, medianSecondsSpent: 300 },
      { key: 'check-dns', title: 'Resolve the upstream name', foundCause: 2, completed: 5, medianSecondsSpent: null },
    ],
  };
}

const SECTION_HEADINGS = ['Summary', 'Incidents per week', 'Time to resolve', 'Recurring causes', 'Breakdown', 'Runbook steps'];
const BREAKDOWN_HEADINGS = ['By cause category', 'By service', 'By severity', 'By gateway'];

function assertWellFormedPage(html: string): void {
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
  assert.match(html, /<meta charset="utf-8">/);
  assert.match(html, /<title>Stepwise reliability report<\/title>/);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`));
  assert.match(html, /@media print \{[^]*break-inside: avoid/);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|<[^>]*\son\w+=/i, 'no script, no external resources, no handlers');
  assert.doesNotMatch(html, /NaN|undefined|Infinity|\[object /);
  // Void HTML elements (meta) are not closed; everything else must balance.
  assertBalancedMarkup(html.replace(/<!DOCTYPE html>|<meta [^>]*>/g, ''));
}

describe('renderStatsReport', () => {
  it('renders a complete page with every section for a busy window', () => {
    const html = renderStatsReport(busyWindow());
    assertWellFormedPage(html);
    for (const heading of SECTION_HEADINGS) assert.match(html, new RegExp(`<h2 id="[\\w-]+">${heading}</h2>`), heading);
    for (const heading of BREAKDOWN_HEADINGS) assert.match(html, new RegExp(`<h3 id="[\\w-]+">${heading}</h3>`), heading);
    assert.equal((html.match(/<svg /g) ?? []).length, 3, 'three charts');
    assert.match(html, /<strong>9<\/strong> incidents in this window/);
    assert.match(html, /2026-11-01 00:00 UTC – 2026-11-30 00:00 UTC · service checkout · all severities · all gateways/);
  });

  it('states the duration figures with how many were measured', () => {
    const html = renderStatsReport(busyWindow());
    assert.match(html, /Time to acknowledge<\/th><td class="num">2m<\/td><td class="num">10m<\/td><td class="num">4m<\/td><td>9 of 9 measured, 0 missing<\/td>/);
    assert.match(html, /Time to mitigate<\/th><td class="num">30m<\/td><td class="num">1h 30m<\/td><td class="num">42m<\/td><td>7 of 9 measured, 2 missing<\/td>/);
    assert.match(html, /Time to resolve<\/th><td class="num">1h 05m<\/td><td class="num">1d 1h<\/td><td class="num">5h 33m<\/td><td>6 of 9 measured, 3 missing<\/td>/);
  });

  it('answers what keeps causing them', () => {
    const html = renderStatsReport(busyWindow());
    assert.match(html, /Most common confirmed cause: <strong>UPSTREAM_TIMEOUT<\/strong> \(4 of 9, 44%\), then DNS \(2\)\. 3 incidents have no confirmed cause yet\./);
    assert.match(html, /Keeps coming back: <strong>checkout<\/strong> · UPSTREAM_TIMEOUT \(4×\), <strong>checkout<\/strong> · DNS \(2×\)\./);
    assert.match(html, /<td>checkout<\/td><td>UPSTREAM_TIMEOUT<\/td><td class="num">4<\/td><td class="refs">INC-1, INC-3, INC-4, INC-7<\/td>/);
  });

  it('fills the breakdown and step tables, largest first', () => {
    const html = renderStatsReport(busyWindow());
    assert.match(html, /<td>SEV2<\/td><td class="num">6<\/td><td class="num">67%<\/td><\/tr>\n<tr><td>SEV1<\/td><td class="num">3<\/td><td class="num">33%<\/td>/);
    assert.match(html, /Check the upstream <code>check-upstream<\/code> <span class="badge">found the cause most often<\/span><\/td><td class="num">4<\/td><td class="num">8<\/td><td class="num">50%<\/td><td class="num">5m<\/td>/);
    assert.match(html, /Resolve the upstream name <code>check-dns<\/code><\/td><td class="num">2<\/td><td class="num">5<\/td><td class="num">40%<\/td><td class="num">—<\/td>/);
  });

  it('charts weekly incidents by category, counting uncategorised incidents as unclassified', () => {
    const data = busyWindow();
    data.weekly[0] = week('2026-10-26', 5, 7200, 3, { UPSTREAM_TIMEOUT: 3 });
    const html = renderStatsReport(data);
    assert.match(html, /<title>2026-10-26 · UNCLASSIFIED: 2<\/title>/);
    assert.match(html, /<title>2026-10-26: 5 in total<\/title>/);
  });

  it('renders an empty window honestly, with no NaN, undefined or Infinity', () => {
    const html = renderStatsReport(emptyWindow());
    assertWellFormedPage(html);
    for (const heading of SECTION_HEADINGS) assert.ok(html.includes(`>${heading}</h2>`), heading);
    assert.match(html, /<strong>0<\/strong> incidents in this window/);
    assert.match(html, /Not enough data for a trend/);
    assert.match(html, /No incidents in this window\./);
    assert.match(html, /No incidents in this window<\/text>/, 'the weekly chart says so');
    assert.match(html, /No resolved incidents in this window<\/text>/);
    assert.match(html, /Nothing recurred in this window<\/text>/);
    assert.match(html, /<td>0 of 0 measured, 0 missing<\/td>/);
    assert.match(html, /No runbook steps were worked in this window/);
  });

  it('survives nonsense numbers without printing them', () => {
    const data = busyWindow();
    data.incidents = Number.NaN;
    data.timeToResolve = { p50Seconds: Number.POSITIVE_INFINITY, p90Seconds: Number.NaN, meanSeconds: null, count: Number.NaN, missing: 1 };
    data.byService = { checkout: Number.NaN };
    data.weekly.push(week('2026-11-23', Number.POSITIVE_INFINITY, Number.NaN));
    data.steps[0].completed = 0;
    assertWellFormedPage(renderStatsReport(data));
  });

  it('escapes every dynamic string', () => {
    const evil = '<script>alert(1)</script>';
    const data = busyWindow();
    data.service = evil;
    data.severity = `"><img src=x onerror=alert(2)>`;
    data.gateway = 'a & b';
    data.from = evil;
    data.byService = { [evil]: 9 };
    data.byCategory = { [evil]: 6, UNCLASSIFIED: 3 };
    data.byGateway = { [evil]: 9 };
    data.bySeverity = { [evil]: 9 };
    data.weekly[0].byCategory = { [evil]: 4 };
    data.weekly[1].weekStart = evil;
    data.recurring = [{ service: evil, category: evil, count: 2, refs: [evil, 'INC-2'] }];
    data.steps = [{ key: evil, title: evil, foundCause: 1, completed: 1, medianSecondsSpent: 10 }];
    const html = renderStatsReport(data);
    assertWellFormedPage(html);
    assert.equal(html.indexOf('<script'), -1);
    assert.equal(html.indexOf('<img'), -1);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;'));
    assert.ok(html.includes('gateway a &amp; b'));
  });
});

describe('trendSentence', () => {
  it('has nothing to compare without weeks', () => {
    assert.equal(trendSentence([]), 'Not enough data for a trend: this window has no weeks.');
  });

  it('has nothing to compare with one week', () => {
    assert.equal(trendSentence([week('2026-11-02', 5, 600)]), 'Not enough data for a trend: this window covers only one week.');
  });

  it('sees fewer and shorter incidents', () => {
    const weeks = [week('2026-11-02', 4, 3900), week('2026-11-09', 2, 3900), week('2026-11-16', 1, 600), week('2026-11-23', 2, 1200)];
    assert.equal(
      trendSentence(weeks),
      'Comparing the first 2 weeks with the last 2: fewer incidents (3 → 1.5 a week), and shorter time to resolve (median 1h 05m → 20m).',
    );
  });

  it('sees more and longer incidents, whatever order the weeks come in', () => {
    const weeks = [week('2026-11-09', 5, 7200), week('2026-11-02', 1, 600)];
    assert.equal(
      trendSentence(weeks),
      'Comparing the first week with the last: more incidents (1 → 5 a week), and longer time to resolve (median 10m → 2h).',
    );
  });

  it('calls small differences about the same', () => {
    const weeks = [week('2026-11-02', 10, 3600), week('2026-11-09', 10, 3600), week('2026-11-16', 11, 3700), week('2026-11-23', 10, 3500)];
    assert.equal(
      trendSentence(weeks),
      'Comparing the first 2 weeks with the last 2: about the same number of incidents (10 → 10.5 a week), and about the same time to resolve (median 1h → 1h 02m).',
    );
  });

  it('leaves out the middle week of an odd window', () => {
    const weeks = [week('2026-11-02', 2, 600), week('2026-11-09', 50, 99999), week('2026-11-16', 2, 600)];
    assert.match(trendSentence(weeks), /^Comparing the first week with the last \(leaving out the middle week\): about the same number of incidents \(2 → 2 a week\)/);
  });

  it('weights weekly medians by how many incidents they measured', () => {
    // First half: one slow incident, nine fast ones → the median is fast.
    const weeks = [week('2026-11-02', 1, 7200, 1), week('2026-11-09', 9, 600, 9), week('2026-11-16', 5, 600), week('2026-11-23', 5, 600)];
    assert.match(trendSentence(weeks), /about the same time to resolve \(median 10m → 10m\)/);
  });

  it('says so when one half resolved nothing', () => {
    const weeks = [week('2026-11-02', 3, 1800), week('2026-11-09', 2, null, 0)];
    assert.equal(
      trendSentence(weeks),
      'Comparing the first week with the last: fewer incidents (3 → 2 a week), and not enough data to compare time to resolve (no resolved incidents in one half).',
    );
  });

  it('says so when there were no incidents at all', () => {
    const weeks = [week('2026-11-02', 0, null), week('2026-11-09', 0, null)];
    assert.equal(
      trendSentence(weeks),
      'Comparing the first week with the last: no incidents in either half, and not enough data to compare time to resolve (no resolved incidents in one half).',
    );
  });
});
