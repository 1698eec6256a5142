import { TIMING_PHASES, type EntryTimings, type TimingPhase } from './har-types.js';

function readMs(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  // HAR uses -1 for "does not apply" (e.g. connect on a reused connection); any negative means the same.
  return Number.isFinite(number) && number >= 0 ? number : null;
}

/**
 * Read `entry.timings` into disjoint phases. HAR 1.2 says `connect` includes `ssl` (kept for 1.1
 * compatibility), so TCP connect time is `connect - ssl`; when a tool reports `ssl` larger than `connect`
 * it evidently did not include it, and `connect` is kept as it is.
 */
export function normalizeTimings(raw: unknown): EntryTimings {
  const source = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const timings = {} as EntryTimings;
  for (const phase of TIMING_PHASES) timings[phase] = readMs(source[phase]);
  if (timings.connect !== null && timings.ssl !== null && timings.ssl <= timings.connect) {
    timings.connect = roundMs(timings.connect - timings.ssl);
  }
  return timings;
}

function roundMs(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The phase that took longest, or null when none took any time. */
export function slowestPhase(timings: Record<TimingPhase, number | null>): TimingPhase | null {
  let best: TimingPhase | null = null;
  let bestValue = 0;
  for (const phase of TIMING_PHASES) {
    const value = timings[phase];
    if (value !== null && value > bestValue) {
      best = phase;
      bestValue = value;
    }
  }
  return best;
}

export function emptyTimingTotals(): Record<TimingPhase, number> {
  return { blocked: 0, dns: 0, connect: 0, ssl: 0, send: 0, wait: 0, receive: 0 };
}

export function addTimings(totals: Record<TimingPhase, number>, timings: EntryTimings): void {
  for (const phase of TIMING_PHASES) {
    const value = timings[phase];
    if (value !== null) totals[phase] += value;
  }
}

/** Well-known gateway timeouts, seconds: 30 and 60 (nginx `proxy_read_timeout`, ALB idle timeout), 90/100/120 (Cloudflare), 300. */
export const GATEWAY_TIMEOUTS_S = [30, 60, 90, 100, 120, 300] as const;

/** The gateway timeout a wait matches (within -1 s/+2 s, scaled for long ones), or null. */
export function nearGatewayTimeout(waitMs: number): number | null {
  for (const seconds of GATEWAY_TIMEOUTS_S) {
    const slack = Math.max(1000, seconds * 10);
    if (waitMs >= seconds * 1000 - slack && waitMs <= seconds * 1000 + 2 * slack) return seconds;
  }
  return null;
}
