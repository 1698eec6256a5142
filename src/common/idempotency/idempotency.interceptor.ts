import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Principal } from '../../auth/principal.js';
import { ValidationError } from '../errors/domain-errors.js';
import { IdempotencyService } from './idempotency.service.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on any POST (DESIGN §6): the same key and body from the same API key answer the
 * first response again without doing the work twice; the same key with another body is 422.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal; idempotencyFingerprint?: string }>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || !request.principal) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY_PATTERN.test(key)) {
      throw new ValidationError([{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1-255 visible ASCII characters' }]);
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    const principal = request.principal;
    const path = request.url.split('?')[0];
    // Multipart uploads are not parsed before the handler runs: their length stands in for the body.
    const fingerprint = this.idempotency.fingerprint(request.method, path, request.body ?? request.headers['content-length'] ?? '');
    return from(this.run(principal.keyId, key, fingerprint, status, reply, next));
  }

  private async run(apiKeyId: string, key: string, fingerprint: string, status: number, reply: FastifyReply, next: CallHandler): Promise<unknown> {
    const claim = await this.idempotency.claim(apiKeyId, key, fingerprint);
    if (claim.kind === 'replay') {
      void reply.header('idempotent-replayed', 'true');
      if (claim.status !== status) void reply.status(claim.status);
      return claim.body;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.idempotency.complete(claim.recordId, status, body ?? null);
      return body;
    } catch (error) {
      await this.idempotency.release(claim.recordId);
      throw error;
    }
  }
}
