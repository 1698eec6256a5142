import type { IncidentEffect, RunbookStepDefinition } from '../runbooks/content/runbook-types.js';

/**
 * How an incident moves through its runbook's steps (DESIGN §3), as plain data and functions.
 *
 * - Steps are done in order: a step may be started or skipped only when every earlier step is
 *   `done` or `skipped`.
 * - `start` needs `pending`; a repeatable step (502 flow: steps 5 and 6) may also be started again
 *   when `done`, which begins a new attempt.
 * - `complete` needs `in_progress`. A `pending` step whose earlier steps are finished may be completed
 *   directly (start and complete in one call), since responders often report a check they already ran.
 * - `skip` needs `pending` or `in_progress` and a non-blank reason.
 * - `blocked` (set elsewhere, e.g. waiting on another team) behaves like `in_progress` for `complete`
 *   and `skip`: the responder can still report what they found or give up on the step with a reason.
 *   It cannot be started: it is already under way, and whoever blocked it unblocks it.
 * - An outcome whose `incidentEffect` is `reopen` (`verify-monitor` → `recurring`) records the outcome,
 *   then puts every step after the first back to `pending` for another pass. The first step keeps its
 *   result: the error was confirmed, and re-confirming it is not what a recurrence asks for.
 *
 * Errors are checked in this order: unknown step, the step's status, the order of steps, then the
 * payload (outcome or reason). A status that forbids the action is reported even when the order is
 * also wrong, because finishing earlier steps would not make the action possible.
 */

