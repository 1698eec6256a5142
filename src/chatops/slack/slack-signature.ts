import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack request signing (v0): Slack sends `X-Slack-Request-Timestamp` and
 * `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>" keyed by the signing secret>`.
 * The body must be the exact bytes received, before any form/JSON parsing.
 */

export const SLACK_SIGNATURE_VERSION = 'v0';
export const DEFAULT_SLACK_TOLERANCE_SECONDS = 300;

export interface SlackSignatureInput {
  signingSecret: string;
  /** Value of the `X-Slack-Request-Timestamp` header (Unix seconds). */
  timestamp: string | undefined;
  /** Value of the `X-Slack-Signature` header (`v0=<hex>`). */
  signature: string | undefined;
  rawBody: Buffer | string;
  nowSeconds: number;
  /** Largest accepted distance between `timestamp` and `nowSeconds`, either way. Default 300. */
  toleranceSeconds?: number;
}

export type SlackSignatureResult = { ok: true } | { ok: false; reason: string };

// Unix seconds; 12 digits is far beyond any plausible date and keeps Number() exact.
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v0=[0-9a-f]+$/i;

/** The `v0=<hex>` signature Slack would send for this request. */
export function signSlackRequest(signingSecret: string, timestamp: string | number, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`${SLACK_SIGNATURE_VERSION}:${timestamp}:`, 'utf8');
  // A Buffer is hashed as received; re-encoding it could change the bytes Slack signed.
  if (typeof rawBody === 'string') hmac.update(rawBody, 'utf8');
  else hmac.update(rawBody);
  return `${SLACK_SIGNATURE_VERSION}=${hmac.digest('hex')}`;
}

/** Checks a Slack request's signature and that its timestamp is inside the replay window. */
export function verifySlackSignature(input: SlackSignatureInput): SlackSignatureResult {
  const { signingSecret, timestamp, signature, rawBody, nowSeconds } = input;
  const tolerance = input.toleranceSeconds ?? DEFAULT_SLACK_TOLERANCE_SECONDS;

  if (!signingSecret) return { ok: false, reason: 'signing secret is not configured' };
  if (!Number.isFinite(nowSeconds)) return { ok: false, reason: 'current time is not a finite number' };
  if (!Number.isFinite(tolerance) || tolerance < 0) return { ok: false, reason: 'tolerance must be a non-negative number of seconds' };
  if (timestamp === undefined || timestamp === '') return { ok: false, reason: 'missing X-Slack-Request-Timestamp header' };
  if (signature === undefined || signature === '') return { ok: false, reason: 'missing X-Slack-Signature header' };

  const trimmedTimestamp = timestamp.trim();
  if (!TIMESTAMP.test(trimmedTimestamp)) return { ok: false, reason: 'X-Slack-Request-Timestamp is not a whole number of seconds' };
  const sentAt = Number(trimmedTimestamp);
  if (nowSeconds - sentAt > tolerance) return { ok: false, reason: `request timestamp is more than ${tolerance}s old` };
  if (sentAt - nowSeconds > tolerance) return { ok: false, reason: `request timestamp is more than ${tolerance}s in the future` };

  const given = signature.trim();
  if (!SIGNATURE.test(given)) return { ok: false, reason: 'X-Slack-Signature is not of the form v0=<hex>' };

  // Sign the header value exactly as sent: Slack signed that string, not a re-formatted number.
  const expected = signSlackRequest(signingSecret, trimmedTimestamp, rawBody);
  if (!constantTimeEqual(expected, given.toLowerCase())) return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}

/** timingSafeEqual throws on unequal lengths; a length difference is itself a mismatch. */
function constantTimeEqual(expected: string, given: string): boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  const givenBytes = Buffer.from(given, 'utf8');
  if (expectedBytes.length !== givenBytes.length) {
    // Still spend a comparison so a wrong length costs about as much as a wrong digest.
    timingSafeEqual(expectedBytes, expectedBytes);
    return false;
  }
  return timingSafeEqual(expectedBytes, givenBytes);
}
