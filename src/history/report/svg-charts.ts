// Server-rendered SVG charts for the reliability report. They need no script, no web fonts and no
// external resources, so they render under a `default-src 'none'` CSP, without JavaScript and on paper.
// Every piece of caller text goes through escapeXml; colours are checked before they reach an attribute.
import { createHash } from 'node:crypto';
import { CAUSE_CATEGORIES } from '../../diagnosis/cause-category.js';

// ---------------------------------------------------------------------------------------------------------------
// Palette

/** Okabe & Ito's colour-blind-safe palette. */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

/** How a series is painted: a flat fill, optionally with diagonal hatching in `hatch` ink. */
export interface SeriesStyle {
  fill: string;
  hatch?: string;
}

/** Known cause categories in the order charts stack and list them. UNCLASSIFIED = no confirmed cause. */
export const CHART_CATEGORIES = [...CAUSE_CATEGORIES, 'UNCLASSIFIED'] as const;

// Eleven categories but eight Okabe-Ito colours: the three extra ones are told apart by hatching and greys,
// which also keeps them distinct when printed in black and white.
export const CAUSE_CATEGORY_STYLES: Readonly<Record<string, SeriesStyle>> = {
  UPSTREAM_DOWN: { fill: OKABE_ITO.vermillion },
  UPSTREAM_TIMEOUT: { fill: OKABE_ITO.orange },
  UPSTREAM_RESET: { fill: OKABE_ITO.reddishPurple },
  GATEWAY_CONFIG: { fill: OKABE_ITO.blue },
  TLS: { fill: OKABE_ITO.bluishGreen },
  DNS: { fill: OKABE_ITO.skyBlue },
  NETWORK: { fill: OKABE_ITO.yellow },
  CDN_EDGE: { fill: OKABE_ITO.skyBlue, hatch: OKABE_ITO.blue },
  CAPACITY: { fill: OKABE_ITO.black },
  UNKNOWN: { fill: '#999999' },
  UNCLASSIFIED: { fill: '#FFFFFF', hatch: '#888888' },
};

/** Colours for series that are not cause categories, in the order they are handed out. */
const FALLBACK_COLOURS = [
  OKABE_ITO.blue,
  OKABE_ITO.vermillion,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.orange,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.yellow,
  OKABE_ITO.black,
];

/** The fill colour of a cause category (its base colour when hatched); a neutral grey when unknown. */
export function categoryColor(category: string): string {
  return CAUSE_CATEGORY_STYLES[category]?.fill ?? '#999999';
}

// Only plain colour syntaxes may reach an attribute: hex, a colour keyword, or rgb()/rgba() with numbers.
const SAFE_COLOUR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9.,%\s]{5,40}\))$/;

// ---------------------------------------------------------------------------------------------------------------
// Text

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for XML/HTML text and double- or single-quoted attributes; drops characters XML 1.0 forbids. */
export function escapeXml(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex -- these control characters are exactly what XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[&<>"']/g, (ch) => XML_ENTITIES[ch])
  );
}

/**
 * A duration for people: `45s`, `12m`, `1h 05m`, `2d 3h`. Rounds to the unit shown, drops a zero
 * second part (`2h`, `3d`), and says `n/a` for a value that is not a finite number.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  const wholeSeconds = Math.round(seconds);
  if (wholeSeconds < 60) return `${wholeSeconds}s`;
  const minutes = Math.round(wholeSeconds / 60);
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 24 * 60) {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return rest === 0 ? `${hours}h` : `${hours}h ${String(rest).padStart(2, '0')}m`;
  }
  const totalHours = Math.round(wholeSeconds / 3600);
  const days = Math.floor(totalHours / 24);
  const rest = totalHours % 24;
  return rest === 0 ? `${days}d` : `${days}d ${rest}h`;
}

/** A plain number with at most two decimals and no float noise (0.30000000000000004 → 0.3). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return String(Math.round(value * 100) / 100);
}

// ---------------------------------------------------------------------------------------------------------------
// Scales

/** Upper bound and tick values of a y (or x) axis that starts at 0. */
export interface AxisTicks {
  max: number;
  ticks: number[];
}