export const STEP_STATUSES = ['pending', 'in_progress', 'done', 'skipped', 'blocked'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const STEP_ACTION_KINDS = ['start', 'complete', 'skip'] as const;
export type StepActionKind = (typeof STEP_ACTION_KINDS)[number];

export interface StepState {
  key: string;
  position: number;
  status: StepStatus;
  outcome: string | null;
  /** How many times the step has been started (a direct complete counts as a start). */
  attempts: number;
}

export type StepAction =
  | { kind: 'start' }
  | { kind: 'complete'; outcome: string }
  | { kind: 'skip'; reason: string };

export type StepError =
  | { code: 'UNKNOWN_STEP'; key: string; known: string[]; message: string }
  | { code: 'OUT_OF_ORDER'; key: string; mustFirst: string; message: string }
  | { code: 'INVALID_STATE'; key: string; status: StepStatus; allowed: StepActionKind[]; message: string }
  | { code: 'UNKNOWN_OUTCOME'; key: string; outcome: string; validOutcomes: string[]; message: string }
  | { code: 'REASON_REQUIRED'; key: string; message: string };

export interface StepTransition {
  ok: true;
  action: StepActionKind;
  /** The target step's status before the action. */
  from: StepStatus;
  /**
   * The target step right after the action. For a reopen this is the step `done` with its outcome,
   * as history should record it, before the reset that `reset` describes.
   */
  step: StepState;
  /** The trimmed skip reason, for `skip`; otherwise null. */
  skipReason: string | null;
  /** What the recorded outcome does to the incident (from the outcome definition); null if nothing. */
  incidentEffect: IncidentEffect | null;
  /**
   * Steps put back to `pending` by a reopen, in position order, in their new state (outcome cleared,
   * attempts kept so later passes count on). May include the target step. Empty otherwise.
   */
  reset: StepState[];
}

export type StepDecision = StepTransition | { ok: false; error: StepError };

const FINISHED: readonly StepStatus[] = ['done', 'skipped'];

function byPosition(a: StepState, b: StepState): number {
  return a.position - b.position || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function sorted(steps: readonly StepState[]): StepState[] {
  return [...steps].sort(byPosition);
}

/** The earliest step before `target` that is neither done nor skipped, if any. */
function firstUnfinishedBefore(steps: readonly StepState[], target: StepState): StepState | undefined {
  return sorted(steps).find((s) => s.position < target.position && !FINISHED.includes(s.status));
}

/** The actions the status allows, before the order of steps is considered. */
function actionsForStatus(status: StepStatus, repeatable: boolean): StepActionKind[] {
  switch (status) {
    case 'pending':
      return ['start', 'complete', 'skip'];
    case 'in_progress':
    case 'blocked':
      return ['complete', 'skip'];
    case 'done':
      return repeatable ? ['start'] : [];
    case 'skipped':
      return [];
  }
}

/**
 * Whether the action needs every earlier step finished. Completing a step that is already under way
 * does not: its start was checked when it happened, and a repeatable earlier step being redone must
 * not stop a later step from being reported.
 */
function needsOrder(action: StepActionKind, status: StepStatus): boolean {
  return action !== 'complete' || status === 'pending';
}

/**
 * Actions that would be accepted now for the step (assuming a valid outcome or a reason is given),
 * in the order start, complete, skip. Unknown steps allow nothing.
 */
export function allowedActions(
  steps: readonly StepState[],
  definitions: readonly RunbookStepDefinition[],
  key: string,
): StepActionKind[] {
  const target = steps.find((s) => s.key === key);
  const definition = definitions.find((d) => d.key === key);
  if (!target || !definition) return [];
  const predecessorsFinished = firstUnfinishedBefore(steps, target) === undefined;
  return actionsForStatus(target.status, definition.repeatable).filter(
    (action) => predecessorsFinished || !needsOrder(action, target.status),
  );
}

/** Decides what an action does to the incident's steps, or why it is refused. Pure. */
export function decideStepAction(
  steps: readonly StepState[],
  definitions: readonly RunbookStepDefinition[],
  key: string,
  action: StepAction,
): StepDecision {
  const target = steps.find((s) => s.key === key);
  const definition = definitions.find((d) => d.key === key);
  if (!target || !definition) {
    const defined = new Set(definitions.map((d) => d.key));
    const known = sorted(steps)
      .filter((s) => defined.has(s.key))
      .map((s) => s.key);
    return fail({ code: 'UNKNOWN_STEP', key, known, message: `Unknown step "${key}"; known steps: ${known.join(', ')}.` });
  }

  if (!actionsForStatus(target.status, definition.repeatable).includes(action.kind)) {
    const allowed = allowedActions(steps, definitions, key);
    const what = allowed.length === 0 ? 'nothing is allowed' : `allowed: ${allowed.join(', ')}`;
    return fail({
      code: 'INVALID_STATE',
      key,
      status: target.status,
      allowed,
      message: `Cannot ${action.kind} step "${key}" while it is ${target.status}; ${what}.`,
    });
  }

  if (needsOrder(action.kind, target.status)) {
    const blocker = firstUnfinishedBefore(steps, target);
    if (blocker) {
      return fail({
        code: 'OUT_OF_ORDER',
        key,
        mustFirst: blocker.key,
        message: `Step "${blocker.key}" must be done or skipped before step "${key}" can be ${pastTense(action.kind)}.`,
      });
    }
  }

  switch (action.kind) {
    case 'start':
      return {
        ok: true,
        action: 'start',
        from: target.status,
        step: { ...target, status: 'in_progress', outcome: null, attempts: target.attempts + 1 },
        skipReason: null,
        incidentEffect: null,
        reset: [],
      };
    case 'skip': {
      const reason = typeof action.reason === 'string' ? action.reason.trim() : '';
      if (reason === '') {
        return fail({ code: 'REASON_REQUIRED', key, message: `Skipping step "${key}" needs a reason.` });
      }
      return {
        ok: true,
        action: 'skip',
        from: target.status,
        step: { ...target, status: 'skipped', outcome: null },
        skipReason: reason,
        incidentEffect: null,
        reset: [],
      };
    }
    case 'complete': {
      const outcome = definition.outcomes.find((o) => o.key === action.outcome);
      if (!outcome) {
        const validOutcomes = definition.outcomes.map((o) => o.key);
        return fail({
          code: 'UNKNOWN_OUTCOME',
          key,
          outcome: action.outcome,
          validOutcomes,
          message: `Step "${key}" has no outcome "${action.outcome}"; valid outcomes: ${validOutcomes.join(', ')}.`,
        });
      }
      const attempts = target.status === 'pending' ? target.attempts + 1 : target.attempts;
      const step: StepState = { ...target, status: 'done', outcome: outcome.key, attempts };
      const incidentEffect = outcome.incidentEffect ?? null;
      const reset = incidentEffect === 'reopen' ? reopenedSteps(steps, step) : [];
      return { ok: true, action: 'complete', from: target.status, step, skipReason: null, incidentEffect, reset };
    }
  }
}

/** Every step after the first, pending again; the completed target is taken in its new state. */
function reopenedSteps(steps: readonly StepState[], completed: StepState): StepState[] {
  const ordered = sorted(steps.map((s) => (s.key === completed.key ? completed : s)));
  return ordered.slice(1).map((s) => ({ ...s, status: 'pending', outcome: null }));
}

/**
 * The steps after a successful decision: the target in its new state, then any reset applied.
 * Returned in position order; the input is not modified.
 */
export function applyStepDecision(steps: readonly StepState[], decision: StepTransition): StepState[] {
  const replaced = new Map<string, StepState>([[decision.step.key, decision.step]]);
  for (const s of decision.reset) replaced.set(s.key, s);
  return sorted(steps.map((s) => ({ ...(replaced.get(s.key) ?? s) })));
}

/**
 * What to work on now: the first step in progress; else the first pending step whose earlier steps
 * are finished; else the first blocked step (it still needs completing or skipping, so "nothing to do"
 * would mislead); else null, meaning every step is finished.
 */
export function nextStep(steps: readonly StepState[]): StepState | null {
  const ordered = sorted(steps);
  const inProgress = ordered.find((s) => s.status === 'in_progress');
  if (inProgress) return inProgress;
  const ready = ordered.find((s) => s.status === 'pending' && firstUnfinishedBefore(ordered, s) === undefined);
  if (ready) return ready;
  return ordered.find((s) => s.status === 'blocked') ?? null;
}

function pastTense(kind: StepActionKind): string {
  return kind === 'start' ? 'started' : kind === 'complete' ? 'completed' : 'skipped';
}

function fail(error: StepError): StepDecision {
  return { ok: false, error };
}
