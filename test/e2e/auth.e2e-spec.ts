import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_KEY_ROLES } from '../../src/auth/entities/api-key.entity.js';
import { apiKey, bearer, dataSource, http, keyFor } from '../support/app.js';
import { createIncident } from '../support/factories.js';
import { ROUTE_ACCESS } from '../support/route-access.js';

const RANDOM_UUID = '00000000-0000-4000-8000-000000000000';

async function call(method: string, path: string, headers: Record<string, string> = {}) {
  const agent = await http();
  const req = agent[method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](path).set(headers);
  return method === 'GET' || method === 'DELETE' ? req : req.send({});
}

describe('API keys and roles', () => {
  it('lists every route of the OpenAPI document in the access table', async () => {
    const doc = await (await http()).get('/docs-json');
    assert.equal(doc.status, 200);
    const documented: string[] = [];
    for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.push(`${method.toUpperCase()} ${path}`);
    }
    const known = new Set(ROUTE_ACCESS.map((r) => `${r.method} ${r.path}`));
    const missing = documented.filter((route) => !known.has(route));
    assert.deepEqual(missing, [], 'routes without an entry in test/support/route-access.ts');
  });

  it('declares exactly the path parameters each documented path has, so Swagger UI can call it', async () => {
    // Swagger UI refuses to execute an operation with a required parameter it cannot fill in.
    const doc = await (await http()).get('/docs-json');
    const wrong: string[] = [];
    for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(ops)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
        if (JSON.stringify(declared) !== JSON.stringify(inPath)) wrong.push(`${method.toUpperCase()} ${path}: declares [${declared}], path has [${inPath}]`);
      }
    }
    assert.deepEqual(wrong, []);
    // Errors are documented too, as problem+json.
    const read = doc.body.paths['/v1/incidents/{id}'].get.responses;
    for (const code of ['401', '403', '404']) assert.ok(read[code]?.content?.['application/problem+json'], `GET /v1/incidents/{id} documents ${code}`);
    assert.ok(doc.body.paths['/v1/incidents'].post.responses['422'], 'POST documents the Idempotency-Key conflict');
  });

  it('answers 401 without a key and with an unknown key on every non-public route', async () => {
    const incident = await createIncident();
    for (const route of ROUTE_ACCESS.filter((r) => r.roles !== 'public')) {
      const path = route.path.replace('{id}', route.path.startsWith('/v1/incidents') ? incident.id : RANDOM_UUID).replace('{key}', 'confirm').replace(/\{[^}]+\}/g, RANDOM_UUID);
      const none = await call(route.method, path);
      assert.equal(none.status, 401, `${route.method} ${route.path} without a key`);
      assert.match(none.headers['content-type'], /application\/problem\+json/);
      const wrong = await call(route.method, path, bearer('sw_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'));
      assert.equal(wrong.status, 401, `${route.method} ${route.path} with an unknown key`);
    }
  });

  it('answers 403 for every role that may not call a route, and lets the others through', async () => {
    const incident = await createIncident();
    for (const route of ROUTE_ACCESS.filter((r) => r.roles !== 'public')) {
      const path = route.path.replace('{id}', route.path.startsWith('/v1/incidents') ? incident.id : RANDOM_UUID).replace('{key}', 'confirm').replace(/\{[^}]+\}/g, RANDOM_UUID);
      for (const role of API_KEY_ROLES) {
        const res = await call(route.method, path, bearer(await keyFor(role)));
        const allowed = (route.roles as readonly string[]).includes(role);
        if (allowed) assert.notEqual(res.status, 403, `${role} on ${route.method} ${route.path}`);
        else assert.equal(res.status, 403, `${role} on ${route.method} ${route.path}: ${res.status}`);
      }
    }
  });

  it('serves the public routes without a key', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/docs-json']) {
      const res = await (await http()).get(path);
      assert.equal(res.status, 200, path);
    }
    const ui = await (await http()).get('/docs');
    assert.ok([200, 301, 302].includes(ui.status));
  });

  it('creates a key shown once, stores only its hash, lists and revokes it', async () => {
    const admin = bearer(await keyFor('admin'));
    const created = await (await http()).post('/v1/api-keys').set(admin).send({ name: 'slack-bot', role: 'bot' });
    assert.equal(created.status, 201);
    assert.match(created.body.key, /^sw_[a-z0-9]{12}_/);
    assert.equal(created.body.role, 'bot');
    assert.ok(created.body.prefix);

    const rows = await (await dataSource()).query('SELECT * FROM api_keys WHERE id = $1', [created.body.id]);
    assert.equal(JSON.stringify(rows).includes(created.body.key), false, 'the secret is not stored');
    // The secret is everything after the second underscore (base64url may itself contain underscores).
    const secret = created.body.key.split('_').slice(2).join('_');
    assert.ok(secret.length >= 32);
    assert.equal(JSON.stringify(rows).includes(secret), false);

    const works = await (await http()).get('/v1/incidents').set(bearer(created.body.key));
    assert.equal(works.status, 200);

    const list = await (await http()).get('/v1/api-keys').set(admin);
    const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    assert.ok(listed);
    assert.equal(listed.key, undefined, 'the secret is never listed');
    assert.ok(listed.lastUsedAt, 'use is recorded');

    const revoked = await (await http()).delete(`/v1/api-keys/${created.body.id}`).set(admin);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    const refused = await (await http()).get('/v1/incidents').set(bearer(created.body.key));
    assert.equal(refused.status, 401);
  });

  it('validates key creation and revocation input', async () => {
    const admin = bearer(await keyFor('admin'));
    const bad = await (await http()).post('/v1/api-keys').set(admin).send({ name: '', role: 'root' });
    assert.equal(bad.status, 400);
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    assert.ok(fields.includes('name') && fields.includes('role'));
    const malformed = await (await http()).delete('/v1/api-keys/not-a-uuid').set(admin);
    assert.equal(malformed.status, 400);
    const unknown = await (await http()).delete(`/v1/api-keys/${RANDOM_UUID}`).set(admin);
    assert.equal(unknown.status, 404);
  });

  it('uses the key name as the actor, or X-Actor when a client acts for a person', async () => {
    const key = await apiKey('responder', 'oncall-laptop');
    const incident = await (await http()).post('/v1/incidents').set(bearer(key)).send({ title: 't', severity: 'SEV4', service: 'actor-test' });
    assert.match(incident.body.createdBy, /^oncall-laptop/);
    const note = await (await http()).post(`/v1/incidents/${incident.body.id}/timeline`).set({ ...bearer(key), 'x-actor': 'bob@example.com' }).send({ message: 'hi' });
    assert.equal(note.body.actor, 'bob@example.com');
  });
});
