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

/** Points per kind of match; the SQL that pre-ranks candidates uses the same numbers. */
export const SIMILARITY_WEIGHTS = { service: 3, gateway: 2, statusCode: 2, signal: 1, maxSignals: 3 } as const;

export function similarity(current: SimilarityInput, past: SimilarityInput): Similarity {
  const reasons: string[] = [];
  let score = 0;
  if (current.service === past.service) {
    score += SIMILARITY_WEIGHTS.service;
    reasons.push(`same service (${past.service})`);
  }
  if (current.gateway && current.gateway === past.gateway) {
    score += SIMILARITY_WEIGHTS.gateway;
    reasons.push(`same gateway (${past.gateway})`);
  }
  if (current.statusCode !== null && current.statusCode === past.statusCode) {
    score += SIMILARITY_WEIGHTS.statusCode;
    reasons.push(`same symptom (HTTP ${past.statusCode})`);
  }
  const shared = [...current.signals].filter((s) => past.signals.has(s)).sort();
  if (shared.length) {
    score += Math.min(shared.length, SIMILARITY_WEIGHTS.maxSignals) * SIMILARITY_WEIGHTS.signal;
    reasons.push(`same evidence signals (${shared.slice(0, SIMILARITY_WEIGHTS.maxSignals).join(', ')})`);
  }
  return { score, reasons };
}

/** At least the service or the gateway must match, and one more thing, to call it similar. */
export const MIN_SIMILARITY = SIMILARITY_WEIGHTS.service + 1;
