import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { bearer, dataSource, http, keyFor, uniqueService } from '../support/app.js';
import { createIncident, type CreatedIncident } from '../support/factories.js';

/** A made-up word only this test run uses, so searches see only this test's incidents. */
const token = (): string => `zq${randomBytes(5).toString('hex')}`;

async function addNote(id: string, message: string): Promise<void> {
  const res = await (await http()).post(`/v1/incidents/${id}/timeline`).set(bearer(await keyFor('responder'))).send({ message });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

async function confirmCause(id: string, category: string, description: string, stepKeys: string[] = []): Promise<void> {
  const res = await (await http())
    .post(`/v1/incidents/${id}/root-causes`)
    .set(bearer(await keyFor('responder')))
    .send({ category, description, status: 'confirmed', primary: true, stepKeys });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

async function search(query: Record<string, string | number>, accept?: string) {
  const req = (await http()).get('/v1/postmortems').query(query).set(bearer(await keyFor('viewer')));
  return accept ? req.set('accept', accept) : req;
}

describe('postmortem history search', () => {
  it('finds incidents by words in the title, notes, causes and postmortem, title matches first', async () => {
    const word = token();
    const service = uniqueService('search');
    const inTitle = await createIncident({ service, title: `Checkout ${word} gateway errors` });
    const inNote = await createIncident({ service, severity: 'SEV3' });
    await addNote(inNote.id, `Saw ${word} in the upstream pool logs`);
    const inCause = await createIncident({ service: uniqueService('search-other') });
    await confirmCause(inCause.id, 'DNS', `Stale ${word} record after failover`);
    const inPostmortem = await createIncident({ service });
    const generated = await (await http()).post(`/v1/incidents/${inPostmortem.id}/postmortem`).set(bearer(await keyFor('responder')));
    assert.equal(generated.status, 201);
    const edited = await (await http())
      .patch(`/v1/incidents/${inPostmortem.id}/postmortem`)
      .set(bearer(await keyFor('responder')))
      .send({ version: generated.body.version, sections: { wentWell: `The ${word} dashboard showed it at once` } });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    const unrelated = await createIncident({ service });

    const res = await search({ q: word });
    assert.equal(res.status, 200);
    const refs = res.body.items.map((i: { ref: string }) => i.ref);
    assert.deepEqual(new Set(refs), new Set([inTitle.ref, inNote.ref, inCause.ref, inPostmortem.ref]));
    assert.ok(!refs.includes(unrelated.ref));
    assert.equal(refs[0], inTitle.ref, 'a title match ranks above a note match');
    assert.ok(res.body.items[0].rank > res.body.items[res.body.items.length - 1].rank);
    const causeItem = res.body.items.find((i: { ref: string }) => i.ref === inCause.ref);
    assert.deepEqual(causeItem.categories, ['DNS']);
    assert.deepEqual(causeItem.primaryCause, { category: 'DNS', description: `Stale ${word} record after failover` });
    const postmortemItem = res.body.items.find((i: { ref: string }) => i.ref === inPostmortem.ref);
    assert.equal(postmortemItem.postmortemStatus, 'draft');
    assert.match(postmortemItem.headline, new RegExp(`«${word}»`));

    // Filters narrow the text search.
    const bySeverity = await search({ q: word, severity: 'SEV3' });
    assert.deepEqual(bySeverity.body.items.map((i: { ref: string }) => i.ref), [inNote.ref]);
    const byCategory = await search({ q: word, category: 'DNS' });
    assert.deepEqual(byCategory.body.items.map((i: { ref: string }) => i.ref), [inCause.ref]);
    const byService = await search({ q: word, service, sort: 'newest' });
    assert.deepEqual(byService.body.items.map((i: { ref: string }) => i.ref), [inPostmortem.ref, inNote.ref, inTitle.ref]);
    const byPostmortem = await search({ q: word, postmortemStatus: 'draft' });
    assert.deepEqual(byPostmortem.body.items.map((i: { ref: string }) => i.ref), [inPostmortem.ref]);
    const noneYet = await search({ q: word, status: 'closed' });
    assert.deepEqual(noneYet.body.items, []);
    assert.equal(noneYet.body.nextCursor, null);
  });

  it('pages through results by cursor, by relevance and by date, without repeats or gaps', async () => {
    const word = token();
    const service = uniqueService('paging');
    const created: CreatedIncident[] = [];
    for (let n = 0; n < 5; n++) created.push(await createIncident({ service, title: `${word} ${'again '.repeat(n)}outage` }));
    for (const sort of ['relevance', 'newest']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await search({ q: word, sort, limit: 2, ...(cursor ? { cursor } : {}) });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        seen.push(...res.body.items.map((i: { ref: string }) => i.ref));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      assert.equal(pages, 3, `${sort}: 5 items in pages of 2`);
      assert.deepEqual([...seen].sort(), created.map((c) => c.ref).sort(), `${sort}: every match once`);
    }
    const newest = await search({ service, limit: 5 });
    assert.deepEqual(newest.body.items.map((i: { ref: string }) => i.ref), created.map((c) => c.ref).reverse(), 'without q: newest first');
  });

  it('answers CSV by Accept or ?format=csv', async () => {
    const word = token();
    const service = uniqueService('csv');
    await createIncident({ service, title: `=HYPERLINK("evil") ${word}, "quoted"` });
    const res = await search({ q: word }, 'text/csv');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/csv/);
    const lines = res.text.trim().split('\r\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^ref,incidentId,title,service,severity/);
    assert.match(lines[1], new RegExp(`"'=HYPERLINK\\(""evil""\\) ${word}, ""quoted"""`), 'quoted, and a formula is defused');
    const byQuery = await search({ q: word, format: 'csv' });
    assert.match(byQuery.headers['content-type'], /^text\/csv/);
    assert.equal(byQuery.text, res.text);
  });

  it('keeps the index current through every change, and rebuilds it whole on demand', async () => {
    const word = token();
    const later = token();
    const incident = await createIncident({ title: `Gateway ${word}` });
    const responder = bearer(await keyFor('responder'));
    await (await http()).patch(`/v1/incidents/${incident.id}`).set(responder).send({ version: incident.version, title: `Gateway ${later}`, severity: 'SEV1' });
    assert.deepEqual((await search({ q: word })).body.items, [], 'the old title is no longer found');
    const found = await search({ q: later, severity: 'SEV1' });
    assert.deepEqual(found.body.items.map((i: { ref: string }) => i.ref), [incident.ref], 'found by its new title and severity');
    const [{ rows }] = await (await dataSource()).query('SELECT rebuild_incident_search() AS rows');
    assert.ok(Number(rows) >= 1);
    assert.deepEqual((await search({ q: later })).body.items.map((i: { ref: string }) => i.ref), [incident.ref], 'the same after a full rebuild');
  });

  it("writes a new incident's search row exactly as the full rebuild would", async () => {
    // The insert trigger builds the row from the new incident alone (no causes, postmortem or notes
    // can exist yet); it must equal what incident_search_source makes of the same incident.
    const db = await dataSource();
    const columns = 'document::text, rank_document::text, categories, postmortem_status, published_at, created_at, service, severity, gateway, status';
    for (const overrides of [
      { title: `Cart ${token()} answers 502 for a share of requests`, summary: `Pool ${token()} exhausted on the canary`, gateway: 'envoy', severity: 'SEV1' },
      { title: `Bare ${token()}`, summary: undefined, gateway: undefined },
    ]) {
      const incident = await createIncident(overrides);
      const [written] = await db.query(`SELECT ${columns} FROM incident_search WHERE incident_id = $1`, [incident.id]);
      const [expected] = await db.query(`SELECT ${columns} FROM incident_search_source WHERE incident_id = $1`, [incident.id]);
      assert.ok(expected, 'the view sees the incident');
      assert.deepEqual(written, expected);
    }
  });

  it('rejects bad queries with the field named', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ category: 'BAD' }, 'category'],
      [{ sort: 'relevance' }, 'sort'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to'],
      [{ limit: '0' }, 'limit'],
    ];
    for (const [query, field] of cases) {
      const res = await search(query);
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), JSON.stringify(res.body));
    }
    const newestCursor = (await search({ limit: 1 })).body.nextCursor;
    if (newestCursor) {
      const mixed = await search({ q: token(), cursor: newestCursor });
      assert.equal(mixed.status, 400, 'a cursor from another sort is refused');
    }
    // Search syntax people type is never an error.
    for (const q of ['"unterminated', 'a | b & !c', 'or', '-', ':*']) {
      assert.equal((await search({ q })).status, 200, q);
    }
  });
});

