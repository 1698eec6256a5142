import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';

/** The problem+json body every error answers with (see problem.filter.ts). */
const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', example: 'https://stepwise.dev/problems/409' },
    title: { type: 'string', example: 'Conflict' },
    status: { type: 'integer', example: 409 },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request path' },
    errors: {
      type: 'array',
      description: 'On 400: each offending field and what is wrong with it',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
    allowed: { type: 'array', items: { type: 'string' }, description: 'On 409 for a move that is not allowed: the moves that are' },
    currentVersion: { type: 'integer', description: 'On 409 for a stale version: the version now stored' },
  },
};

const WHY: Record<number, string> = {
  400: 'Invalid input or a malformed id; `errors` names the fields',
  401: 'No API key, or an unknown or revoked one',
  403: "The key's role may not do this",
  404: 'No such incident or resource',
  409: "A stale `version`, or a change the resource's current state does not allow",
  413: 'The body is larger than the limit',
  422: 'This `Idempotency-Key` was used with another body',
};

type Operation = {
  parameters?: unknown[];
  requestBody?: unknown;
  security?: unknown[];
  responses?: Record<string, unknown>;
};

/**
 * Adds the error answers each operation can give to the OpenAPI document, all as
 * application/problem+json, so clients and Swagger UI see them documented rather than
 * "Undocumented". What each operation can answer follows from its shape: a key (401, 403), input
 * (400), a path id (404), a body (413), a POST (422 with Idempotency-Key), a change to something
 * that exists (409). An answer the operation already documents is left as it is.
 */
export function addProblemResponses(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, Problem: PROBLEM_SCHEMA };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const operation = value as Operation;
      const secured = (operation.security ?? []).length > 0;
      const hasId = path.includes('{');
      const codes = new Set<number>();
      if (secured) {
        codes.add(401);
        codes.add(403);
      }
      if ((operation.parameters ?? []).length > 0 || operation.requestBody) codes.add(400);
      if (hasId) codes.add(404);
      if (operation.requestBody) codes.add(413);
      if (secured && method === 'post') codes.add(422);
      if (secured && hasId && method !== 'get') codes.add(409);
      operation.responses ??= {};
      for (const code of [...codes].sort()) {
        operation.responses[String(code)] ??= {
          description: WHY[code],
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        };
      }
    }
  }
  return document;
}
