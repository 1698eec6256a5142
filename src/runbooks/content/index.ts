import type { Gateway } from '../../diagnosis/cause-category.js';
import { HTTP_502_RUNBOOK } from './http-502.js';
import { HTTP_503_RUNBOOK } from './http-503.js';
import { HTTP_504_RUNBOOK } from './http-504.js';
import type { GatewayCheck, RunbookDefinition, RunbookStepDefinition } from './runbook-types.js';

export { HTTP_502_RUNBOOK } from './http-502.js';
export { HTTP_503_RUNBOOK } from './http-503.js';
export { HTTP_504_RUNBOOK } from './http-504.js';
export {
  CHECK_PLACEHOLDERS,
  PLACEHOLDER_MARKERS,
  fillCheckCommand,
  placeholdersIn,
  shellQuote,
  type CheckContext,
  type CheckPlaceholder,
} from './placeholders.js';
export { REPEATABLE_STEP_KEYS, RUNBOOK_FLOWS, RUNBOOK_STEP_KEYS, type RunbookFlow, type RunbookStepKey } from './step-keys.js';

/** The runbooks Stepwise seeds on an empty database, each at version 1. */
export const SEEDED_RUNBOOKS: RunbookDefinition[] = [HTTP_502_RUNBOOK, HTTP_503_RUNBOOK, HTTP_504_RUNBOOK];

/** Cloudflare's 52x codes that are timeouts: 522 (connect) and 524 (proxy read). */
const CLOUDFLARE_TIMEOUTS: readonly number[] = [522, 524];

/**
 * The runbook for an incident's status: 503 → `http-503`; 504 and Cloudflare's timeout codes
 * 522/524 → `http-504`; 502, the other Cloudflare 52x codes, anything else and no status at all →
 * `http-502` (the seed flow).
 *
 * The gateway does not change the choice: a 52x reaches the client from Cloudflare even when the
 * incident names the gateway behind it, and every runbook carries checks for every gateway.
 */
export function selectRunbookKey(statusCode: number | undefined, _gateway?: Gateway): string {
  if (statusCode === 503) return HTTP_503_RUNBOOK.key;
  if (statusCode === 504 || (statusCode !== undefined && CLOUDFLARE_TIMEOUTS.includes(statusCode))) return HTTP_504_RUNBOOK.key;
  return HTTP_502_RUNBOOK.key;
}

/** A seeded runbook by key, or undefined. */
export function findSeededRunbook(key: string): RunbookDefinition | undefined {
  return SEEDED_RUNBOOKS.find((runbook) => runbook.key === key);
}

/**
 * The checks of a step that apply to an incident: vendor-neutral ones first, then the gateway's
 * own. Without a gateway (or with `other`) only the vendor-neutral checks apply.
 */
export function checksForGateway(step: RunbookStepDefinition, gateway?: Gateway): GatewayCheck[] {
  return step.checks.filter((check) => check.gateway === 'any' || (gateway !== undefined && check.gateway === gateway));
}
