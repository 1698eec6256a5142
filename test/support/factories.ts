import assert from 'node:assert/strict';
import { bearer, http, keyFor, uniqueService } from './app.js';

export interface CreatedIncident {
  id: string;
  ref: string;
  version: number;
  status: string;
  service: string;
  [field: string]: unknown;
}

/** Creates an incident through the API as a responder and returns its answer. */
export async function createIncident(overrides: Record<string, unknown> = {}): Promise<CreatedIncident> {
  const body = {
    title: '502 Bad Gateway on checkout',
    severity: 'SEV2',
    service: uniqueService('checkout'),
    gateway: 'nginx',
    symptom: { statusCode: 502, method: 'GET', url: 'https://shop.example.com/api/cart' },
    ...overrides,
  };
  const res = await (await http()).post('/v1/incidents').set(bearer(await keyFor('responder'))).send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as CreatedIncident;
}

export async function transition(id: string, to: string, extra: Record<string, unknown> = {}) {
  return (await http()).post(`/v1/incidents/${id}/transitions`).set(bearer(await keyFor('responder'))).send({ to, ...extra });
}
