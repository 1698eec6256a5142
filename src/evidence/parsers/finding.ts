import type { CauseCategory } from '../../diagnosis/cause-category.js';

/** Where in a piece of evidence a finding was read. */
export interface FindingLocation {
  /** 1-based line number in a log file. */
  line?: number;
  /** 0-based index into a HAR's log.entries. */
  entry?: number;
}

/**
 * One piece of evidence for a cause, as a parser extracted it (DESIGN §2 "Finding").
 * `weight` is a likelihood ratio (> 1): how many times more likely this observation is
 * when `category` is the cause than when it is not. Scoring multiplies odds by it.
 */
export interface Finding {
  category: CauseCategory;
  /** Stable machine name of what was seen, e.g. `nginx.connect_refused`, `envoy.flag.UF`. */
  signal: string;
  weight: number;
  /** The line or header text that proves it (trimmed to at most 500 characters). */
  excerpt: string;
  location: FindingLocation;
  /** ISO-8601 UTC instant read from the evidence, when it has one. */
  observedAt: string | null;
  /** The upstream address or name the line names, when it names one. */
  upstream: string | null;
  /** Anything else worth keeping (status codes, flags, timings). */
  detail?: Record<string, unknown>;
}
