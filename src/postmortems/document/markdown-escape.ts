/**
 * Putting user-supplied text into generated Markdown without letting it change the document's
 * structure: a title with `|` must not add a table column, a note with an unclosed code fence
 * must not swallow the sections after it, a `## heading` in a note must not become a section.
 */

// C0/C1 controls other than tab and newline (NUL, ESC, BEL, …): never meaningful in a postmortem.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Normalises line breaks to `\n` and removes control characters. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?|\u2028|\u2029/g, '\n').replace(CONTROL_CHARS, '');
}

/** Cuts `text` to at most `max` characters (code points, so an emoji is never split), adding "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** One line of text: line breaks and runs of white space become one space. */
export function singleLine(text: string): string {
  return text.replace(CONTROL_CHARS, '').replace(/\s+/g, ' ').trim();
}

// Characters Markdown never reads as syntax in the middle of a line…
const PLAIN_CHARS = /^[\p{L}\p{N}(),.:;'"/@%+?!= -]*$/u;
// …and what would still change at the start or end, or by collapsing white space.
const NEEDS_NORMALISING = /^[\s+=-]|^\d+[.)]|\s$|\s\s/;

/**
 * Text for an inline position (a table cell, a list item's label, a paragraph sentence, a heading):
 * one line, at most `max` characters, every character Markdown would read as syntax escaped.
 */
