import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OpenAPIObject } from '@nestjs/swagger';
import { addProblemResponses } from './openapi-problems.js';

function documentWith(paths: Record<string, Record<string, unknown>>): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths } as unknown as OpenAPIObject;
}

const secured = { security: [{ bearer: [] }] };
const codes = (doc: OpenAPIObject, path: string, method: string) =>
  Object.keys((doc.paths[path] as Record<string, { responses: object }>)[method].responses).sort();

describe('addProblemResponses', () => {
  it('documents the error answers that follow from each operation shape', () => {
    const doc = addProblemResponses(
      documentWith({
        '/v1/incidents': {
          get: { ...secured, parameters: [{ in: 'query', name: 'q' }], responses: { 200: { description: 'ok' } } },
          post: { ...secured, requestBody: {}, responses: { 201: { description: 'created' } } },
        },
        '/v1/incidents/{id}': {
          get: { ...secured, parameters: [{ in: 'path', name: 'id' }], responses: { 200: { description: 'ok' } } },
          patch: { ...secured, parameters: [{ in: 'path', name: 'id' }], requestBody: {}, responses: { 200: { description: 'ok' } } },
        },
        '/health/live': { get: { responses: { 200: { description: 'ok' } } } },
      }),
    );
    assert.deepEqual(codes(doc, '/v1/incidents', 'get'), ['200', '400', '401', '403']);
    assert.deepEqual(codes(doc, '/v1/incidents', 'post'), ['201', '400', '401', '403', '413', '422']);
    assert.deepEqual(codes(doc, '/v1/incidents/{id}', 'get'), ['200', '400', '401', '403', '404']);
    assert.deepEqual(codes(doc, '/v1/incidents/{id}', 'patch'), ['200', '400', '401', '403', '404', '409', '413']);
    assert.deepEqual(codes(doc, '/health/live', 'get'), ['200'], 'a public route without input answers no documented error');
    const notFound = (doc.paths['/v1/incidents/{id}'] as Record<string, { responses: Record<string, { content: object }> }>).get.responses['404'];
    assert.deepEqual(notFound.content, { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
    assert.ok(doc.components?.schemas?.Problem);
  });

  it('keeps an answer an operation documents itself', () => {
    const own = { description: 'Not this one', content: {} };
    const doc = addProblemResponses(documentWith({ '/x/{id}': { get: { ...secured, responses: { 404: own } } } }));
    assert.equal((doc.paths['/x/{id}'] as Record<string, { responses: Record<string, unknown> }>).get.responses['404'], own);
  });
});
