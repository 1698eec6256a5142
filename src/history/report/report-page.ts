// The printable reliability report: one self-contained HTML document with inline CSS and inline SVG charts,
// no script and nothing fetched, so it works under a `default-src 'none'` CSP, offline and on paper.
// It answers first "are 502s getting rarer and shorter, and what keeps causing them?", then shows the detail.
import {
  CHART_CATEGORIES,
  escapeXml as escapeHtml,
  formatDuration,
  horizontalBarChart,
  lineChart,
  stackedBarChart,
} from './svg-charts.js';
import type { DurationStat, Stats, StepStat, WeekStat } from '../stats.types.js';

export type { DurationStat };
/** One week of the trend (the same shape as the stats' `weekly`). */
export type WeeklyStat = WeekStat;

/**
 * What the page draws: the fields of the stats answer it shows, and when it was made. The gateway
 * filter is optional (shown in the scope line when set); of each step, the columns of the table.
 */
export type StatsReportData = Pick<
  Stats,
  'from' | 'to' | 'service' | 'severity' | 'incidents' | 'timeToAcknowledge' | 'timeToMitigate' | 'timeToResolve' | 'byCategory' | 'byService' | 'bySeverity' | 'byGateway' | 'weekly' | 'recurring'
> & {
  generatedAt: string;
  gateway?: Stats['gateway'];
  steps: Array<Pick<StepStat, 'key' | 'title' | 'foundCause' | 'completed' | 'medianSecondsSpent'>>;
};

export const REPORT_TITLE = 'Stepwise reliability report';
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const UNCLASSIFIED = 'UNCLASSIFIED';
const TOP_RECURRING_IN_CHART = 10;

// ---------------------------------------------------------------------------------------------------------------
// Numbers in words

