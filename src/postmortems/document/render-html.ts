import MarkdownIt from 'markdown-it';
import type { PostmortemDocument } from './build-document.js';
import { draftNotice, metadataEntries } from './render-markdown.js';

// `html: false`: raw HTML in anything people wrote is shown as text, never passed through.
// markdown-it also refuses `javascript:`, `vbscript:`, `file:` and non-image `data:` links.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1f24; background: #fff; margin: 0; }
article { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .8rem; padding-bottom: .25rem; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
h4, h5, h6 { font-size: 1rem; margin: 1.2rem 0 .5rem; }
dl.metadata { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
dl.metadata dt { font-weight: 600; color: #57606a; }
dl.metadata dd { margin: 0; overflow-wrap: anywhere; }
.notice { border-left: 4px solid #bf8700; background: #fff8c5; padding: .5rem .8rem; margin: 1rem 0; }
nav.contents { font-size: .9rem; margin: 1rem 0; }
nav.contents ol { columns: 2; margin: .3rem 0; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; font-size: .88rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; }
code { font: .88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; padding: .1em .3em; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: #f6f8fa; padding: .6rem .8rem; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; }
blockquote { margin: .8rem 0; padding: 0 .9rem; border-left: 4px solid #d0d7de; color: #57606a; }
em { color: #57606a; }
img { max-width: 100%; }
@page { margin: 16mm 14mm; }
@media print {
  body { font-size: 11pt; }
  article { max-width: none; padding: 0; }
  nav.contents { display: none; }
  a { color: inherit; }
  h2, h3 { break-after: avoid; }
  tr, pre, blockquote, .notice { break-inside: avoid; }
  thead { display: table-header-group; }
}
`;

/**
 * The document as one standalone HTML5 page: inline CSS (print-friendly), no JavaScript, a
 * Content-Security-Policy that forbids scripts and remote loads other than images, and `<h2>`
 * ids equal to the section keys so `#root-cause` links work.
 */
export function renderHtml(doc: PostmortemDocument): string {
  const metadata = metadataEntries(doc)
    .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('\n');
  const notice = draftNotice(doc);
  const contents = doc.sections.map((section) => `<li><a href="#${escapeHtml(section.key)}">${escapeHtml(section.title)}</a></li>`).join('');
  const sections = doc.sections
    .map(
      (section) =>
        `<section class="${section.generated ? 'generated' : 'written'}${section.incomplete ? ' incomplete' : ''}">\n<h2 id="${escapeHtml(section.key)}">${escapeHtml(section.title)}</h2>\n${markdown.render(section.markdown)}</section>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src https: data:">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<article>
<header>
<h1>${escapeHtml(doc.title)}</h1>
<dl class="metadata">
${metadata}
</dl>
${notice ? `<p class="notice">${escapeHtml(notice)}</p>\n` : ''}<nav class="contents" aria-label="Contents"><strong>Contents</strong><ol>${contents}</ol></nav>
</header>
${sections}
</article>
</body>
</html>
`;
}
