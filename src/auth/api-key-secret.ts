import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Keys look like `sw_<prefix>_<secret>`; the prefix finds the row, the hash proves the secret. */
const KEY_PATTERN = /^sw_([a-z0-9]{12})_([A-Za-z0-9_-]{32,})$/;

export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secret = randomBytes(24).toString('base64url');
  return { key: `sw_${prefix}_${secret}`, prefix };
}

export function parseApiKey(key: string): { prefix: string } | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1] } : null;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A configured bootstrap key (STEPWISE_ADMIN_KEY) may have any shape; give it a prefix of its own. */
export function prefixForConfiguredKey(key: string): string {
  return parseApiKey(key)?.prefix ?? `cfg${hashApiKey(key).slice(0, 9)}`;
}
