/**
 * npm run bench:evidence — parse throughput and peak memory for a generated 200 MB mixed
 * nginx/Envoy/HAProxy log and a 100 MB HAR, next to the floor of merely splitting the log into
 * lines in the same process. Sizes: BENCH_LOG_MB (200), BENCH_HAR_MB (100).
 */
import os from 'node:os';
import { benchHar } from './evidence-har.js';
import { benchLogs } from './evidence-logs.js';

const logMb = Number(process.env.BENCH_LOG_MB ?? 200);
const harMb = Number(process.env.BENCH_HAR_MB ?? 100);

console.log(`Evidence parsing benchmark — ${os.cpus().length} cores, Node ${process.version}`);
const logs = await benchLogs(logMb);
console.log(`\nLog ${logs.sizeMb} MB (${logs.lines} lines, ${logs.findings} findings kept):`);
console.log(`  line-split floor  ${logs.splitMbPerS.toFixed(1)} MB/s`);
console.log(`  parse             ${logs.parseMbPerS.toFixed(1)} MB/s  (${(logs.ratio * 100).toFixed(0)}% of the floor; goal ≥ 50%)`);
console.log(`  peak RSS          ${logs.peakRssMb.toFixed(0)} MB (goal < 300 MB)`);
const har = await benchHar(harMb);
console.log(`\nHAR ${har.sizeMb} MB (${har.entries} entries, ${har.findings} findings kept):`);
console.log(`  parse             ${har.parseMbPerS.toFixed(1)} MB/s (goal ≥ 30 MB/s)`);
console.log(`  redact            ${har.redactMbPerS.toFixed(1)} MB/s`);
console.log(`  peak RSS          ${har.peakRssMb.toFixed(0)} MB (goal < 300 MB)`);
console.log(`\n${JSON.stringify({ logs, har })}`);
