/**
 * Retry policy for webhook deliveries: exponential backoff with full jitter, so
 * many deliveries failing at once against one receiver do not retry in lockstep.
 */

/** Total delivery attempts per event, counting the first one. */
export const MAX_DELIVERY_ATTEMPTS = 8;
export const DEFAULT_RETRY_BASE_MS = 1_000;
export const DEFAULT_RETRY_MAX_MS = 15 * 60 * 1_000;
/** A jittered delay is never shorter than this, so a random() of 0 cannot mean "retry immediately". */
export const MIN_RETRY_DELAY_MS = 100;

export interface RetryDelayOptions {
  baseMs?: number;
  maxMs?: number;
  /** Uniform in [0, 1); injectable for tests. Defaults to Math.random. */
  random?: () => number;
}

export interface NextAttemptOptions extends RetryDelayOptions {
  maxAttempts?: number;
}

export interface DeliveryResult {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Network error or timeout description, when no usable response arrived. */
  error?: string;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Delay before retry number `attempt` (1 = first retry):
 * random() * min(maxMs, baseMs * 2^(attempt-1)), then clamped to [MIN_RETRY_DELAY_MS, maxMs].
 */
export function retryDelayMs(attempt: number, opts: RetryDelayOptions = {}): number {
  positiveInteger(attempt, 'attempt');
  const baseMs = opts.baseMs ?? DEFAULT_RETRY_BASE_MS;
  const maxMs = opts.maxMs ?? DEFAULT_RETRY_MAX_MS;
  if (!(baseMs > 0) || !Number.isFinite(baseMs)) throw new RangeError(`baseMs must be a positive number, got ${baseMs}`);
  if (!(maxMs > 0) || !Number.isFinite(maxMs)) throw new RangeError(`maxMs must be a positive number, got ${maxMs}`);

  // 2 ** large overflows to Infinity, which Math.min turns back into maxMs.
  const cap = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  const draw = (opts.random ?? Math.random)();
  const unit = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 0;
  const floor = Math.min(MIN_RETRY_DELAY_MS, maxMs);
  return Math.min(maxMs, Math.max(floor, Math.floor(unit * cap)));
}

export function isSuccessfulDelivery(result: DeliveryResult): boolean {
  return result.status !== undefined && result.status >= 200 && result.status < 300;
}

/**
 * Whether a failed delivery is worth retrying. A status, when present, decides;
 * without one the request never got a response (network error, timeout), which is retryable.
 * 3xx counts as permanent because deliveries do not follow redirects (SSRF guard).
 */
export function isRetryableDelivery(result: DeliveryResult): boolean {
  const { status } = result;
  if (status === undefined) return true;
  if (status >= 200 && status < 300) return false;
  if (status === 408 || status === 425 || status === 429) return true;
  return status >= 500 && status < 600;
}

/**
 * When to make the next attempt after `attemptsMade` attempts (>= 1) have failed,
 * or null when the attempt budget is spent. After attempt n the delay is retryDelayMs(n),
 * so the first retry follows retryDelayMs(1).
 */
export function nextAttemptAt(now: Date, attemptsMade: number, opts: NextAttemptOptions = {}): Date | null {
  positiveInteger(attemptsMade, 'attemptsMade');
  const maxAttempts = positiveInteger(opts.maxAttempts ?? MAX_DELIVERY_ATTEMPTS, 'maxAttempts');
  if (attemptsMade >= maxAttempts) return null;
  return new Date(now.getTime() + retryDelayMs(attemptsMade, opts));
}
