/**
 * Postmortem generation timings: `buildPostmortemDocument` followed by `renderMarkdown`, and by
 * `renderHtml`, for a record with 1,000 timeline events, 100 evidence files and 500 findings
 * (goal: under 200 ms each). Pure code only, no database.
 *
 *   npm run build && node dist/bench/postmortem.bench.js
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildPostmortemDocument } from '../src/postmortems/document/build-document.js';
import { largeRecord } from '../src/postmortems/document/fixtures/generated-records.js';
import { renderHtml } from '../src/postmortems/document/render-html.js';
import { renderMarkdown } from '../src/postmortems/document/render-markdown.js';

const RUNS = 20;
const WARM_UP = 5;
const GENERATED_AT = '2026-05-03T09:00:00.000Z';

const record = largeRecord({ events: 1000, evidence: 100, findings: 500 });

function measure(name: string, run: () => string): { name: string; p50: number; p95: number; max: number; bytes: number } {
  let bytes = 0;
  for (let i = 0; i < WARM_UP; i++) bytes = run().length;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    bytes = run().length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return { name, p50: at(0.5), p95: at(0.95), max: times[times.length - 1]!, bytes };
}

const results = [
  measure('build + Markdown', () => renderMarkdown(buildPostmortemDocument(record, GENERATED_AT))),
  measure('build + HTML', () => renderHtml(buildPostmortemDocument(record, GENERATED_AT))),
];

console.log(`Postmortem generation — ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
console.log(`Record: ${record.timeline.length} timeline events, ${record.evidence.length} evidence files, ${record.findings.length} findings; ${RUNS} runs after ${WARM_UP} warm-up runs`);
for (const r of results) {
  console.log(`  ${r.name.padEnd(17)} p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  (${(r.bytes / 1024).toFixed(0)} KiB; goal < 200 ms)`);
}
console.log(`\n${JSON.stringify(results)}`);