/** A count that is safe to print: non-finite or negative figures never reach the page. */
function finiteCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** One decimal at most: 3 → "3", 1.25 → "1.3". */
function oneDecimal(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

function duration(value: number | null | undefined): string {
  const seconds = finiteOrNull(value);
  return seconds === null ? '—' : formatDuration(seconds);
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '—';
}

/** ISO timestamps as `2026-11-02 14:05 UTC`; anything else as given (escaped by the caller). */
function displayTime(value: string): string {
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) return value;
  const iso = time.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

// ---------------------------------------------------------------------------------------------------------------
// Trend

/**
 * Median of the weekly time-to-resolve medians, each week weighted by how many incidents it measured.
 * The raw durations are not in the report data, so this stands in for the median over the half window.
 */
function weightedMedianOfWeeks(weeks: WeeklyStat[]): number | null {
  const measured = weeks
    .map((week) => ({ p50: finiteOrNull(week.timeToResolve.p50Seconds), weight: Math.max(1, finiteCount(week.timeToResolve.count)) }))
    .filter((entry): entry is { p50: number; weight: number } => entry.p50 !== null)
    .sort((a, b) => a.p50 - b.p50);
  const total = measured.reduce((sum, entry) => sum + entry.weight, 0);
  let seen = 0;
  for (const entry of measured) {
    seen += entry.weight;
    if (seen >= total / 2) return entry.p50;
  }
  return null;
}

function compareRates(first: number, last: number): 'fewer' | 'more' | 'about the same number of' {
  const difference = last - first;
  // Half an incident a week, or a tenth of the larger rate, is noise rather than a trend.
  if (Math.abs(difference) < 0.5 || Math.abs(difference) <= 0.1 * Math.max(first, last)) return 'about the same number of';
  return difference < 0 ? 'fewer' : 'more';
}

function compareDurations(first: number, last: number): 'shorter' | 'longer' | 'about the same' {
  const difference = last - first;
  // A minute, or a tenth of the longer median, is within what a weekly median wobbles by.
  if (Math.abs(difference) <= Math.max(60, 0.1 * Math.max(first, last))) return 'about the same';
  return difference < 0 ? 'shorter' : 'longer';
}

/**
 * One sentence on whether incidents are getting rarer and shorter: the first half of the window's weeks
 * against the second half (an odd middle week is left out), in incidents per week and median time to resolve.
 */
export function trendSentence(weekly: WeeklyStat[]): string {
  const weeks = [...weekly].sort((a, b) => a.weekStart.localeCompare(b.weekStart));
  if (weeks.length === 0) return 'Not enough data for a trend: this window has no weeks.';
  if (weeks.length === 1) return 'Not enough data for a trend: this window covers only one week.';

  const half = Math.floor(weeks.length / 2);
  const firstHalf = weeks.slice(0, half);
  const lastHalf = weeks.slice(weeks.length - half);
  const span =
    (half === 1 ? 'the first week with the last' : `the first ${half} weeks with the last ${half}`) +
    (weeks.length % 2 === 1 ? ' (leaving out the middle week)' : '');

  const rate = (half: WeeklyStat[]) => half.reduce((sum, week) => sum + finiteCount(week.total), 0) / half.length;
  const firstRate = rate(firstHalf);
  const lastRate = rate(lastHalf);
  const incidents =
    firstRate === 0 && lastRate === 0
      ? 'no incidents in either half'
      : `${compareRates(firstRate, lastRate)} incidents (${oneDecimal(firstRate)} → ${oneDecimal(lastRate)} a week)`;

  const firstMedian = weightedMedianOfWeeks(firstHalf);
  const lastMedian = weightedMedianOfWeeks(lastHalf);
  const resolve =
    firstMedian === null || lastMedian === null
      ? 'not enough data to compare time to resolve (no resolved incidents in one half)'
      : `${compareDurations(firstMedian, lastMedian)} time to resolve (median ${formatDuration(firstMedian)} → ${formatDuration(lastMedian)})`;

  return `Comparing ${span}: ${incidents}, and ${resolve}.`;
}

// ---------------------------------------------------------------------------------------------------------------
// Pieces of the page

/** Entries largest first, then by name, so tables and charts read the same way every time. */
function ranked(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts)
    .map(([key, value]): [string, number] => [key, finiteCount(value)])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function causeSentence(data: StatsReportData): string {
  const total = finiteCount(data.incidents);
  if (total === 0) return 'No incidents in this window.';
  const unclassified = finiteCount(data.byCategory[UNCLASSIFIED] ?? 0);
  const confirmed = ranked(data.byCategory).filter(([category, count]) => category !== UNCLASSIFIED && count > 0);
  const unconfirmedNote = unclassified > 0 ? ` ${plural(unclassified, 'incident')} ${unclassified === 1 ? 'has' : 'have'} no confirmed cause yet.` : '';
  if (confirmed.length === 0) return `No incident in this window has a confirmed cause yet.`;
  const [category, count] = confirmed[0];
  const runnerUp = confirmed[1] ? `, then ${escapeHtml(confirmed[1][0])} (${confirmed[1][1]})` : '';
  return `Most common confirmed cause: <strong>${escapeHtml(category)}</strong> (${count} of ${total}, ${percent(count, total)})${runnerUp}.${escapeHtml(unconfirmedNote)}`;
}

function recurringSentence(data: StatsReportData): string {
  const recurring = [...data.recurring].sort((a, b) => finiteCount(b.count) - finiteCount(a.count));
  if (recurring.length === 0) return 'Nothing recurred: no service had the same confirmed cause on more than one incident.';
  const shown = recurring
    .slice(0, 3)
    .map((r) => `<strong>${escapeHtml(r.service)}</strong> · ${escapeHtml(r.category)} (${finiteCount(r.count)}×)`)
    .join(', ');
  const more = recurring.length > 3 ? `, and ${plural(recurring.length - 3, 'more')}` : '';
  return `Keeps coming back: ${shown}${more}.`;
}

function durationRow(label: string, stat: DurationStat): string {
  const measured = finiteCount(stat.count);
  const missing = finiteCount(stat.missing);
  return (
    `<tr><th scope="row">${escapeHtml(label)}</th>` +
    `<td class="num">${duration(stat.p50Seconds)}</td><td class="num">${duration(stat.p90Seconds)}</td>` +
    `<td class="num">${duration(stat.meanSeconds)}</td>` +
    `<td>${measured} of ${measured + missing} measured, ${missing} missing</td></tr>`
  );
}

function summarySection(data: StatsReportData): string {
  const incidents = finiteCount(data.incidents);
  return `<section id="summary" class="headline" aria-labelledby="summary-heading">
<h2 id="summary-heading">Summary</h2>
<p class="count"><strong>${incidents}</strong> ${incidents === 1 ? 'incident' : 'incidents'} in this window.</p>
<ul class="answers">
<li class="trend">${escapeHtml(trendSentence(data.weekly))}</li>
<li class="cause">${causeSentence(data)}</li>
<li class="recurring">${recurringSentence(data)}</li>
</ul>
<table class="durations">
<caption>How long incidents took</caption>
<thead><tr><th scope="col">Metric</th><th scope="col">p50</th><th scope="col">p90</th><th scope="col">Mean</th><th scope="col">Incidents measured</th></tr></thead>
<tbody>
${durationRow('Time to acknowledge', data.timeToAcknowledge)}
${durationRow('Time to mitigate', data.timeToMitigate)}
${durationRow('Time to resolve', data.timeToResolve)}
</tbody>
</table>
</section>`;
}

/** Weekly counts per category; anything a week's total has beyond its categories counts as unclassified. */
function weeklyCategoryChart(weekly: WeeklyStat[]): string {
  const bars = weekly.map((week) => {
    const values: Record<string, number> = {};
    for (const [category, count] of Object.entries(week.byCategory)) values[category] = finiteCount(count);
    const categorised = Object.values(values).reduce((sum, count) => sum + count, 0);
    const rest = finiteCount(week.total) - categorised;
    if (rest > 0) values[UNCLASSIFIED] = (values[UNCLASSIFIED] ?? 0) + rest;
    return { label: week.weekStart, values };
  });
  const present = new Set(bars.flatMap((bar) => Object.keys(bar.values).filter((key) => bar.values[key] > 0)));
  const known: readonly string[] = CHART_CATEGORIES;
  const categories = [...known.filter((c) => present.has(c)), ...[...present].filter((c) => !known.includes(c)).sort()];
  return stackedBarChart({ title: 'Incidents per week by cause category', categories, bars, yLabel: 'Incidents', xLabel: 'Week starting (Monday, UTC)' });
}

function figure(chart: string, caption: string): string {
  return `<figure class="chart">${chart}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

function chartsSections(data: StatsReportData): string {
  const resolveChart = lineChart({
    title: 'Time to resolve per week',
    yLabel: 'Time to resolve',
    xLabel: 'Week starting (Monday, UTC)',
    seriesOrder: ['p50', 'p90'],
    format: formatDuration,
    points: data.weekly.map((week) => ({
      label: week.weekStart,
      series: { p50: finiteOrNull(week.timeToResolve.p50Seconds), p90: finiteOrNull(week.timeToResolve.p90Seconds) },
    })),
    emptyMessage: 'No resolved incidents in this window',
  });
  const recurring = [...data.recurring].sort((a, b) => finiteCount(b.count) - finiteCount(a.count)).slice(0, TOP_RECURRING_IN_CHART);
  const recurringChart = horizontalBarChart({
    title: 'Top recurring causes',
    valueLabel: 'Incidents',
    bars: recurring.map((r) => ({
      label: `${r.service} · ${r.category}`,
      value: finiteCount(r.count),
      note: r.refs.length > 3 ? `${r.refs.slice(0, 3).join(', ')} +${r.refs.length - 3}` : r.refs.join(', '),
      category: r.category,
    })),
    emptyMessage: 'Nothing recurred in this window',
  });
  return `<section id="weekly-incidents" aria-labelledby="weekly-incidents-heading">
<h2 id="weekly-incidents-heading">Incidents per week</h2>
${figure(weeklyCategoryChart(data.weekly), 'Each bar is one week, stacked by the confirmed cause; hatched white means no cause has been confirmed yet.')}
</section>
<section id="time-to-resolve" aria-labelledby="time-to-resolve-heading">
<h2 id="time-to-resolve-heading">Time to resolve</h2>
${figure(resolveChart, 'Median (p50, solid) and 90th percentile (p90, dashed) time from opening to resolution for incidents opened that week. A gap means no incident of that week was resolved.')}
</section>
<section id="recurring" aria-labelledby="recurring-heading">
<h2 id="recurring-heading">Recurring causes</h2>
${figure(recurringChart, 'The same service with the same confirmed cause category on more than one incident in this window.')}
${recurringTable(data.recurring)}
</section>`;
}

function recurringTable(recurring: StatsReportData['recurring']): string {
  const rows = [...recurring]
    .sort((a, b) => finiteCount(b.count) - finiteCount(a.count) || a.service.localeCompare(b.service))
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.service)}</td><td>${escapeHtml(r.category)}</td><td class="num">${finiteCount(r.count)}</td>` +
        `<td class="refs">${r.refs.map((ref) => escapeHtml(ref)).join(', ')}</td></tr>`,
    );
  return `<table class="recurring">
<thead><tr><th scope="col">Service</th><th scope="col">Cause category</th><th scope="col">Incidents</th><th scope="col">Incidents (refs)</th></tr></thead>
<tbody>
${rows.length ? rows.join('\n') : '<tr><td colspan="4" class="empty">Nothing recurred in this window.</td></tr>'}
</tbody>
</table>`;
}