/**
 * Seeds incidents whose timestamps are set directly, so every figure below is known by hand:
 * detection at 10:00 of the given day, the other instants as seconds after it (null = never).
 */
interface Seed {
  day: string;
  ack: number | null;
  mitigated: number | null;
  resolved: number | null;
}

async function seedIncident(service: string, seed: Seed, severity = 'SEV2'): Promise<CreatedIncident> {
  const incident = await createIncident({ service, severity, title: `Seeded ${seed.day}` });
  const detected = new Date(`${seed.day}T10:00:00Z`);
  const at = (s: number | null) => (s === null ? null : new Date(detected.getTime() + s * 1000));
  const status = seed.resolved !== null ? 'resolved' : seed.mitigated !== null ? 'mitigated' : seed.ack !== null ? 'acknowledged' : 'open';
  await (await dataSource()).query(
    `UPDATE incidents SET created_at = $2, detected_at = $2, acknowledged_at = $3, investigating_at = NULL, mitigated_at = $4, resolved_at = $5, status = $6
      WHERE id = $1`,
    [incident.id, detected, at(seed.ack), at(seed.mitigated), at(seed.resolved), status],
  );
  return incident;
}

async function stats(query: Record<string, string>, accept?: string) {
  const req = (await http()).get('/v1/stats').query(query).set(bearer(await keyFor('viewer')));
  return accept ? req.set('accept', accept) : req;
}

