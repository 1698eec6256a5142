import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-errors.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [member: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, detail: string, extra: Record<string, unknown> = {}, title?: string): ProblemBody {
  // Extra members never replace the standard ones.
  return {
    ...extra,
    type: `https://stepwise.dev/problems/${status}`,
    title: title ?? TITLES[status] ?? 'Error',
    status,
    detail,
  };
}

/** Turns any error into application/problem+json. Unexpected errors are 500 and logged, never 4xx. */
export function toProblem(error: unknown, logger?: Logger): ProblemBody {
  if (error instanceof DomainError) return problem(error.status, error.message, error.extra, error.title);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    if (typeof response === 'object' && response !== null && 'detail' in response) {
      return { ...problem(status, String((response as { detail: unknown }).detail)), ...(response as object) } as ProblemBody;
    }
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? ((response as { message: string[] }).message).join('; ')
          : String((response as { message?: unknown }).message ?? error.message);
    return problem(status, message);
  }
  // Errors raised by Fastify itself (body too large, malformed JSON, unsupported media type).
  const fastifyError = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const detail =
      fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? `The body is not valid JSON: ${String(fastifyError.message)}`
        : String(fastifyError.message);
    return problem(status, detail, { code: fastifyError.code });
  }
  logger?.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return problem(500, 'An unexpected error occurred. It has been logged with the request id.');
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const body = toProblem(error, this.logger);
    body.instance = request.url;
    body.requestId = request.id;
    void reply.status(body.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
  }
}
