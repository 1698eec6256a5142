import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHART_CATEGORIES,
  CAUSE_CATEGORY_STYLES,
  durationTicks,
  escapeXml,
  formatDuration,
  horizontalBarChart,
  lineChart,
  niceTicks,
  stackedBarChart,
  type StackedBarChartInput,
} from './svg-charts.js';

/** A small tag-balance check: every opened element is closed in order; self-closing tags stand alone. */
function assertBalancedMarkup(markup: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)([^<>]*?)(\/?)>/g;
  for (const match of markup.matchAll(tag)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing) continue;
    if (closing) {
      const open = stack.pop();
      assert.equal(open, name, `</${name}> closes <${open ?? 'nothing'}> at ${match.index}`);
    } else stack.push(name);
  }
  assert.deepEqual(stack, [], 'every element is closed');
  // No stray angle brackets outside tags, and every ampersand starts an entity.
  assert.equal(markup.replace(tag, '').search(/[<>]/), -1, 'no raw < or > outside tags');
  assert.equal(markup.search(/&(?!(amp|lt|gt|quot|#\d+);)/), -1, 'every & is an entity');
}

function svgChecks(svg: string): void {
  assertBalancedMarkup(svg);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /viewBox="0 0 720 [\d.]+"/);
  assert.match(svg, /width="100%"/);
  assert.match(svg, /role="img"/);
  assert.match(svg, /aria-label="[^"]+"/);
  assert.match(svg, /^<svg[^>]*><title>[^<]+<\/title>/, 'a <title> is the first child');
  assert.doesNotMatch(svg, /<script|<foreignObject|@import|href=/i);
  assert.doesNotMatch(svg.replace('http://www.w3.org/2000/svg', ''), /https?:/, 'no external resource');
  assert.doesNotMatch(svg, /NaN|undefined|Infinity/);
}

function attr(element: string, name: string): string {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(element);
  assert.ok(match, `${name} on ${element.slice(0, 80)}`);
  return match[1];
}

function elements(svg: string, pattern: RegExp): string[] {
  return [...svg.matchAll(pattern)].map((m) => m[0]);
}

const bars = (svg: string) => elements(svg, /<rect class="bar"[^>]*>/g);
const tickLabels = (svg: string, axis: 'x' | 'y') =>
  [...svg.matchAll(new RegExp(`<text[^>]*class="tick ${axis}-tick"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);

describe('formatDuration', () => {
  const table: [number, string][] = [
    [0, '0s'],
    [45, '45s'],
    [59.4, '59s'],
    [59.6, '1m'],
    [90, '2m'],
    [12 * 60, '12m'],
    [12 * 60 + 20, '12m'],
    [3600, '1h'],
    [3600 + 5 * 60, '1h 05m'],
    [3599, '1h'],
    [23 * 3600 + 59 * 60, '23h 59m'],
    [24 * 3600, '1d'],
    [2 * 86400 + 3 * 3600, '2d 3h'],
    [2 * 86400 + 3 * 3600 + 20 * 60, '2d 3h'],
    [-90, '-2m'],
    [Number.NaN, 'n/a'],
    [Number.POSITIVE_INFINITY, 'n/a'],
  ];
  for (const [seconds, expected] of table) {
    it(`${seconds} s → ${expected}`, () => assert.equal(formatDuration(seconds), expected));
  }
});

describe('axis ticks', () => {
  it('uses integer 1-2-5 steps for counts', () => {
    assert.deepEqual(niceTicks(4, true), { max: 4, ticks: [0, 1, 2, 3, 4] });
    assert.deepEqual(niceTicks(7, true), { max: 8, ticks: [0, 2, 4, 6, 8] });
    assert.deepEqual(niceTicks(23, true), { max: 25, ticks: [0, 5, 10, 15, 20, 25] });
    assert.deepEqual(niceTicks(0.4, true), { max: 1, ticks: [0, 1] });
    assert.deepEqual(niceTicks(0, true), { max: 1, ticks: [0, 1] });
  });

  it('allows fractional steps for plain numbers', () => {
    assert.deepEqual(niceTicks(0.9, false).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('uses round durations for seconds', () => {
    assert.deepEqual(durationTicks(5400), { max: 5400, ticks: [0, 1800, 3600, 5400] });
    assert.deepEqual(durationTicks(40), { max: 40, ticks: [0, 10, 20, 30, 40] });
    assert.deepEqual(durationTicks(45), { max: 50, ticks: [0, 10, 20, 30, 40, 50] });
    assert.deepEqual(durationTicks(0), { max: 60, ticks: [0, 15, 30, 45, 60] });
    assert.equal(durationTicks(3 * 86400).ticks[1], 86400);
  });
});

describe('escapeXml', () => {
  it('escapes markup characters and drops forbidden control characters', () => {
    assert.equal(escapeXml(`<a href="x">'&'</a>\u0001`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('stackedBarChart', () => {
  const input: StackedBarChartInput = {
    title: 'Incidents per week',
    categories: ['UPSTREAM_DOWN', 'DNS'],
    bars: [
      { label: '2026-11-02', values: { UPSTREAM_DOWN: 2, DNS: 1 } },
      { label: '2026-11-09', values: { UPSTREAM_DOWN: 4 } },
      { label: '2026-11-16', values: {} },
    ],
  };

  it('draws bar heights proportional to the values on a nice integer axis', () => {
    const svg = stackedBarChart(input);
    svgChecks(svg);
    const rects = bars(svg);
    assert.equal(rects.length, 3, 'zero values draw nothing');
    const [down1, dns1, down2] = rects;
    // Axis 0..4 over a 200-unit plot: 50 units per incident.
    assert.equal(Number(attr(down1, 'height')), 100);
    assert.equal(Number(attr(dns1, 'height')), 50);
    assert.equal(Number(attr(down2, 'height')), 200);
    assert.equal(Number(attr(dns1, 'y')) + 50, Number(attr(down1, 'y')), 'DNS is stacked on top of UPSTREAM_DOWN');
    assert.equal(Number(attr(down1, 'y')) + 100, Number(attr(down2, 'y')) + 200, 'bars share a baseline');
    assert.deepEqual(tickLabels(svg, 'y'), ['0', '1', '2', '3', '4']);
    assert.deepEqual(tickLabels(svg, 'x'), ['2026-11-02', '2026-11-09', '2026-11-16']);
  });

  it('has axis labels, a legend and tooltips', () => {
    const svg = stackedBarChart(input);
    assert.match(svg, /class="axis-label"[^>]*>Incidents<\/text>/);
    assert.match(svg, /class="axis-label"[^>]*>Week starting<\/text>/);
    assert.match(svg, /<g class="legend"[^>]*>.*>UPSTREAM_DOWN<\/text>.*>DNS<\/text>/);
    assert.match(svg, /<title>2026-11-02 · DNS: 1<\/title>/);
    assert.match(svg, /<title>2026-11-09: 4 in total<\/title>/);
  });

  it('keeps a category\'s colour whatever the order, and hatches the unclassified', () => {
    const first = stackedBarChart({ ...input, categories: ['UPSTREAM_DOWN', 'DNS'] });
    const second = stackedBarChart({ ...input, categories: ['DNS', 'UPSTREAM_DOWN'] });
    for (const svg of [first, second]) {
      const down = bars(svg).find((rect) => attr(rect, 'data-series') === 'UPSTREAM_DOWN');
      assert.ok(down);
      assert.equal(attr(down, 'fill'), CAUSE_CATEGORY_STYLES.UPSTREAM_DOWN.fill);
    }
    const unclassified = stackedBarChart({ title: 't', categories: ['UNCLASSIFIED'], bars: [{ label: 'w', values: { UNCLASSIFIED: 1 } }] });
    svgChecks(unclassified);
    const patternId = /<pattern id="([^"]+)"/.exec(unclassified)?.[1];
    assert.ok(patternId);
    assert.equal(attr(bars(unclassified)[0], 'fill'), `url(#${patternId})`);
  });

  it('gives every known cause category a distinct paint', () => {
    const paints = CHART_CATEGORIES.map((c) => JSON.stringify(CAUSE_CATEGORY_STYLES[c]));
    assert.equal(new Set(paints).size, CHART_CATEGORIES.length);
  });

  it('stacks categories that are not listed after the listed ones rather than dropping them', () => {
    const svg = stackedBarChart({ title: 't', categories: ['DNS'], bars: [{ label: 'w', values: { DNS: 1, MYSTERY: 2 } }] });
    assert.deepEqual(bars(svg).map((rect) => attr(rect, 'data-series')), ['DNS', 'MYSTERY']);
    assert.match(svg, />MYSTERY<\/text>/);
  });

  it('escapes every label and ignores unsafe colours', () => {
    const svg = stackedBarChart({
      title: 'Week <script>alert(1)</script> & more',
      categories: ['<script>x</script>'],
      bars: [{ label: 'A&B "w"', values: { '<script>x</script>': 3 } }],
      colors: { '<script>x</script>': 'red" onload="alert(1)' },
    });
    svgChecks(svg);
    assert.doesNotMatch(svg, /onload/);
    assert.match(svg, /Week &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; more/);
    assert.match(svg, />A&amp;B &quot;w&quot;</);
  });

  it('applies a safe colour override', () => {
    const svg = stackedBarChart({ title: 't', categories: ['DNS'], bars: [{ label: 'w', values: { DNS: 1 } }], colors: { DNS: '#123456' } });
    assert.equal(attr(bars(svg)[0], 'fill'), '#123456');
  });

  it('says so when there are no incidents', () => {
    for (const svg of [
      stackedBarChart({ title: 'Incidents per week', categories: ['DNS'], bars: [] }),
      stackedBarChart({ title: 'Incidents per week', categories: ['DNS'], bars: [{ label: 'w', values: { DNS: 0 } }] }),
    ]) {
      svgChecks(svg);
      assert.match(svg, /class="empty-message"[^>]*>No incidents in this window<\/text>/);
      assert.match(svg, /aria-label="Incidents per week: No incidents in this window"/);
      assert.equal(bars(svg).length, 0);
    }
  });

  it('thins week labels so they do not overlap', () => {
    const many = Array.from({ length: 52 }, (_, i) => ({ label: `2026-W${String(i + 1).padStart(2, '0')}-xx`, values: { DNS: 1 } }));
    const svg = stackedBarChart({ title: 't', categories: ['DNS'], bars: many });
    svgChecks(svg);
    const labels = tickLabels(svg, 'x');
    assert.ok(labels.length > 3 && labels.length < 52, `${labels.length} labels`);
    assert.equal(labels[0], '2026-W01-xx');
  });

  it('gives different charts different pattern ids', () => {
    const a = stackedBarChart({ title: 'a', categories: ['UNCLASSIFIED'], bars: [{ label: 'w', values: { UNCLASSIFIED: 1 } }] });
    const b = stackedBarChart({ title: 'b', categories: ['UNCLASSIFIED'], bars: [{ label: 'w', values: { UNCLASSIFIED: 1 } }] });
    assert.notEqual(/<pattern id="([^"]+)"/.exec(a)?.[1], /<pattern id="([^"]+)"/.exec(b)?.[1]);
  });
});

describe('lineChart', () => {
  const week = (i: number) => `2026-11-${String(2 + i).padStart(2, '0')}`;

  it('splits a line at nulls and marks a point that stands alone', () => {
    const p50 = [600, 1200, null, 900, 1500, null, 300];
    const p90 = [1800, 2400, 3000, 3600, 4200, 4800, 5400];
    const svg = lineChart({
      title: 'Time to resolve',
      yLabel: 'Time to resolve',
      seriesOrder: ['p50', 'p90'],
      format: formatDuration,
      points: p50.map((value, i) => ({ label: week(i), series: { p50: value, p90: p90[i] } })),
    });
    svgChecks(svg);
    const paths = elements(svg, /<path class="series-line"[^>]*>/g);
    const p50Paths = paths.filter((p) => attr(p, 'data-series') === 'p50');
    const p90Paths = paths.filter((p) => attr(p, 'data-series') === 'p90');
    assert.equal(p50Paths.length, 2, 'two runs of p50');
    assert.equal(p90Paths.length, 1, 'p90 has no gap');
    for (const path of p50Paths) assert.equal((attr(path, 'd').match(/M/g) ?? []).length, 1);
    assert.equal((attr(p50Paths[0], 'd').match(/L/g) ?? []).length, 1, 'first run joins two points');
    const isolated = elements(svg, /<[a-z]+ [^>]*data-isolated="true"[^>]*>/g);
    assert.equal(isolated.length, 1);
    assert.equal(attr(isolated[0], 'data-series'), 'p50');
    assert.match(svg, /<title>2026-11-08 · p50: 5m<\/title>/);
    assert.ok(attr(p90Paths[0], 'stroke-dasharray'), 'the second series is dashed for print');
  });

  it('labels duration ticks with formatDuration and plots values to scale', () => {
    const svg = lineChart({
      title: 'TTR',
      yLabel: 'Time to resolve',
      seriesOrder: ['p50'],
      format: formatDuration,
      points: [
        { label: 'a', series: { p50: 0 } },
        { label: 'b', series: { p50: 5400 } },
      ],
    });
    assert.deepEqual(tickLabels(svg, 'y'), ['0s', '30m', '1h', '1h 30m']);
    const d = attr(elements(svg, /<path class="series-line"[^>]*>/g)[0], 'd');
    const ys = [...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    assert.equal(ys[0] - ys[1], 200, '0 → 5400 s spans the whole 200-unit plot');
    assert.match(svg, /class="axis-label"[^>]*>Time to resolve<\/text>/);
  });

  it('draws a single point as a marker, not a path', () => {
    const svg = lineChart({ title: 't', yLabel: 'y', seriesOrder: ['p50'], points: [{ label: 'only', series: { p50: 3 } }] });
    svgChecks(svg);
    assert.equal(elements(svg, /<path class="series-line"/g).length, 0);
    assert.equal(elements(svg, /class="point"/g).length, 1);
    assert.match(svg, /<g class="legend"[^>]*>.*>p50<\/text>/);
  });

  it('says so when nothing was measured', () => {
    const svg = lineChart({ title: 'TTR', yLabel: 'y', seriesOrder: ['p50'], points: [{ label: 'w', series: { p50: null } }] });
    svgChecks(svg);
    assert.match(svg, /No data in this window/);
    const none = lineChart({ title: 'TTR', yLabel: 'y', seriesOrder: ['p50'], points: [] });
    svgChecks(none);
  });

  it('escapes series names and labels', () => {
    const svg = lineChart({ title: 't', yLabel: '<y>', seriesOrder: ['<b>&'], points: [{ label: '"x"', series: { '<b>&': 1 } }] });
    svgChecks(svg);
    assert.match(svg, /&lt;b&gt;&amp;/);
  });
});

describe('horizontalBarChart', () => {
  it('draws widths proportional to values, with notes and a legend', () => {
    const svg = horizontalBarChart({
      title: 'Top recurring causes',
      bars: [
        { label: 'checkout · UPSTREAM_TIMEOUT', value: 4, note: 'INC-1, INC-2', category: 'UPSTREAM_TIMEOUT' },
        { label: 'search · DNS', value: 2, category: 'DNS' },
        { label: 'search · DNS & <more>', value: 1, category: 'DNS' },
      ],
    });
    svgChecks(svg);
    const widths = bars(svg).map((rect) => Number(attr(rect, 'width')));
    assert.ok(widths[0] > 0);
    assert.ok(Math.abs(widths[0] / widths[1] - 2) < 1e-3);
    assert.ok(Math.abs(widths[0] / widths[2] - 4) < 1e-3);
    assert.match(svg, />4 · INC-1, INC-2<\/text>/);
    assert.match(svg, /search · DNS &amp; &lt;more&gt;/);
    assert.match(svg, /<g class="legend"[^>]*>.*>UPSTREAM_TIMEOUT<\/text>.*>DNS<\/text>/);
    assert.equal(attr(bars(svg)[1], 'fill'), CAUSE_CATEGORY_STYLES.DNS.fill);
    assert.deepEqual(tickLabels(svg, 'x'), ['0', '1', '2', '3', '4']);
  });

  it('truncates long labels but keeps them whole in the tooltip', () => {
    const long = 'a-very-long-service-name-that-goes-on · UPSTREAM_TIMEOUT';
    const svg = horizontalBarChart({ title: 't', bars: [{ label: long, value: 1 }] });
    svgChecks(svg);
    assert.match(svg, /class="bar-label"[^>]*>[^<]*…<\/text>/);
    assert.ok(svg.includes(`<title>${long}: 1</title>`));
    assert.match(svg, />Incidents<\/text>/, 'single-series legend');
  });

  it('says so when empty', () => {
    const svg = horizontalBarChart({ title: 'Top recurring causes', bars: [] });
    svgChecks(svg);
    assert.match(svg, /Nothing recurred in this window/);
  });
});
