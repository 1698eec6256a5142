/**
 * How alike two incidents are, for "has this happened before?". Plain data in, a score and the
 * reasons out: deterministic, so the same history gives the same answer.
 */
export interface SimilarityInput {
  service: string;
  gateway: string | null;
  statusCode: number | null;
  signals: ReadonlySet<string>;
}

export interface Similarity {
  score: number;
  reasons: string[];
}

const WEIGHTS = { service: 3, gateway: 2, statusCode: 2, signal: 1, maxSignals: 3 } as const;

export function similarity(current: SimilarityInput, past: SimilarityInput): Similarity {
  const reasons: string[] = [];
  let score = 0;
  if (current.service === past.service) {
    score += WEIGHTS.service;
    reasons.push(`same service (${past.service})`);
  }
  if (current.gateway && current.gateway === past.gateway) {
    score += WEIGHTS.gateway;
    reasons.push(`same gateway (${past.gateway})`);
  }
  if (current.statusCode !== null && current.statusCode === past.statusCode) {
    score += WEIGHTS.statusCode;
    reasons.push(`same symptom (HTTP ${past.statusCode})`);
  }
  const shared = [...current.signals].filter((s) => past.signals.has(s)).sort();
  if (shared.length) {
    score += Math.min(shared.length, WEIGHTS.maxSignals) * WEIGHTS.signal;
    reasons.push(`same evidence signals (${shared.slice(0, WEIGHTS.maxSignals).join(', ')})`);
  }
  return { score, reasons };
}

/** At least the service or the gateway must match, and one more thing, to call it similar. */
export const MIN_SIMILARITY = WEIGHTS.service + 1;