function breakdownTable(heading: string, id: string, counts: Record<string, number>, keyHeader: string): string {
  const entries = ranked(counts);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  const rows = entries.map(
    ([key, count]) => `<tr><td>${escapeHtml(key)}</td><td class="num">${count}</td><td class="num">${percent(count, total)}</td></tr>`,
  );
  return `<div class="breakdown-table">
<h3 id="${id}">${escapeHtml(heading)}</h3>
<table aria-labelledby="${id}">
<thead><tr><th scope="col">${escapeHtml(keyHeader)}</th><th scope="col">Incidents</th><th scope="col">Share</th></tr></thead>
<tbody>
${rows.length ? rows.join('\n') : '<tr><td colspan="3" class="empty">No incidents in this window.</td></tr>'}
</tbody>
</table>
</div>`;
}

function breakdownSection(data: StatsReportData): string {
  return `<section id="breakdown" aria-labelledby="breakdown-heading">
<h2 id="breakdown-heading">Breakdown</h2>
<div class="breakdowns">
${breakdownTable('By cause category', 'by-category', data.byCategory, 'Category')}
${breakdownTable('By service', 'by-service', data.byService, 'Service')}
${breakdownTable('By severity', 'by-severity', data.bySeverity, 'Severity')}
${breakdownTable('By gateway', 'by-gateway', data.byGateway, 'Gateway')}
</div>
</section>`;
}

