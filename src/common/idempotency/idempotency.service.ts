import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { ConflictError, UnprocessableError } from '../errors/domain-errors.js';
import { IdempotencyRecord } from './idempotency-record.entity.js';

/** How long a key is remembered. Bots retry within minutes; a day covers a paged-out human too. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a duplicate waits for the first request to finish before it is told to retry later. */
const WAIT_FOR_FIRST_MS = 15_000;
const POLL_MS = 25;

export type Claim = { kind: 'claimed'; recordId: string } | { kind: 'replay'; status: number; body: unknown };

@Injectable()
export class IdempotencyService {
  private lastSweep = 0;

  constructor(@InjectRepository(IdempotencyRecord) private readonly records: Repository<IdempotencyRecord>) {}

  fingerprint(method: string, path: string, body: unknown): string {
    return createHash('sha256').update(`${method} ${path}\n${stableJson(body)}`).digest('hex');
  }

  /**
   * Claims the key for this request, or answers the first request's response. The unique index on
   * (api key, key) makes concurrent claims race safely: exactly one insert wins, the rest wait for it.
   */
  async claim(apiKeyId: string, key: string, fingerprint: string): Promise<Claim> {
    await this.sweep();
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const inserted = await this.records
        .createQueryBuilder()
        .insert()
        .values({ apiKeyId, key, fingerprint, state: 'in_progress' })
        .orIgnore()
        .returning(['id'])
        .execute();
      const id = (inserted.raw as Array<{ id: string }>)[0]?.id;
      if (id) return { kind: 'claimed', recordId: id };
      const existing = await this.records.findOne({ where: { apiKeyId, key } });
      if (!existing) continue; // the first request failed and released the key: try to claim it again
      if (existing.fingerprint !== fingerprint) {
        throw new UnprocessableError(
          'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
          { idempotencyKey: key },
        );
      }
      if (existing.state === 'completed') return { kind: 'replay', status: existing.responseStatus ?? 200, body: existing.responseBody };
      if (Date.now() > deadline) {
        throw new ConflictError('A request with this Idempotency-Key is still being processed; retry shortly.', { idempotencyKey: key });
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async complete(recordId: string, status: number, body: unknown): Promise<void> {
    await this.records.update({ id: recordId }, { state: 'completed', responseStatus: status, responseBody: body as object, completedAt: new Date() });
  }

  /** A failed request leaves nothing behind, so the client may retry with the same key. */
  async release(recordId: string): Promise<void> {
    await this.records.delete({ id: recordId });
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    await this.records.delete({ createdAt: LessThan(new Date(now - IDEMPOTENCY_TTL_MS)) });
  }
}

/** JSON with sorted keys, so `{a,b}` and `{b,a}` are the same request. */
export function stableJson(value: unknown): string {
  if (value === undefined) return '';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => stableJson(v) || 'null').join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}