export function escapeInline(text: string, max = 1000): string {
  // Most text (names, messages, step titles) holds nothing to escape: skip the work.
  if (text.length <= max && PLAIN_CHARS.test(text) && !NEEDS_NORMALISING.test(text)) return text;
  const line = truncate(singleLine(text), max);
  let out = line.replace(/[\\`*[\]<|~_&]/g, (c: string, offset: number) => {
    // `_` only emphasises at a word boundary; inside `proxy_read_timeout` it is plain text.
    if (c === '_') return isWordChar(line[offset - 1]) && isWordChar(line[offset + 1]) ? c : '\\_';
    // `&` matters only where it would start an entity such as `&lt;`.
    if (c === '&') return /^&#?[A-Za-z0-9]+;/.test(line.slice(offset, offset + 34)) ? '\\&' : c;
    return `\\${c}`;
  });
  // Syntax that only counts at the start of a line, or as a heading's closing sequence.
  out = out.replace(/^([#>+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2').replace(/(\s)(#+\s*)$/, '$1\\$2');
  return out;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c);
}

/** A table cell: like `escapeInline`, with an em dash for empty text so the column never looks broken. */
export function tableCell(text: string | null | undefined, max = 300): string {
  const cell = text == null ? '' : escapeInline(text, max);
  return cell === '' ? '—' : cell;
}

/** A Markdown table with the given header and rows (cells already escaped). */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Inline code. The delimiter is one backtick longer than the longest run inside, and padding keeps
 * a leading or trailing backtick from joining the delimiter. In a table, `|` is escaped: GFM tables
 * split cells on a pipe even inside code spans, and drop the backslash again when rendering.
 */
export function codeSpan(text: string, options: { max?: number; inTable?: boolean } = {}): string {
  let content = truncate(singleLine(text), options.max ?? 300);
  if (content === '') return '';
  if (options.inTable) {
    // Readers disagree on `\\|` in a cell (markdown-it keeps the cell, cmark-gfm splits it): plain text is unambiguous.
    if (content.includes('\\|')) return escapeInline(content, options.max ?? 300);
    content = content.replace(/\|/g, '\\|');
  }
  const longest = Math.max(0, ...Array.from(content.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') || (content.startsWith(' ') && content.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A fenced code block whose fence no line of `text` can close early. */
export function codeBlock(text: string, info = 'text'): string {
  const content = cleanText(text).replace(/\n+$/, '');
  const longest = Math.max(0, ...Array.from(content.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${content}\n${fence}`;
}

/** Prefixes every non-blank line with `prefix` (to nest a block inside a list item). */
export function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : `${prefix}${line}`))
    .join('\n');
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^( {0,3})(#{1,6})(?=[ \t]|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const NOT_PARAGRAPH_TEXT = /^(?: {4,}|\t| {0,3}(?:[-+*][ \t]|\d{1,9}[.)][ \t]|>|#|\||`{3,}|~{3,}))/;

/**
 * Markdown people wrote, made safe to place inside a generated document:
 * - headings move down `headingShift` levels (a `# Heading` becomes `### Heading` under a `##` section),
 *   setext headings (`Text` over `---`) become ATX headings of the same shifted level;
 * - a code fence left open is closed at the end, so it cannot swallow the sections that follow;
 * - a `<` that could start an HTML tag is escaped outside code, so renderers that allow raw HTML
 *   (an unclosed `<pre>` or `<script>` block runs to the end of the page) show it as text;
 * - control characters go, line breaks become `\n`, and leading/trailing blank lines are trimmed.
 * Everything else (emphasis, lists, links, tables, code) is kept: it is the author's formatting.
 */
export function containMarkdown(text: string, headingShift = 2): string {
  const lines = cleanText(text).split('\n');
  const out: string[] = [];
  let fence: { char: string; length: number } | null = null;
  for (const line of lines) {
    if (fence) {
      out.push(line);
      const close = /^ {0,3}(`+|~+)[ \t]*$/.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = null;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[2]![0] === '`' && open[3]!.includes('`'))) {
      fence = { char: open[2]![0]!, length: open[2]!.length };
      out.push(line);
      continue;
    }
    const heading = ATX_HEADING.exec(line);
    if (heading) {
      const level = Math.min(6, heading[2]!.length + headingShift);
      out.push(`${heading[1]}${'#'.repeat(level)}${escapeTagStarts(line.slice(heading[0].length))}`);
      continue;
    }
    const underline = SETEXT_UNDERLINE.exec(line);
    const previous = out[out.length - 1];
    if (underline && previous !== undefined && previous.trim() !== '' && !NOT_PARAGRAPH_TEXT.test(previous) && !ATX_HEADING.test(previous)) {
      const level = Math.min(6, (underline[1]![0] === '=' ? 1 : 2) + headingShift);
      out[out.length - 1] = `${'#'.repeat(level)} ${previous.trim()}`;
      continue;
    }
    out.push(/^(?: {4,}|\t)/.test(line) ? line : escapeTagStarts(line));
  }
  if (fence) out.push(fence.char.repeat(fence.length));
  while (out.length > 0 && out[0]!.trim() === '') out.shift();
  while (out.length > 0 && out[out.length - 1]!.trim() === '') out.pop();
  return out.join('\n');
}

/** Escapes `<` before a letter, `/`, `!` or `?` outside the line's code spans. */
function escapeTagStarts(line: string): string {
  if (!line.includes('<')) return line;
  let out = '';
  let i = 0;
  while (i < line.length) {
    const tick = line.indexOf('`', i);
    const plainEnd = tick === -1 ? line.length : tick;
    out += line.slice(i, plainEnd).replace(/(^|[^\\])<(?=[A-Za-z/!?])/g, '$1\\<');
    if (tick === -1) break;
    const run = /^`+/.exec(line.slice(tick))![0];
    const close = findClosingRun(line, tick + run.length, run.length);
    if (close === -1) {
      // An unmatched backtick run is literal text; carry on after it.
      out += run;
      i = tick + run.length;
    } else {
      out += line.slice(tick, close + run.length);
      i = close + run.length;
    }
  }
  return out;
}

function findClosingRun(line: string, from: number, length: number): number {
  let i = from;
  while (i < line.length) {
    const tick = line.indexOf('`', i);
    if (tick === -1) return -1;
    const run = /^`+/.exec(line.slice(tick))![0];
    if (run.length === length) return tick;
    i = tick + run.length;
  }
  return -1;
}