function stepsSection(steps: StatsReportData['steps']): string {
  const best = Math.max(0, ...steps.map((step) => finiteCount(step.foundCause)));
  const rows = steps.map((step) => {
    const found = finiteCount(step.foundCause);
    const completed = finiteCount(step.completed);
    const mark = best > 0 && found === best ? ' <span class="badge">found the cause most often</span>' : '';
    return (
      `<tr${mark ? ' class="best"' : ''}><td>${escapeHtml(step.title)} <code>${escapeHtml(step.key)}</code>${mark}</td>` +
      `<td class="num">${found}</td><td class="num">${completed}</td><td class="num">${percent(found, completed)}</td>` +
      `<td class="num">${duration(step.medianSecondsSpent)}</td></tr>`
    );
  });
  return `<section id="steps" aria-labelledby="steps-heading">
<h2 id="steps-heading">Runbook steps</h2>
<p class="note">Which diagnosis steps pointed at the confirmed cause, and how long people spent on them.</p>
<table class="steps">
<thead><tr><th scope="col">Step</th><th scope="col">Found the cause</th><th scope="col">Completed</th><th scope="col">Found / completed</th><th scope="col">Median time spent</th></tr></thead>
<tbody>
${rows.length ? rows.join('\n') : '<tr><td colspan="5" class="empty">No runbook steps were worked in this window.</td></tr>'}
</tbody>
</table>
</section>`;
}

function scopeLine(data: StatsReportData): string {
  const parts = [
    `${displayTime(data.from)} – ${displayTime(data.to)}`,
    data.service ? `service ${data.service}` : 'all services',
    data.severity ? `severity ${data.severity}` : 'all severities',
    data.gateway ? `gateway ${data.gateway}` : 'all gateways',
  ];
  return `<p class="scope">${parts.map((part) => escapeHtml(part)).join(' · ')}</p>
<p class="generated">Generated ${escapeHtml(displayTime(data.generatedAt))}</p>`;
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1f24; background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .8rem; padding-bottom: .25rem; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.scope { margin: 0; font-weight: 600; }
.generated, .note, figcaption { color: #57606a; font-size: .88rem; margin: .2rem 0; }
.headline { border: 1px solid #d0d7de; border-left: 4px solid #0072B2; border-radius: 6px; padding: .2rem 1.2rem 1rem; margin-top: 1.5rem; }
.headline h2 { border: 0; margin-top: .8rem; }
.headline .count { font-size: 1.15rem; margin: .2rem 0 .6rem; }
.headline .count strong { font-size: 1.8rem; }
.answers { margin: 0 0 1rem; padding-left: 1.2rem; }
.answers li { margin: .25rem 0; }
figure.chart { margin: 1rem 0; }
figure.chart svg { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .88rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { background: #f6f8fa; overflow-wrap: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.empty { color: #57606a; font-style: italic; }
code { font: .85em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #57606a; }
.badge { display: inline-block; font-size: .75rem; border: 1px solid #009E73; color: #00684a; border-radius: 999px; padding: 0 .45rem; margin-left: .3rem; }
.breakdowns { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 0 1.5rem; }
@media print {
  @page { margin: 14mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure.chart, table, .headline, .breakdown-table { break-inside: avoid; page-break-inside: avoid; }
  thead th { background: none; }
  .headline { border-left-width: 1px; }
}
`;

/** The whole report as an HTML5 document; every string from the data is escaped. */
export function renderStatsReport(data: StatsReportData): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<title>${REPORT_TITLE}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${REPORT_TITLE}</h1>
${scopeLine(data)}
</header>
${summarySection(data)}
${chartsSections(data)}
${breakdownSection(data)}
${stepsSection(data.steps)}
</main>
</body>
</html>
`;
}
