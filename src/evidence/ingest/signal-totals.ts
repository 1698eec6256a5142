import type { Finding } from '../parsers/finding.js';

/**
 * How many times each signal was seen in one piece of evidence, read from its parse summary. Parsers
 * keep only the first findings of each signal (20 by default: excerpts enough to quote) but count
 * them all: a log's `summary.signals[signal].count`, a HAR's `summary.signalCounts[signal]`.
 */
export function signalTotals(summary: unknown): Map<string, number> {
  const totals = new Map<string, number>();
  if (!summary || typeof summary !== 'object') return totals;
  const { signals, signalCounts } = summary as { signals?: unknown; signalCounts?: unknown };
  if (signals && typeof signals === 'object') {
    for (const [signal, value] of Object.entries(signals as Record<string, unknown>)) {
      const count = (value as { count?: unknown } | null)?.count;
      if (typeof count === 'number' && Number.isFinite(count) && count > 0) totals.set(signal, count);
    }
  }
  if (signalCounts && typeof signalCounts === 'object') {
    for (const [signal, count] of Object.entries(signalCounts as Record<string, unknown>)) {
      if (typeof count === 'number' && Number.isFinite(count) && count > 0) totals.set(signal, Math.max(count, totals.get(signal) ?? 0));
    }
  }
  return totals;
}

/** The findings, each told how often its signal was seen in its evidence (see signalTotals). */
export function withOccurrences<T extends Finding>(findings: T[], totals: Map<string, number>): Array<T & { occurrences?: number }> {
  return findings.map((finding) => {
    const occurrences = totals.get(finding.signal);
    return occurrences === undefined ? finding : { ...finding, occurrences };
  });
}
