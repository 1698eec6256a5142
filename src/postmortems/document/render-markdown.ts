import type { PostmortemDocument } from './build-document.js';
import { formatUtc } from './format.js';
import { escapeInline } from './markdown-escape.js';

const STATUS_TEXT: Record<string, string> = { draft: 'Draft', in_review: 'In review', published: 'Published' };

/** The document's header fields as label/plain-text pairs (each renderer escapes them its own way). */
export function metadataEntries(doc: PostmortemDocument): Array<[label: string, value: string]> {
  const m = doc.metadata;
  const where = [m.service, m.environment, m.gateway ? `${m.gateway} gateway` : null].filter((part): part is string => !!part).join(' · ');
  const entries: Array<[string, string]> = [
    ['Incident', m.ref],
    ['Severity', m.severity],
    ['Service', where],
    ['Postmortem status', `${STATUS_TEXT[m.status] ?? m.status}, revision ${m.revision}`],
    ['Authors', m.authors.length > 0 ? m.authors.join(', ') : 'not set yet'],
    ['Incident commander', m.commander ?? 'not recorded'],
  ];
  if (m.runbook) entries.push(['Runbook', m.runbook]);
  entries.push(['Impact began', formatUtc(m.impactStartedAt) ?? 'not recorded']);
  entries.push(['Detected', formatUtc(m.detectedAt) ?? 'not recorded']);
  entries.push(['Resolved', formatUtc(m.resolvedAt) ?? 'not resolved yet']);
  if (m.reviewDue) entries.push(['Review meeting due', m.reviewDue]);
  if (m.tags.length > 0) entries.push(['Tags', m.tags.join(', ')]);
  entries.push(['Generated', formatUtc(doc.generatedAt) ?? doc.generatedAt]);
  return entries;
}

/** What a reader should know before trusting the document: draft state and the sections still open. */
export function draftNotice(doc: PostmortemDocument): string | null {
  const open = doc.sections.filter((section) => section.incomplete).map((section) => section.title);
  if (doc.metadata.status === 'published' && open.length === 0) return null;
  const state = doc.metadata.status === 'published' ? 'Published' : 'Generated from the incident record; not yet published';
  return open.length > 0 ? `${state}. Still to be written by the review: ${open.join(', ')}.` : `${state}.`;
}

/** The document as Markdown (CommonMark with GFM tables): title, header fields, then one `##` per section. */
export function renderMarkdown(doc: PostmortemDocument): string {
  const header = metadataEntries(doc)
    .map(([label, value]) => `- **${label}:** ${escapeInline(value, 500)}`)
    .join('\n');
  const notice = draftNotice(doc);
  const blocks = [`# ${escapeInline(doc.title, 300)}`, header];
  if (notice) blocks.push(`> ${escapeInline(notice, 2000)}`);
  for (const section of doc.sections) blocks.push(`## ${section.title}\n\n${section.markdown}`);
  return `${blocks.join('\n\n')}\n`;
}
