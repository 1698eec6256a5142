import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bearer, dataSource, http, keyFor, uniqueService } from '../support/app.js';
import { createIncident } from '../support/factories.js';
import { launchChromium } from '../support/browser.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Eight weeks of 502s on one service: more and slower early, fewer and faster late; two causes recur. */
async function seedHistory(service: string): Promise<void> {
  const key = bearer(await keyFor('responder'));
  const weeks = [4, 3, 3, 2, 2, 1, 1, 1];
  for (const [week, count] of weeks.entries()) {
    for (let n = 0; n < count; n++) {
      const incident = await createIncident({ service, title: `502s week ${week + 1}` });
      const detected = new Date(Date.UTC(2026, 0, 5 + week * 7 + n, 9));
      const resolveMinutes = (8 - week) * 20 + n * 5;
      await (await dataSource()).query(
        `UPDATE incidents SET created_at = $2::timestamptz, detected_at = $2::timestamptz, acknowledged_at = $2::timestamptz + interval '3 minutes',
                mitigated_at = $2::timestamptz + make_interval(mins => $3::int / 2), resolved_at = $2::timestamptz + make_interval(mins => $3::int), status = 'resolved'
          WHERE id = $1`,
        [incident.id, detected, resolveMinutes],
      );
      const category = n % 2 === 0 ? 'UPSTREAM_DOWN' : 'UPSTREAM_RESET';
      const cause = await (await http())
        .post(`/v1/incidents/${incident.id}/root-causes`)
        .set(key)
        .send({ category, description: `seeded ${category}`, status: 'confirmed', primary: true });
      assert.equal(cause.status, 201);
    }
  }
}

describe('reliability report in a browser', () => {
  it('draws the charts without JavaScript, on screen and in print, and screenshots the page', async () => {
    const service = uniqueService('report');
    await seedHistory(service);
    const res = await (await http())
      .get('/v1/stats/report')
      .query({ from: '2026-01-05T00:00:00Z', to: '2026-03-02T00:00:00Z', service })
      .set(bearer(await keyFor('viewer')));
    assert.equal(res.status, 200);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'stepwise-report-'));
    const file = path.join(dir, 'report.html');
    writeFileSync(file, res.text);
    const browser = await launchChromium();
    try {
      // JavaScript off: the page must stand on its own.
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) requests.push(request.url());
      });
      await page.goto(pathToFileURL(file).href);
      const text = await page.innerText('body');
      for (const heading of ['Stepwise reliability report', 'Summary', 'Incidents per week', 'Time to resolve', 'Recurring causes', 'Breakdown', 'Runbook steps']) {
        assert.ok(text.includes(heading), `the page shows "${heading}"`);
      }
      assert.match(text, /fewer/i, 'the trend sentence says incidents got rarer');
      assert.ok(text.includes('UPSTREAM_DOWN'));
      const charts = page.locator('svg[role="img"]');
      assert.ok((await charts.count()) >= 3, 'three charts');
      for (let i = 0; i < (await charts.count()); i++) {
        const box = await charts.nth(i).boundingBox();
        assert.ok(box && box.width > 300 && box.height > 100, `chart ${i} is drawn at a readable size`);
      }
      const bars = await page.locator('svg rect').count();
      assert.ok(bars > 10, 'bars are drawn');
      assert.deepEqual(requests, [], 'nothing is fetched from the network');
      const shot = path.join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(readFileSync(shot).subarray(0, 8).equals(PNG_MAGIC));
      assert.ok(readFileSync(shot).length > 20_000, 'a real screenshot');

      await page.emulateMedia({ media: 'print' });
      const printedBox = await charts.first().boundingBox();
      assert.ok(printedBox && printedBox.width > 300, 'charts survive the print stylesheet');
      const pdf = await page.pdf({ format: 'A4', printBackground: false });
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      writeFileSync(path.join(dir, 'report.pdf'), pdf);
      process.stdout.write(`# report screenshot: ${shot} (and report.pdf beside it)\n`);
    } finally {
      await browser.close();
    }
  });
});
