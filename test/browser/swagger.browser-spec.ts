import assert from 'node:assert/strict';
import type { AddressInfo, Server } from 'node:net';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { getTestApp, keyFor } from '../support/app.js';
import { createIncident } from '../support/factories.js';
import { launchChromium } from '../support/browser.js';


/** Opens an operation's panel, presses "Try it out" and "Execute", and answers the status and body shown. */
async function execute(page: Page, method: string, routePath: string, fill?: (panel: ReturnType<Page['locator']>) => Promise<void>): Promise<{ status: string; body: string }> {
  const panel = page.locator(`.opblock.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${routePath}"]`) }).first();
  if (!(await panel.locator('.try-out__btn').isVisible())) await panel.locator('.opblock-summary').first().click();
  const tryOut = panel.locator('.try-out__btn');
  if ((await tryOut.innerText()).trim() === 'Try it out') await tryOut.click();
  if (fill) await fill(panel);
  await panel.locator('button.execute').click();
  const live = panel.locator('.live-responses-table');
  await live.locator('tr.response .response-col_status').first().waitFor({ timeout: 15_000 });
  // The cell is the code, then "Undocumented" when the document lists no such answer.
  const status = (await live.locator('tr.response .response-col_status').first().innerText()).trim().split(/\s+/)[0];
  const body = await live.locator('tr.response .response-col_description pre').first().innerText();
  // Clear it, so the next run of the same operation waits for its own answer.
  await panel.locator('button.btn-clear').click();
  return { status, body };
}

describe('Swagger UI in a browser', () => {
  it('loads, authorizes with a bearer key and runs requests against the API', async () => {
    const key = await keyFor('responder');
    const incident = await createIncident({ title: 'Swagger UI check' });
    // The shared app is ready but not listening (supertest talks to it directly): listen on loopback.
    const server = (await getTestApp()).getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const failed: string[] = [];
      page.on('requestfailed', (request) => failed.push(request.url()));
      await page.goto(`${base}/docs`);
      await page.locator('.swagger-ui .info .title').waitFor({ timeout: 15_000 });
      assert.match(await page.locator('.swagger-ui .info .title').innerText(), /Stepwise/);

      // Without a key the API says so.
      assert.equal((await execute(page, 'get', '/v1/incidents')).status, '401');

      await page.locator('.scheme-container button.authorize').click();
      await page.locator('.auth-container input').first().fill(key);
      await page.locator('.auth-btn-wrapper button.authorize').click();
      await page.locator('.auth-btn-wrapper button.btn-done').click();

      const listed = await execute(page, 'get', '/v1/incidents');
      assert.equal(listed.status, '200');
      assert.ok(listed.body.includes(incident.ref as string), 'the answer lists the incident made for this test');

      // A request with a JSON body, through the same form a responder would use.
      const noted = await execute(page, 'post', '/v1/incidents/{id}/timeline', async (panel) => {
        await panel.locator('tr[data-param-name="id"] input').fill(incident.ref as string);
        await panel.locator('textarea.body-param__text').fill(JSON.stringify({ message: 'Added from Swagger UI' }));
      });
      assert.equal(noted.status, '201', noted.body);
      assert.ok(noted.body.includes('Added from Swagger UI'));
      assert.deepEqual(failed, [], 'every asset and request of the page loaded');
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
