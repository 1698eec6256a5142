import type { GatewayCheck } from '../runbook-types.js';
import type { RunbookFlow, RunbookStepKey } from '../step-keys.js';

/** Checks of one gateway (or `any`) for the steps where it has something to add. */
export type StepChecks = Partial<Record<RunbookStepKey, GatewayCheck[]>>;

/** A gateway's checks for one flow: each gateway module exports one of these. */
export type FlowChecks = (flow: RunbookFlow) => StepChecks;

/** Multi-line commands and texts are written as one line per argument. */
export function lines(...parts: string[]): string {
  return parts.join('\n');
}
