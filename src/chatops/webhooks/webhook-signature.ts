import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signing, so receivers can check a delivery came from us and was not replayed.
 *
 * Every delivery is a POST with the JSON envelope as body and these headers:
 *   Stepwise-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]
 *   Stepwise-Event-Id:  <envelope id>    (receivers de-duplicate on this; retries reuse it)
 *   Stepwise-Event:     <event name>, e.g. incident.created
 *   Stepwise-Timestamp: <unix seconds>   (same value as t=, for logging; only t= is signed)
 *
 * Each v1 is hex HMAC-SHA256 keyed with the whole secret string (including the
 * `whsec_` prefix) over `${t}.${body}`, body being the exact bytes sent. During
 * secret rotation we sign with both active secrets, so a receiver holding either
 * one verifies successfully.
 */
export const WEBHOOK_HEADERS = {
  signature: 'Stepwise-Signature',
  eventId: 'Stepwise-Event-Id',
  event: 'Stepwise-Event',
  timestamp: 'Stepwise-Timestamp',
} as const;

export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export interface SignWebhookInput {
  /** Active secrets, newest first; one normally, two while rotating. */
  secrets: string[];
  /** Unix seconds. */
  timestamp: number;
  body: string;
}

export interface VerifyWebhookSignatureInput {
  header: string | undefined;
  body: string;
  secret: string;
  nowSeconds: number;
  /** Maximum age (and clock skew into the future) accepted, in seconds; default 300. */
  toleranceSeconds?: number;
}

export type WebhookVerification = { ok: true } | { ok: false; reason: string };

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export function signWebhook(input: SignWebhookInput): string {
  const { secrets, timestamp, body } = input;
  if (secrets.length < 1 || secrets.length > 2) {
    throw new RangeError(`signWebhook needs 1 or 2 active secrets, got ${secrets.length}`);
  }
  if (secrets.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new TypeError('signWebhook secrets must be non-empty strings');
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`signWebhook timestamp must be whole unix seconds, got ${timestamp}`);
  }
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmacHex(secret, timestamp, body)}`)].join(',');
}

type ParsedSignatureHeader = { ok: true; timestamp: number; signatures: Buffer[] } | { ok: false; reason: string };

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Parses `t=..,v1=..[,v1=..]`. Whitespace around items is tolerated; unknown keys are ignored for forward compatibility. */
function parseSignatureHeader(header: string): ParsedSignatureHeader {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const item of header.split(',')) {
    const trimmed = item.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) return { ok: false, reason: `malformed signature header item "${trimmed}"` };
    const key = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined) return { ok: false, reason: 'signature header has more than one timestamp' };
      if (!/^\d{1,15}$/.test(value)) return { ok: false, reason: 'signature header timestamp is not unix seconds' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!SHA256_HEX.test(value)) return { ok: false, reason: 'signature header v1 is not a SHA-256 hex digest' };
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined) return { ok: false, reason: 'signature header has no timestamp' };
  if (signatures.length === 0) return { ok: false, reason: 'signature header has no v1 signature' };
  return { ok: true, timestamp, signatures };
}

/** What receivers (including our e2e receiver) call with the raw request body. */
export function verifyWebhookSignature(input: VerifyWebhookSignatureInput): WebhookVerification {
  const { header, body, secret, nowSeconds } = input;
  const tolerance = input.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing signature header' };
  if (secret === '') return { ok: false, reason: 'no secret to verify with' };
  if (!Number.isFinite(nowSeconds)) return { ok: false, reason: 'current time is not a number' };
  if (!Number.isFinite(tolerance) || tolerance < 0) return { ok: false, reason: 'tolerance must be a non-negative number' };

  const parsed = parseSignatureHeader(header);
  if (!parsed.ok) return parsed;
  // Checked both ways: too old is a replay, too far ahead is a forged or badly skewed clock.
  if (Math.abs(nowSeconds - parsed.timestamp) > tolerance) {
    return { ok: false, reason: 'signature timestamp is outside the tolerance window' };
  }

  const expected = Buffer.from(hmacHex(secret, parsed.timestamp, body), 'hex');
  let matched = false;
  for (const candidate of parsed.signatures) {
    // Both are 32 bytes (parse enforces 64 hex chars), so timingSafeEqual cannot throw on length.
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'no signature matches' };
}

export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64url');
}