const TARGET_TICKS = 5;

/** Ticks at 1, 2 or 5 × 10^k; integers only when `integers` (counts of incidents). */
export function niceTicks(maxValue: number, integers: boolean): AxisTicks {
  const top = Number.isFinite(maxValue) && maxValue > 0 ? maxValue : 1;
  const raw = top / TARGET_TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = 10 * magnitude;
  for (const multiple of [1, 2, 5, 10]) {
    if (multiple * magnitude >= raw) {
      step = multiple * magnitude;
      break;
    }
  }
  if (integers) step = Math.max(1, Math.ceil(step));
  return ticksFor(top, step);
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
// Steps that read as round durations on an axis.
const DURATION_STEPS = [
  1, 2, 5, 10, 15, 30,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY,
];

/** Ticks at round durations (15m, 1h, 6h, 1d …) for a value in seconds. */
export function durationTicks(maxSeconds: number): AxisTicks {
  const top = Number.isFinite(maxSeconds) && maxSeconds > 0 ? maxSeconds : MINUTE;
  const step =
    DURATION_STEPS.find((candidate) => Math.ceil(top / candidate) <= TARGET_TICKS) ??
    28 * DAY * Math.ceil(top / (28 * DAY * TARGET_TICKS));
  return ticksFor(top, step);
}

function ticksFor(top: number, step: number): AxisTicks {
  const count = Math.max(1, Math.ceil(top / step - 1e-9));
  const ticks: number[] = [];
  for (let i = 0; i <= count; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { max: ticks[ticks.length - 1], ticks };
}

// ---------------------------------------------------------------------------------------------------------------
// Layout and drawing helpers

const WIDTH = 720;
const FONT_FAMILY = `system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif`;
const INK = '#1b1f24';
const MUTED = '#57606a';
const GRID = '#d8dee4';
const TITLE_Y = 22;
const PLOT_TOP = 44;
const PLOT_HEIGHT = 200;
const LEGEND_ROW = 18;

/** Coordinates with at most two decimals keep the markup short and the output stable. */
function r(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A rough, generous width of sans-serif text (capitals are wide); used only for spacing and truncation. */
function approxTextWidth(text: string, fontSize: number): number {
  let ems = 0;
  for (const ch of text) {
    if (/[A-Z0-9_@#%&MW]/.test(ch)) ems += 0.7;
    else if (/[\s.,:;'|!il·]/.test(ch)) ems += 0.32;
    else ems += 0.58;
  }
  return ems * fontSize;
}

/** Cuts text to fit maxWidth at fontSize, ending in an ellipsis when cut. */
function fitText(text: string, maxWidth: number, fontSize: number): string {
  if (approxTextWidth(text, fontSize) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 1 && approxTextWidth(`${chars.join('')}…`, fontSize) > maxWidth) chars.pop();
  return `${chars.join('')}…`;
}

function cleanValue(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${r(x)}" y="${r(y)}"${attributes ? ` ${attributes}` : ''}>${escapeXml(content)}</text>`;
}

/** Short stable id so patterns of several charts inlined in one page never collide. */
function chartId(kind: string, input: unknown): string {
  return `sw${kind[0]}${createHash('sha1').update(kind).update(JSON.stringify(input) ?? '').digest('hex').slice(0, 8)}`;
}

/** Resolves each series to a paint (a colour or a url(#pattern)) and collects the pattern defs. */
class Painter {
  private readonly defs: string[] = [];
  private readonly paints = new Map<string, string>();
  private fallbackIndex = 0;

  constructor(
    private readonly id: string,
    private readonly overrides: Record<string, string> | undefined,
  ) {}

  paint(series: string, preferCategory = true): string {
    const known = this.paints.get(series);
    if (known) return known;
    const override = this.overrides?.[series];
    let style: SeriesStyle;
    if (override !== undefined && SAFE_COLOUR.test(override)) style = { fill: override };
    else if (preferCategory && CAUSE_CATEGORY_STYLES[series]) style = CAUSE_CATEGORY_STYLES[series];
    else style = { fill: FALLBACK_COLOURS[this.fallbackIndex++ % FALLBACK_COLOURS.length] };
    const value = style.hatch ? this.hatch(style) : style.fill;
    this.paints.set(series, value);
    return value;
  }

  /** Plain colour of a series, for strokes and markers (a pattern cannot colour a line). */
  colour(series: string): string {
    const value = this.paint(series, false);
    return value.startsWith('url(') ? INK : value;
  }

  defsMarkup(): string {
    return this.defs.length ? `<defs>${this.defs.join('')}</defs>` : '';
  }

  private hatch(style: SeriesStyle): string {
    const patternId = `${this.id}-p${this.defs.length}`;
    this.defs.push(
      `<pattern id="${patternId}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
        `<rect width="6" height="6" fill="${style.fill}"/>` +
        `<line x1="0" y1="0" x2="0" y2="6" stroke="${style.hatch}" stroke-width="2.5"/></pattern>`,
    );
    return `url(#${patternId})`;
  }
}

type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond';
const MARKER_SHAPES: MarkerShape[] = ['circle', 'square', 'triangle', 'diamond'];
const DASHES = ['', '7 4', '2 3', '9 3 2 3'];

function marker(shape: MarkerShape, x: number, y: number, colour: string, title: string, attributes: string): string {
  const tooltip = title ? `<title>${escapeXml(title)}</title>` : '';
  const common = `fill="${colour}" stroke="#ffffff" stroke-width="1" ${attributes}`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${r(x)}" cy="${r(y)}" r="4" ${common}>${tooltip}</circle>`;
    case 'square':
      return `<rect x="${r(x - 3.5)}" y="${r(y - 3.5)}" width="7" height="7" ${common}>${tooltip}</rect>`;
    case 'triangle':
      return `<path d="M${r(x)} ${r(y - 4.5)}L${r(x + 4.5)} ${r(y + 3.5)}L${r(x - 4.5)} ${r(y + 3.5)}Z" ${common}>${tooltip}</path>`;
    case 'diamond':
      return `<path d="M${r(x)} ${r(y - 5)}L${r(x + 5)} ${r(y)}L${r(x)} ${r(y + 5)}L${r(x - 5)} ${r(y)}Z" ${common}>${tooltip}</path>`;
  }
}

interface LegendItem {
  label: string;
  paint: string;
  line?: { dash: string; shape: MarkerShape };
}

/** Lays legend items out in rows between left and right; returns markup and the height used. */
function legend(items: LegendItem[], left: number, right: number, top: number): { markup: string; height: number } {
  const parts: string[] = [];
  let x = left;
  let row = 0;
  for (const item of items) {
    const width = 26 + approxTextWidth(item.label, 11) + 16;
    if (x > left && x + width > right) {
      row++;
      x = left;
    }
    const y = top + row * LEGEND_ROW;
    if (item.line) {
      const dash = item.line.dash ? ` stroke-dasharray="${item.line.dash}"` : '';
      parts.push(`<line x1="${r(x)}" y1="${r(y)}" x2="${r(x + 20)}" y2="${r(y)}" stroke="${item.paint}" stroke-width="2.5"${dash}/>`);
      parts.push(marker(item.line.shape, x + 10, y, item.paint, '', ''));
    } else {
      parts.push(`<rect x="${r(x)}" y="${r(y - 6)}" width="20" height="12" fill="${item.paint}" stroke="${INK}" stroke-width="0.6"/>`);
    }
    parts.push(text(x + 26, y + 4, item.label, `fill="${INK}"`));
    x += width;
  }
  const markup = items.length ? `<g class="legend" aria-hidden="true">${parts.join('')}</g>` : '';
  return { markup, height: items.length ? (row + 1) * LEGEND_ROW : 0 };
}

function svgRoot(id: string, height: number, title: string, ariaLabel: string, defs: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${id}" class="sw-chart" viewBox="0 0 ${WIDTH} ${r(height)}" width="100%" ` +
    `preserveAspectRatio="xMidYMid meet" role="img" aria-label="${escapeXml(ariaLabel)}" ` +
    `font-family="${FONT_FAMILY}" font-size="11">` +
    `<title>${escapeXml(title)}</title>${defs}` +
    `<rect class="background" x="0" y="0" width="${WIDTH}" height="${r(height)}" fill="#ffffff"/>` +
    text(WIDTH / 2, TITLE_Y, title, `text-anchor="middle" font-size="15" font-weight="600" fill="${INK}"`) +
    body +
    `</svg>`
  );
}

/** The chart shown when there is nothing to plot: a framed box that says so, never a blank space. */
function emptyChart(kind: string, title: string, message: string): string {
  const id = chartId(kind, { title, message });
  const height = PLOT_TOP + 120 + 16;
  const body =
    `<rect class="empty-frame" x="16" y="${PLOT_TOP}" width="${WIDTH - 32}" height="120" fill="none" stroke="${GRID}" stroke-width="1.5" stroke-dasharray="6 4"/>` +
    text(WIDTH / 2, PLOT_TOP + 64, message, `class="empty-message" text-anchor="middle" font-size="14" fill="${MUTED}"`);
  return svgRoot(id, height, title, `${title}: ${message}`, '', body);
}

interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Horizontal grid lines with labels on the left, and the rotated y-axis label. */
function yAxis(frame: Frame, axis: AxisTicks, format: (value: number) => string, label: string): string {
  const parts: string[] = [];
  for (const tick of axis.ticks) {
    const y = frame.bottom - (tick / axis.max) * (frame.bottom - frame.top);
    parts.push(`<line x1="${r(frame.left)}" y1="${r(y)}" x2="${r(frame.right)}" y2="${r(y)}" stroke="${GRID}" stroke-width="1"/>`);
    parts.push(text(frame.left - 6, y + 4, format(tick), `class="tick y-tick" text-anchor="end" fill="${MUTED}"`));
  }
  const middle = (frame.top + frame.bottom) / 2;
  parts.push(text(14, middle, label, `class="axis-label" text-anchor="middle" transform="rotate(-90 14 ${r(middle)})" fill="${INK}"`));
  return `<g class="y-axis">${parts.join('')}</g>`;
}

/** Category labels under evenly spaced bands, thinned so they never overlap, and the x-axis label. */
function bandAxis(frame: Frame, labels: string[], label: string): string {
  const band = (frame.right - frame.left) / Math.max(1, labels.length);
  const widest = Math.max(0, ...labels.map((l) => approxTextWidth(l, 11))) + 10;
  const every = Math.max(1, Math.ceil(widest / band));
  const parts = [`<line x1="${r(frame.left)}" y1="${r(frame.bottom)}" x2="${r(frame.right)}" y2="${r(frame.bottom)}" stroke="${INK}" stroke-width="1"/>`];
  labels.forEach((tickLabel, index) => {
    if (index % every !== 0) return;
    parts.push(text(frame.left + (index + 0.5) * band, frame.bottom + 16, tickLabel, `class="tick x-tick" text-anchor="middle" fill="${MUTED}"`));
  });
  parts.push(text((frame.left + frame.right) / 2, frame.bottom + 36, label, `class="axis-label" text-anchor="middle" fill="${INK}"`));
  return `<g class="x-axis">${parts.join('')}</g>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Stacked bar chart

export interface StackedBarChartInput {
  title: string;
  /** Series in stacking order, bottom first. Keys found only in `values` are stacked after them. */
  categories: string[];
  bars: { label: string; values: Record<string, number> }[];
  colors?: Record<string, string>;
  yLabel?: string;
  xLabel?: string;
  emptyMessage?: string;
}

/** Incidents per week stacked by cause category, with totals over the bars. */
export function stackedBarChart(input: StackedBarChartInput): string {
  const series = [...input.categories];
  const extra = new Set<string>();
  for (const bar of input.bars) for (const key of Object.keys(bar.values)) if (!series.includes(key)) extra.add(key);
  series.push(...[...extra].sort());

  const bars = input.bars.map((bar) => {
    const values = series.map((key) => cleanValue(bar.values[key]));
    return { label: bar.label, values, total: values.reduce((a, b) => a + b, 0) };
  });
  const grandTotal = bars.reduce((sum, bar) => sum + bar.total, 0);
  if (grandTotal === 0) return emptyChart('stacked', input.title, input.emptyMessage ?? 'No incidents in this window');

  const id = chartId('stacked', input);
  const painter = new Painter(id, input.colors);
  const frame: Frame = { left: 56, right: WIDTH - 16, top: PLOT_TOP, bottom: PLOT_TOP + PLOT_HEIGHT };
  const axis = niceTicks(Math.max(...bars.map((bar) => bar.total)), true);
  const band = (frame.right - frame.left) / bars.length;
  const barWidth = Math.min(band * 0.7, 48);
  const scale = (frame.bottom - frame.top) / axis.max;

  const marks: string[] = [];
  bars.forEach((bar, index) => {
    const x = frame.left + index * band + (band - barWidth) / 2;
    let cursor = frame.bottom;
    const segments: string[] = [];
    bar.values.forEach((value, seriesIndex) => {
      if (value <= 0) return;
      const height = value * scale;
      cursor -= height;
      const name = series[seriesIndex];
      segments.push(
        `<rect class="bar" data-series="${escapeXml(name)}" data-value="${formatNumber(value)}" x="${r(x)}" y="${r(cursor)}" ` +
          `width="${r(barWidth)}" height="${r(height)}" fill="${painter.paint(name)}" stroke="${INK}" stroke-width="0.6">` +
          `<title>${escapeXml(`${bar.label} · ${name}: ${formatNumber(value)}`)}</title></rect>`,
      );
    });
    if (bar.total > 0 && band >= 16) {
      segments.push(text(x + barWidth / 2, cursor - 4, formatNumber(bar.total), `class="bar-total" text-anchor="middle" font-size="10" fill="${INK}"`));
    }
    marks.push(`<g class="bar-stack"><title>${escapeXml(`${bar.label}: ${formatNumber(bar.total)} in total`)}</title>${segments.join('')}</g>`);
  });

  const usedSeries = series.filter((_, seriesIndex) => bars.some((bar) => bar.values[seriesIndex] > 0) || seriesIndex < input.categories.length);
  const legendBlock = legend(
    usedSeries.map((name) => ({ label: name, paint: painter.paint(name) })),
    frame.left,
    frame.right,
    frame.bottom + 58,
  );
  const height = frame.bottom + 58 + legendBlock.height;
  const body =
    yAxis(frame, axis, formatNumber, input.yLabel ?? 'Incidents') +
    `<g class="marks">${marks.join('')}</g>` +
    bandAxis(frame, bars.map((bar) => bar.label), input.xLabel ?? 'Week starting') +
    legendBlock.markup;
  const aria = `${input.title}: ${formatNumber(grandTotal)} in total over ${bars.length} ${bars.length === 1 ? 'bar' : 'bars'}, split by ${usedSeries.join(', ')}`;
  return svgRoot(id, height, input.title, aria, painter.defsMarkup(), body);
}

// ---------------------------------------------------------------------------------------------------------------
// Line chart

export interface LineChartInput {
  title: string;
  yLabel: string;
  points: { label: string; series: Record<string, number | null> }[];
  seriesOrder: string[];
  /** Formats y ticks and point tooltips. Passing formatDuration also makes the ticks round durations. */
  format?: (value: number) => string;
  /** 'duration' = values are seconds: round-duration ticks, formatDuration by default. */
  valueKind?: 'number' | 'duration';
  colors?: Record<string, string>;
  xLabel?: string;
  emptyMessage?: string;
}

/** One line per series; a null value breaks the line, a point with no neighbours is drawn as a marker. */
export function lineChart(input: LineChartInput): string {
  const isDuration = input.valueKind === 'duration' || input.format === formatDuration;
  const format = input.format ?? (isDuration ? formatDuration : formatNumber);
  const valueAt = (pointIndex: number, name: string): number | null => {
    const value = input.points[pointIndex].series[name];
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  };
  const allValues = input.points.flatMap((_, index) => input.seriesOrder.map((name) => valueAt(index, name))).filter((v): v is number => v !== null);
  if (allValues.length === 0) return emptyChart('line', input.title, input.emptyMessage ?? 'No data in this window');

  const id = chartId('line', input);
  const painter = new Painter(id, input.colors);
  const frame: Frame = { left: 64, right: WIDTH - 16, top: PLOT_TOP, bottom: PLOT_TOP + PLOT_HEIGHT };
  const maxValue = Math.max(0, ...allValues);
  const axis = isDuration ? durationTicks(maxValue) : niceTicks(maxValue, false);
  const band = (frame.right - frame.left) / input.points.length;
  const xAt = (index: number) => frame.left + (index + 0.5) * band;
  const yAt = (value: number) => frame.bottom - (Math.max(0, value) / axis.max) * (frame.bottom - frame.top);

  const layers: string[] = [];
  const legendItems: LegendItem[] = [];
  input.seriesOrder.forEach((name, seriesIndex) => {
    const colour = painter.colour(name);
    const dash = DASHES[seriesIndex % DASHES.length];
    const shape = MARKER_SHAPES[seriesIndex % MARKER_SHAPES.length];
    legendItems.push({ label: name, paint: colour, line: { dash, shape } });

    // Runs of consecutive measured points; each run is its own path so a gap stays a gap.
    const runs: number[][] = [];
    let current: number[] = [];
    input.points.forEach((_, index) => {
      if (valueAt(index, name) === null) {
        if (current.length) runs.push(current);
        current = [];
      } else current.push(index);
    });
    if (current.length) runs.push(current);

    const parts: string[] = [];
    for (const run of runs) {
      if (run.length < 2) continue;
      const d = run.map((index, i) => `${i === 0 ? 'M' : 'L'}${r(xAt(index))} ${r(yAt(valueAt(index, name) ?? 0))}`).join('');
      const dashAttribute = dash ? ` stroke-dasharray="${dash}"` : '';
      parts.push(`<path class="series-line" data-series="${escapeXml(name)}" d="${d}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-linejoin="round"${dashAttribute}/>`);
    }
    for (const run of runs) {
      for (const index of run) {
        const value = valueAt(index, name) ?? 0;
        const isolated = run.length === 1 ? ' data-isolated="true"' : '';
        const tooltip = `${input.points[index].label} · ${name}: ${format(value)}`;
        parts.push(marker(shape, xAt(index), yAt(value), colour, tooltip, `class="point" data-series="${escapeXml(name)}"${isolated}`));
      }
    }
    layers.push(`<g class="series" data-series="${escapeXml(name)}">${parts.join('')}</g>`);
  });

  const legendBlock = legend(legendItems, frame.left, frame.right, frame.bottom + 58);
  const height = frame.bottom + 58 + legendBlock.height;
  const body =
    yAxis(frame, axis, format, input.yLabel) +
    bandAxis(frame, input.points.map((point) => point.label), input.xLabel ?? 'Week starting') +
    `<g class="marks">${layers.join('')}</g>` +
    legendBlock.markup;
  const measured = allValues.length;
  const aria = `${input.title}: ${input.seriesOrder.join(', ')} over ${input.points.length} ${input.points.length === 1 ? 'point' : 'points'}, ${measured} measured, highest ${format(maxValue)}`;
  return svgRoot(id, height, input.title, aria, painter.defsMarkup(), body);
}

// ---------------------------------------------------------------------------------------------------------------
// Horizontal bar chart

export interface HorizontalBarChartInput {
  title: string;
  bars: { label: string; value: number; note?: string; /** colours the bar like this cause category */ category?: string }[];
  valueLabel?: string;
  emptyMessage?: string;
}

const ROW_HEIGHT = 26;
const LABEL_COLUMN = 210;
const NOTE_COLUMN = 170;

/** Ranked bars, largest first as given, with the value and an optional note after each bar. */
export function horizontalBarChart(input: HorizontalBarChartInput): string {
  const bars = input.bars.map((bar) => ({ ...bar, value: cleanValue(bar.value) }));
  if (bars.length === 0 || bars.every((bar) => bar.value === 0)) {
    return emptyChart('hbar', input.title, input.emptyMessage ?? 'Nothing recurred in this window');
  }
  const id = chartId('hbar', input);
  const painter = new Painter(id, undefined);
  const valueLabel = input.valueLabel ?? 'Incidents';
  const frame: Frame = { left: 16 + LABEL_COLUMN, right: WIDTH - NOTE_COLUMN, top: PLOT_TOP, bottom: PLOT_TOP + bars.length * ROW_HEIGHT };
  const axis = niceTicks(Math.max(...bars.map((bar) => bar.value)), true);
  const scale = (frame.right - frame.left) / axis.max;

  const grid: string[] = [];
  for (const tick of axis.ticks) {
    const x = frame.left + tick * scale;
    grid.push(`<line x1="${r(x)}" y1="${r(frame.top)}" x2="${r(x)}" y2="${r(frame.bottom)}" stroke="${GRID}" stroke-width="1"/>`);
    grid.push(text(x, frame.bottom + 16, formatNumber(tick), `class="tick x-tick" text-anchor="middle" fill="${MUTED}"`));
  }
  grid.push(`<line x1="${r(frame.left)}" y1="${r(frame.top)}" x2="${r(frame.left)}" y2="${r(frame.bottom)}" stroke="${INK}" stroke-width="1"/>`);
  grid.push(text((frame.left + frame.right) / 2, frame.bottom + 36, valueLabel, `class="axis-label" text-anchor="middle" fill="${INK}"`));

  const rows = bars.map((bar, index) => {
    const top = frame.top + index * ROW_HEIGHT;
    const middle = top + ROW_HEIGHT / 2;
    const width = bar.value * scale;
    const paint = bar.category ? painter.paint(bar.category) : painter.paint(valueLabel, false);
    // The value and note fit between the bar's end and the right edge of the chart.
    const valueText = fitText(`${formatNumber(bar.value)}${bar.note ? ` · ${bar.note}` : ''}`, WIDTH - 8 - (frame.left + width + 6), 11);
    const tooltip = `${bar.label}: ${formatNumber(bar.value)}${bar.note ? ` (${bar.note})` : ''}`;
    return (
      `<g class="bar-row"><title>${escapeXml(tooltip)}</title>` +
      text(frame.left - 8, middle + 4, fitText(bar.label, LABEL_COLUMN - 8, 11), `class="bar-label" text-anchor="end" fill="${INK}"`) +
      `<rect class="bar" data-value="${formatNumber(bar.value)}" x="${r(frame.left)}" y="${r(middle - 8)}" width="${r(width)}" height="16" fill="${paint}" stroke="${INK}" stroke-width="0.6"/>` +
      text(frame.left + width + 6, middle + 4, valueText, `class="bar-value" fill="${INK}"`) +
      `</g>`
    );
  });

  const categories = [...new Set(bars.map((bar) => bar.category).filter((c): c is string => Boolean(c)))];
  const legendItems: LegendItem[] = categories.length
    ? categories.map((category) => ({ label: category, paint: painter.paint(category) }))
    : [{ label: valueLabel, paint: painter.paint(valueLabel, false) }];
  const legendBlock = legend(legendItems, frame.left, WIDTH - 16, frame.bottom + 58);
  const height = frame.bottom + 58 + legendBlock.height;
  const body = `<g class="x-axis">${grid.join('')}</g><g class="marks">${rows.join('')}</g>${legendBlock.markup}`;
  const top = bars[0];
  const aria = `${input.title}: ${bars.length} ${bars.length === 1 ? 'entry' : 'entries'}; first ${top.label} with ${formatNumber(top.value)}`;
  return svgRoot(id, height, input.title, aria, painter.defsMarkup(), body);
}
