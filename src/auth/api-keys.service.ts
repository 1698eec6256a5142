import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors.js';
import { ApiKey, type ApiKeyRole } from './entities/api-key.entity.js';
import type { ApiKeyView, CreatedApiKeyView } from './dto/api-key.dto.js';
import { generateApiKey, hashApiKey, hashesEqual, parseApiKey, prefixForConfiguredKey } from './api-key-secret.js';

interface CachedKey {
  row: ApiKey;
  expires: number;
}

/** How long a verified key is trusted without another lookup; revocation elsewhere takes at most this long. */
const KEY_CACHE_MS = 5_000;
/** lastUsedAt is a hint, not an audit log: write it at most once a minute per key. */
const LAST_USED_EVERY_MS = 60_000;

@Injectable()
export class ApiKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ApiKeys');
  private readonly cache = new Map<string, CachedKey>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bootstrapAdminKey();
  }

  /** On an empty database, create the first admin key (DESIGN §6). */
  async bootstrapAdminKey(): Promise<void> {
    if ((await this.keys.count()) > 0) return;
    const configured = this.config.STEPWISE_ADMIN_KEY;
    const key = configured ?? generateApiKey().key;
    const prefix = configured ? prefixForConfiguredKey(configured) : parseApiKey(key)!.prefix;
    await this.keys.insert({ name: 'bootstrap-admin', role: 'admin', prefix, secretHash: hashApiKey(key) });
    if (configured) {
      this.logger.log('Created the bootstrap admin key from STEPWISE_ADMIN_KEY.');
      return;
    }
    const dir = path.resolve(this.config.STEPWISE_DATA_DIR);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'admin-key');
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    this.logger.log(`Created a bootstrap admin key; it is in ${file} (mode 0600). Use it to create other keys.`);
  }

  /** The key's row when the presented secret is valid and not revoked. */
  async verify(presented: string): Promise<ApiKey | null> {
    const now = Date.now();
    const hash = hashApiKey(presented);
    const cached = this.cache.get(hash);
    if (cached && cached.expires > now) return cached.row;
    const prefix = parseApiKey(presented)?.prefix ?? prefixForConfiguredKey(presented);
    const row = await this.keys.findOne({ where: { prefix, revokedAt: IsNull() } });
    if (!row || !hashesEqual(row.secretHash, hash)) return null;
    this.cache.set(hash, { row, expires: now + KEY_CACHE_MS });
    if ((this.lastUsedWritten.get(row.id) ?? 0) + LAST_USED_EVERY_MS < now) {
      this.lastUsedWritten.set(row.id, now);
      await this.keys.update({ id: row.id }, { lastUsedAt: new Date(now) });
    }
    return row;
  }

  async create(name: string, role: ApiKeyRole, createdByKeyId: string): Promise<CreatedApiKeyView> {
    const { key, prefix } = generateApiKey();
    const row = await this.keys.save(this.keys.create({ name: name.trim(), role, prefix, secretHash: hashApiKey(key), createdByKeyId }));
    return { ...toView(row), key };
  }

  async list(): Promise<ApiKeyView[]> {
    const rows = await this.keys.find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toView);
  }

  /** Revoked keys stay listed (with revokedAt) so the audit trail keeps their names. */
  async revoke(id: string): Promise<ApiKeyView> {
    return this.keys.manager.transaction(async (tx) => {
      const row = await tx.findOne(ApiKey, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('API key', id);
      if (row.revokedAt) return toView(row);
      if (row.role === 'admin') {
        const admins = await tx.count(ApiKey, { where: { role: 'admin', revokedAt: IsNull() } });
        if (admins <= 1) throw new ConflictError('This is the last active admin key; create another admin key before revoking it.');
      }
      row.revokedAt = new Date();
      await tx.save(row);
      for (const [hash, cached] of this.cache) if (cached.row.id === id) this.cache.delete(hash);
      return toView(row);
    });
  }
}

function toView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
