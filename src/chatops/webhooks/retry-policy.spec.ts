import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_RETRY_MAX_MS,
  isRetryableDelivery,
  isSuccessfulDelivery,
  MAX_DELIVERY_ATTEMPTS,
  MIN_RETRY_DELAY_MS,
  nextAttemptAt,
  retryDelayMs,
} from './retry-policy.js';

/** Small seeded PRNG (mulberry32) so the "many draws" test is reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('retryDelayMs', () => {
  it('grows the cap exponentially from 1s (random just below 1 gives the cap)', () => {
    const nearOne = () => 0.999;
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, { random: nearOne })),
      [999, 1998, 3996, 7992, 15984],
    );
  });

  it('returns the floor when random() is 0', () => {
    for (const attempt of [1, 2, 5, 20]) assert.equal(retryDelayMs(attempt, { random: () => 0 }), MIN_RETRY_DELAY_MS);
  });

  it('is jittered across the whole range below the cap', () => {
    assert.equal(retryDelayMs(4, { random: () => 0.5 }), 4000);
    assert.equal(retryDelayMs(4, { random: () => 0.25 }), 2000);
  });

  it('never exceeds 15 minutes by default, even for huge attempt numbers', () => {
    assert.equal(retryDelayMs(11, { random: () => 0.999 }), Math.floor(0.999 * DEFAULT_RETRY_MAX_MS));
    assert.equal(retryDelayMs(2000, { random: () => 0.999 }), Math.floor(0.999 * DEFAULT_RETRY_MAX_MS));
    assert.equal(retryDelayMs(2000, { random: () => 1 }), DEFAULT_RETRY_MAX_MS);
  });

  it('stays within [floor, min(max, base*2^(n-1))] over many random draws', () => {
    const random = seededRandom(42);
    const opts = { baseMs: 500, maxMs: 60_000, random };
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const cap = Math.min(60_000, 500 * 2 ** (attempt - 1));
      let lowest = Infinity;
      let highest = -Infinity;
      for (let draw = 0; draw < 2_000; draw += 1) {
        const delay = retryDelayMs(attempt, opts);
        assert.ok(Number.isInteger(delay), `integer delay, got ${delay}`);
        assert.ok(delay >= MIN_RETRY_DELAY_MS && delay <= cap, `attempt ${attempt}: ${delay} outside [${MIN_RETRY_DELAY_MS}, ${cap}]`);
        lowest = Math.min(lowest, delay);
        highest = Math.max(highest, delay);
      }
      // Full jitter: the draws should spread over most of the range, not cluster at the cap.
      assert.ok(highest > cap * 0.9, `attempt ${attempt}: highest ${highest} vs cap ${cap}`);
      assert.ok(lowest < Math.max(MIN_RETRY_DELAY_MS, cap * 0.1) + 1, `attempt ${attempt}: lowest ${lowest} vs cap ${cap}`);
    }
  });

  it('has a cap that never decreases with the attempt number', () => {
    const nearOne = () => 0.999;
    let previous = 0;
    for (let attempt = 1; attempt <= 40; attempt += 1) {
      const delay = retryDelayMs(attempt, { random: nearOne });
      assert.ok(delay >= previous, `attempt ${attempt}: ${delay} < ${previous}`);
      previous = delay;
    }
  });

  it('honours custom base and max, keeping the floor below max', () => {
    assert.equal(retryDelayMs(3, { baseMs: 200, random: () => 0.5 }), 400);
    assert.equal(retryDelayMs(10, { baseMs: 200, maxMs: 5_000, random: () => 0.999 }), 4995);
    assert.equal(retryDelayMs(1, { baseMs: 10, maxMs: 50, random: () => 0 }), 50, 'floor is clamped to max');
  });

  it('clamps misbehaving random sources', () => {
    assert.equal(retryDelayMs(1, { random: () => -3 }), MIN_RETRY_DELAY_MS);
    assert.equal(retryDelayMs(1, { random: () => 7 }), 1000);
    assert.equal(retryDelayMs(1, { random: () => Number.NaN }), MIN_RETRY_DELAY_MS);
  });

  it('refuses invalid attempts and options', () => {
    for (const attempt of [0, -1, 1.5, Number.NaN]) assert.throws(() => retryDelayMs(attempt), RangeError, String(attempt));
    assert.throws(() => retryDelayMs(1, { baseMs: 0 }), RangeError);
    assert.throws(() => retryDelayMs(1, { maxMs: -1 }), RangeError);
    assert.throws(() => retryDelayMs(1, { maxMs: Infinity }), RangeError);
  });
});

describe('isRetryableDelivery', () => {
  const table: [string, { status?: number; error?: string }, boolean][] = [
    ['connection refused', { error: 'ECONNREFUSED' }, true],
    ['timeout', { error: 'timeout after 10000ms' }, true],
    ['no response, no error text', {}, true],
    ['200', { status: 200 }, false],
    ['204', { status: 204 }, false],
    ['301 (redirects are not followed)', { status: 301 }, false],
    ['400', { status: 400 }, false],
    ['401', { status: 401 }, false],
    ['403', { status: 403 }, false],
    ['404', { status: 404 }, false],
    ['408', { status: 408 }, true],
    ['410', { status: 410 }, false],
    ['413', { status: 413 }, false],
    ['422', { status: 422 }, false],
    ['425', { status: 425 }, true],
    ['429', { status: 429 }, true],
    ['500', { status: 500 }, true],
    ['502', { status: 502 }, true],
    ['503', { status: 503 }, true],
    ['504', { status: 504 }, true],
    ['599', { status: 599 }, true],
  ];
  for (const [name, result, retryable] of table) {
    it(`${name} is ${retryable ? '' : 'not '}retryable`, () => assert.equal(isRetryableDelivery(result), retryable));
  }

  it('calls only 2xx a success', () => {
    assert.equal(isSuccessfulDelivery({ status: 200 }), true);
    assert.equal(isSuccessfulDelivery({ status: 299 }), true);
    assert.equal(isSuccessfulDelivery({ status: 300 }), false);
    assert.equal(isSuccessfulDelivery({ status: 500 }), false);
    assert.equal(isSuccessfulDelivery({ error: 'ECONNRESET' }), false);
  });
});

describe('nextAttemptAt', () => {
  const now = new Date('2024-05-01T12:00:00.000Z');

  it('schedules the retry after retryDelayMs(attemptsMade)', () => {
    assert.equal(nextAttemptAt(now, 1, { random: () => 0.5 })?.toISOString(), '2024-05-01T12:00:00.500Z');
    assert.equal(nextAttemptAt(now, 3, { random: () => 0.5 })?.toISOString(), '2024-05-01T12:00:02.000Z');
  });

  it('gives up once the attempt budget is spent', () => {
    assert.notEqual(nextAttemptAt(now, MAX_DELIVERY_ATTEMPTS - 1, { random: () => 0.5 }), null);
    assert.equal(nextAttemptAt(now, MAX_DELIVERY_ATTEMPTS), null);
    assert.equal(nextAttemptAt(now, MAX_DELIVERY_ATTEMPTS + 5), null);
    assert.equal(nextAttemptAt(now, 3, { maxAttempts: 3 }), null);
    assert.notEqual(nextAttemptAt(now, 2, { maxAttempts: 3 }), null);
  });

  it('does not mutate now', () => {
    const before = now.getTime();
    nextAttemptAt(now, 2);
    assert.equal(now.getTime(), before);
  });

  it('refuses a non-positive attempt count or budget', () => {
    assert.throws(() => nextAttemptAt(now, 0), RangeError);
    assert.throws(() => nextAttemptAt(now, 1, { maxAttempts: 0 }), RangeError);
  });
});
