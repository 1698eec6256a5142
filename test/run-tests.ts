/**
 * One process runs every test: the unit specs beside the code (`src/**\/*.spec.js`) and the e2e specs
 * (`test/**\/*.e2e-spec.js`), so the e2e specs share one app and one database (the embedded database
 * takes a single connection). Node's own test runner: it loads Nest 12's ESM packages as they are.
 *
 *   node dist/test/run-tests.js [filter]   — a filter keeps only files whose path contains it
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, describe } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closeTestApp } from './support/app.js';

const distRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2];

function collect(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...collect(full, suffix));
    else if (name.endsWith(suffix)) out.push(full);
  }
  return out;
}

// Browser checks need Chromium, which a fresh machine lacks: they run with `npm run test:browser`.
const browser = process.env.STEPWISE_BROWSER_TESTS === '1';
const files = (
  browser
    ? collect(path.join(distRoot, 'test'), '.browser-spec.js')
    : [...collect(path.join(distRoot, 'src'), '.spec.js'), ...collect(path.join(distRoot, 'test'), '.e2e-spec.js')]
).filter(
  (file) => !filter || file.includes(filter),
);
if (files.length === 0) {
  process.stderr.write(`No test files matched ${filter ?? '(all)'}\n`);
  process.exit(1);
}

// One suite holds every spec file, so its `after` runs once all of them are done. (A root-level hook
// can fire while later files are still being imported, closing the shared app too early.)
describe('stepwise', async () => {
  after(async () => {
    await closeTestApp();
  });
  for (const file of files) await import(pathToFileURL(file).href);
});
