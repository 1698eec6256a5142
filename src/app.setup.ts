import { randomUUID } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/app-config.js';
import { ValidationError } from './common/errors/domain-errors.js';
import { emptyTolerantJsonParser } from './common/http/json-body.js';
import { addProblemResponses } from './common/http/openapi-problems.js';
import { flattenErrors } from './common/http/validation.js';
import { createRootLogger, PinoNestLogger } from './common/logging/logger.js';
import { ProblemFilter } from './common/http/problem.filter.js';
import { HttpMetrics } from './health/metrics.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the app the same way for `main.ts`, the tests and the benchmarks. It is not listening yet. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config.LOG_LEVEL);
  const metrics = new HttpMetrics();
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: !config.LOG_REQUESTS }),
    bodyLimit: config.STEPWISE_BODY_LIMIT,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, metrics), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
  });
  await configureApp(app, config, metrics);
  await app.init();
  return app;
}

export async function configureApp(app: NestFastifyApplication, config: AppConfig, metrics: HttpMetrics): Promise<void> {
  app.enableShutdownHooks();
  app.useBodyParser('application/json', { bodyLimit: config.STEPWISE_BODY_LIMIT }, emptyTolerantJsonParser(app.getHttpAdapter().getInstance()));
  // Evidence uploads stream through; the size limit is enforced while spooling (413).
  await app.register(fastifyMultipart, { limits: { fileSize: config.STEPWISE_EVIDENCE_MAX_BYTES, files: 1, fields: 20, fieldSize: 64 * 1024 } });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new ValidationError(flattenErrors(errors)),
    }),
  );
  app.useGlobalFilters(new ProblemFilter());

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });

  if (config.STEPWISE_DOCS) {
    const document = addProblemResponses(SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Stepwise')
        .setDescription(
          'Incident runbooks and postmortems. Authorize with an API key (`Authorization: Bearer <key>`); ' +
            'errors are application/problem+json.',
        )
        .setVersion('0.1.0')
        .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A Stepwise API key (sw_…)' })
        .build(),
    ));
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
  }
}
