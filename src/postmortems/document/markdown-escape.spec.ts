import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { codeBlock, codeSpan, containMarkdown, escapeInline, table, tableCell, truncate } from './markdown-escape.js';

const md = new MarkdownIt({ html: false });

/** The text content of the first `<td>`s of a one-row table built from `cells`. */
function renderedCells(cells: string[]): string[] {
  const html = md.render(table(cells.map((_, i) => `h${i}`), [cells]));
  const body = html.slice(html.indexOf('<tbody>'));
  return Array.from(body.matchAll(/<td>([\s\S]*?)<\/td>/g), (m) => m[1]!);
}

describe('escapeInline', () => {
  it('keeps a pipe and a line break from adding table columns or rows', () => {
    const cells = renderedCells([tableCell('a | b\nc'), tableCell('second')]);
    assert.deepEqual(cells, ['a | b c', 'second']);
  });

  it('shows Markdown and HTML syntax as the characters people typed', () => {
    const text = '*bold* _em_ `code` [link](javascript:alert(1)) <script>alert(1)</script> ~~del~~ &amp; \\';
    const html = md.renderInline(escapeInline(text));
    assert.equal(html, '*bold* _em_ `code` [link](javascript:alert(1)) &lt;script&gt;alert(1)&lt;/script&gt; ~~del~~ &amp;amp; \\');
  });

  it('leaves underscores inside words alone so config names stay readable', () => {
    assert.equal(escapeInline('proxy_read_timeout and _private'), 'proxy_read_timeout and \\_private');
  });

  it('neutralises syntax that only counts at the start of a line or the end of a heading', () => {
    assert.equal(md.render(`# ${escapeInline('Title ends with ##')}`), '<h1>Title ends with ##</h1>\n');
    assert.equal(md.render(escapeInline('# not a heading')), '<p># not a heading</p>\n');
    assert.equal(md.render(escapeInline('1. not a list')), '<p>1. not a list</p>\n');
    assert.equal(md.render(escapeInline('- not a list')), '<p>- not a list</p>\n');
  });

  it('drops control characters and cuts long text without splitting an emoji', () => {
    assert.equal(escapeInline('a\u0000b\u001b[31mc'), 'ab\\[31mc');
    assert.equal(truncate('🔥🔥🔥🔥', 3), '🔥🔥…');
    assert.equal(Array.from(escapeInline('x'.repeat(5000), 100)).length, 100);
  });

  it('writes an em dash for an empty cell', () => {
    assert.equal(tableCell(null), '—');
    assert.equal(tableCell('   '), '—');
  });
});

describe('codeSpan and codeBlock', () => {
  it('round-trips backticks inside a code span', () => {
    for (const text of ['a ` b', '``double``', '`leading', 'trailing`', '`']) {
      const html = md.renderInline(codeSpan(text));
      const content = /^<code>([\s\S]*)<\/code>$/.exec(html)?.[1];
      assert.equal(content, text.replace(/&/g, '&amp;').replace(/</g, '&lt;'), text);
    }
  });

  it('keeps a pipe inside a code span from splitting a table cell', () => {
    const cells = renderedCells([codeSpan('a|b', { inTable: true }), 'x']);
    assert.deepEqual(cells, ['<code>a|b</code>', 'x']);
  });

  it('chooses a fence no line of the content can close', () => {
    const html = md.render(`${codeBlock('before\n```\nafter\n````')}\n\n## Next`);
    assert.match(html, /<pre><code class="language-text">before\n```\nafter\n````\n<\/code><\/pre>/);
    assert.match(html, /<h2>Next<\/h2>/);
  });
});

describe('containMarkdown', () => {
  it('moves headings below the section level, setext ones included', () => {
    assert.equal(containMarkdown('# Big\ntext\n## Smaller'), '### Big\ntext\n#### Smaller');
    assert.equal(containMarkdown('Title\n=====\n\nSub\n---'), '### Title\n\n#### Sub');
  });

  it('leaves a thematic break after a list alone', () => {
    assert.equal(containMarkdown('- item\n---'), '- item\n---');
  });

  it('closes a fence left open, so the next section is still a section', () => {
    const contained = containMarkdown('look:\n```\nunclosed');
    const html = md.render(`${contained}\n\n## Next section`);
    assert.match(html, /<h2>Next section<\/h2>/);
    const tilde = md.render(`${containMarkdown('~~~~\nx')}\n\n## After`);
    assert.match(tilde, /<h2>After<\/h2>/);
  });

  it('does not touch headings or tags inside code', () => {
    assert.equal(containMarkdown('```\n# not a heading\n<b>\n```'), '```\n# not a heading\n<b>\n```');
    assert.equal(containMarkdown('see `<script>` here'), 'see `<script>` here');
  });

  it('escapes tag starts outside code so HTML-allowing renderers show them as text', () => {
    assert.equal(containMarkdown('<pre>\nunclosed <script>x</script>'), '\\<pre>\nunclosed \\<script>x\\</script>');
    assert.equal(containMarkdown('a < b and 3<4'), 'a < b and 3<4');
  });

  it('keeps the author formatting and trims blank edges', () => {
    assert.equal(containMarkdown('\n\n- **one**\n- [two](https://example.com)\n\n'), '- **one**\n- [two](https://example.com)');
  });
});
