/** The six steps every seeded runbook follows, in order (DESIGN §3). */
export const RUNBOOK_STEP_KEYS = [
  'confirm',
  'upstream-health',
  'gateway-config',
  'isolate',
  'restart-flush',
  'verify-monitor',
] as const;

export type RunbookStepKey = (typeof RUNBOOK_STEP_KEYS)[number];

/** Steps that may be done again after they are done (DESIGN §3: steps 5 and 6). */
export const REPEATABLE_STEP_KEYS: readonly RunbookStepKey[] = ['restart-flush', 'verify-monitor'];

/** The seeded flows: one runbook key per status family. */
export const RUNBOOK_FLOWS = ['http-502', 'http-503', 'http-504'] as const;

export type RunbookFlow = (typeof RUNBOOK_FLOWS)[number];
