import type { FastifyBodyParser, FastifyInstance } from 'fastify';

/**
 * Fastify's JSON parser, except that an empty body is no body. curl with a shared header set, and
 * bots that always send `Content-Type: application/json`, POST to action routes (propose, generate,
 * review) with that header and nothing after it; Fastify answers those 400 "Body cannot be empty".
 * Anything else goes to Fastify's own parser, with its prototype-poisoning checks. A route that
 * needs fields still answers 400 naming them.
 */
export function emptyTolerantJsonParser(fastify: FastifyInstance): FastifyBodyParser<Buffer> {
  const strict = fastify.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    strict(request, body.toString('utf8'), done);
  };
}
