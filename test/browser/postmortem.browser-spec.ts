import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { SECTION_TITLES } from '../../src/postmortems/document/build-document.js';
import { bearer, http, keyFor } from '../support/app.js';
import { createIncident, transition } from '../support/factories.js';
import { launchChromium } from '../support/browser.js';


/** The HTML postmortem as a person sees it: rendered by a real headless Chromium. */
describe('postmortem page in a browser', () => {
  it('renders every section as visible text, escapes user input, and screenshots the page', async () => {
    const key = bearer(await keyFor('responder'));
    const incident = await createIncident({ title: '<img src=x onerror=alert(1)> Checkout 502' });
    await (await http()).post(`/v1/incidents/${incident.id}/evidence`).set(key).send({
      kind: 'log',
      content: '2026/11/25 10:00:01 [error] 7#0: *9 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: shop, request: "GET /cart HTTP/1.1", upstream: "http://10.0.3.7:8080/cart", host: "shop.example.com"',
    });
    await (await http()).post(`/v1/incidents/${incident.id}/steps/confirm/complete`).set(key).send({ outcome: 'intermittent' });
    await transition(incident.id, 'resolved', { note: 'Raised the upstream keep-alive timeout' });
    await (await http()).post(`/v1/incidents/${incident.id}/root-causes/accept-suggestion`).set(key).send({ status: 'confirmed' });
    await (await http()).post(`/v1/incidents/${incident.id}/action-items/propose`).set(key).send({});
    await (await http()).post(`/v1/incidents/${incident.id}/postmortem`).set(key).send({});
    const html = await (await http()).get(`/v1/incidents/${incident.id}/postmortem`).set({ ...key, accept: 'text/html' });
    assert.equal(html.status, 200);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'stepwise-browser-'));
    const file = path.join(dir, 'postmortem.html');
    writeFileSync(file, html.text);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(pathToFileURL(file).href);
      const text = await page.innerText('body');
      const visible = text.toLowerCase();
      for (const [key, heading] of Object.entries(SECTION_TITLES)) {
        if (key === 'lessons') continue; // shown only when someone wrote lessons
        assert.ok(visible.includes(heading.toLowerCase()), `the page shows "${heading}"`);
      }
      assert.ok(text.includes('<img src=x onerror=alert(1)>'), 'the title is shown as text');
      assert.equal(await page.locator('img').count(), 0, 'user text never becomes markup');
      assert.deepEqual(dialogs, [], 'no script ran');
      const shot = path.join(dir, 'postmortem.png');
      await page.screenshot({ path: shot, fullPage: true });
      const png = readFileSync(shot);
      assert.ok(png.length > 10_000, 'a real screenshot');
      assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])));
      process.stdout.write(`# postmortem screenshot: ${shot}\n`);
    } finally {
      await browser.close();
    }
  });
});
