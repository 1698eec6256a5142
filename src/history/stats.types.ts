/** The shapes of the reliability figures (`GET /v1/stats`), shared by the service, CSV and report. Plain types. */

/** Percentiles interpolate linearly between the closest ranks (Postgres `percentile_cont`). */
export interface DurationStat {
  p50Seconds: number | null;
  p90Seconds: number | null;
  meanSeconds: number | null;
  /** Incidents the figure is computed from. */
  count: number;
  /** Incidents in the window without the timestamps this metric needs (never counted as zero). */
  missing: number;
}

export interface StepStat {
  key: string;
  title: string;
  position: number;
  completed: number;
  skipped: number;
  /** Incidents whose confirmed cause this step's outcome supported. */
  foundCause: number;
  medianSecondsSpent: number | null;
  meanSecondsSpent: number | null;
}

export interface WeekStat {
  /** Monday of the ISO week, UTC. */
  weekStart: string;
  total: number;
  byCategory: Record<string, number>;
  timeToResolve: { p50Seconds: number | null; p90Seconds: number | null; count: number };
}

export interface RecurringCause {
  service: string;
  category: string;
  count: number;
  refs: string[];
}

export interface Stats {
  from: string;
  to: string;
  service: string | null;
  severity: string | null;
  gateway: string | null;
  incidents: number;
  timeToAcknowledge: DurationStat;
  timeToMitigate: DurationStat;
  timeToResolve: DurationStat;
  /** Incidents by confirmed primary cause; `UNCLASSIFIED` when none is confirmed yet. */
  byCategory: Record<string, number>;
  byService: Record<string, number>;
  bySeverity: Record<string, number>;
  /** `none` when no gateway was recorded. */
  byGateway: Record<string, number>;
  /** Same service and confirmed cause category on more than one incident in the window. */
  recurring: RecurringCause[];
  steps: StepStat[];
  /** The runbook step that most often supported the confirmed cause. */
  causeMostOftenFoundBy: { key: string; title: string; count: number } | null;
  weekly: WeekStat[];
}