describe('reliability stats', () => {
  const window = { from: '2026-01-05T00:00:00Z', to: '2026-02-02T00:00:00Z' };

  it('computes percentiles, means and missing counts that match a hand calculation', async () => {
    const service = uniqueService('stats');
    const a = await seedIncident(service, { day: '2026-01-05', ack: 60, mitigated: 300, resolved: 600 });
    const b = await seedIncident(service, { day: '2026-01-07', ack: 120, mitigated: 600, resolved: 1200 });
    const c = await seedIncident(service, { day: '2026-01-13', ack: 180, mitigated: null, resolved: 1800 }, 'SEV1');
    await seedIncident(service, { day: '2026-01-20', ack: null, mitigated: 900, resolved: 3600 });
    await seedIncident(service, { day: '2026-01-21', ack: 300, mitigated: 1200, resolved: 7200 });
    await seedIncident(service, { day: '2026-01-30', ack: 240, mitigated: null, resolved: null });
    await seedIncident(service, { day: '2026-02-03', ack: 1, mitigated: 1, resolved: 1 }); // after the window
    const checkStep = (a.steps as Array<{ key: string }>)[1].key;
    await confirmCause(a.id, 'UPSTREAM_DOWN', 'pods crash-looped', [checkStep]);
    await confirmCause(b.id, 'UPSTREAM_DOWN', 'pods crash-looped again', [checkStep]);
    await confirmCause(c.id, 'DNS', 'stale record');
    await (await dataSource()).query(`UPDATE incident_steps SET status = 'done', time_spent_seconds = $2 WHERE incident_id = $1 AND step_key = $3`, [a.id, 120, checkStep]);
    await (await dataSource()).query(`UPDATE incident_steps SET status = 'done', time_spent_seconds = $2 WHERE incident_id = $1 AND step_key = $3`, [b.id, 300, checkStep]);

    const res = await stats({ ...window, service });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const s = res.body;
    assert.equal(s.incidents, 6);
    // TTA over [60,120,180,240,300] (one never acknowledged): p50 180; p90 at rank 3.6 → 240 + 0.6·60.
    assert.deepEqual(s.timeToAcknowledge, { p50Seconds: 180, p90Seconds: 276, meanSeconds: 180, count: 5, missing: 1 });
    // TTM over [300,600,900,1200]: p50 at rank 1.5 → 750; p90 at rank 2.7 → 900 + 0.7·300.
    assert.deepEqual(s.timeToMitigate, { p50Seconds: 750, p90Seconds: 1110, meanSeconds: 750, count: 4, missing: 2 });
    // TTR over [600,1200,1800,3600,7200]: p90 at rank 3.6 → 3600 + 0.6·3600; mean 14400/5.
    assert.deepEqual(s.timeToResolve, { p50Seconds: 1800, p90Seconds: 5760, meanSeconds: 2880, count: 5, missing: 1 });
    assert.deepEqual(s.byCategory, { UNCLASSIFIED: 3, UPSTREAM_DOWN: 2, DNS: 1 });
    assert.deepEqual(s.bySeverity, { SEV2: 5, SEV1: 1 });
    assert.deepEqual(s.byService, { [service]: 6 });
    assert.deepEqual(s.byGateway, { nginx: 6 });
    assert.deepEqual(s.recurring, [{ service, category: 'UPSTREAM_DOWN', count: 2, refs: [a.ref, b.ref] }]);
    const step = s.steps.find((x: { key: string }) => x.key === checkStep);
    assert.equal(step.foundCause, 2);
    assert.equal(step.completed, 2);
    assert.equal(step.medianSecondsSpent, 210);
    assert.deepEqual(s.causeMostOftenFoundBy, { key: checkStep, title: step.title, count: 2 });
    assert.deepEqual(
      s.weekly.map((w: { weekStart: string; total: number }) => [w.weekStart, w.total]),
      [['2026-01-05', 2], ['2026-01-12', 1], ['2026-01-19', 2], ['2026-01-26', 1]],
    );
    assert.deepEqual(s.weekly[0].byCategory, { UPSTREAM_DOWN: 2 });
    assert.deepEqual(s.weekly[0].timeToResolve, { p50Seconds: 900, p90Seconds: 1140, count: 2 });
    assert.deepEqual(s.weekly[3].timeToResolve, { p50Seconds: null, p90Seconds: null, count: 0 });

    const sev1 = await stats({ ...window, service, severity: 'SEV1' });
    assert.equal(sev1.body.incidents, 1);
    assert.deepEqual(sev1.body.timeToResolve, { p50Seconds: 1800, p90Seconds: 1800, meanSeconds: 1800, count: 1, missing: 0 });
    assert.deepEqual(sev1.body.recurring, []);
    const otherGateway = await stats({ ...window, service, gateway: 'envoy' });
    assert.equal(otherGateway.body.incidents, 0, 'the gateway filter: every seeded incident is behind nginx');
    assert.equal((await stats({ ...window, service, gateway: 'nginx' })).body.incidents, 6);

    const csv = await stats({ ...window, service }, 'text/csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'], /^text\/csv/);
    const rows = csv.text.trim().split('\r\n');
    assert.equal(rows[0], 'section,key,value,count,missing,refs');
    assert.ok(rows.includes('timeToResolve,p50Seconds,1800,5,1,'), rows.join('\n'));
    assert.ok(rows.includes(`recurring,${service}/UPSTREAM_DOWN,2,,,${a.ref};${b.ref}`), rows.join('\n'));
  });

  it('answers an empty window with zeros and nulls, never made-up figures', async () => {
    const res = await stats({ ...window, service: uniqueService('nothing') });
    assert.equal(res.status, 200);
    assert.equal(res.body.incidents, 0);
    for (const metric of ['timeToAcknowledge', 'timeToMitigate', 'timeToResolve']) {
      assert.deepEqual(res.body[metric], { p50Seconds: null, p90Seconds: null, meanSeconds: null, count: 0, missing: 0 });
    }
    assert.deepEqual(res.body.byCategory, {});
    assert.deepEqual(res.body.recurring, []);
    assert.deepEqual(res.body.steps, []);
    assert.equal(res.body.causeMostOftenFoundBy, null);
    assert.equal(res.body.weekly.length, 4);
    assert.ok(res.body.weekly.every((w: { total: number }) => w.total === 0));
  });

  it('defaults to the last 90 days and validates the window', async () => {
    const service = uniqueService('recent');
    await createIncident({ service });
    const res = await stats({ service });
    assert.equal(res.status, 200);
    assert.equal(res.body.incidents, 1);
    assert.equal(Date.parse(res.body.to) - Date.parse(res.body.from), 90 * 86_400_000);
    for (const [query, field] of [
      [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to'],
      [{ from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
      [{ severity: 'SEV9' }, 'severity'],
      [{ from: 'yesterday' }, 'from'],
    ] as const) {
      const bad = await stats(query);
      assert.equal(bad.status, 400, JSON.stringify(query));
      assert.ok(bad.body.errors.some((e: { field: string }) => e.field === field), JSON.stringify(bad.body));
    }
  });

  it('renders the report page as HTML with SVG charts and a strict CSP', async () => {
    const service = uniqueService('report');
    await seedIncident(service, { day: '2026-01-07', ack: 60, mitigated: 300, resolved: 600 });
    const res = await (await http()).get('/v1/stats/report').query({ ...window, service }).set(bearer(await keyFor('viewer')));
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/html/);
    assert.match(res.headers['content-security-policy'], /default-src 'none'/);
    assert.ok((res.text.match(/<svg/g) ?? []).length >= 3, 'three charts');
    assert.ok(res.text.includes(service), 'the service filter is shown');
    assert.ok(!/<script/i.test(res.text), 'no script: the page works without JavaScript');
    assert.ok(!/NaN|undefined|Infinity/.test(res.text));
  });
});
