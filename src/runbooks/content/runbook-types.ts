import type { CauseCategory, Gateway } from '../../diagnosis/cause-category.js';

/** Evidence kinds an incident can hold (DESIGN §2 "Evidence"). */
export const EVIDENCE_KINDS = ['har', 'log', 'trace', 'screenshot', 'command-output', 'config', 'note'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** Odds multipliers an observation applies to cause categories (> 1 for, < 1 against). */
export type CauseEffects = Partial<Record<CauseCategory, number>>;

/**
 * What completing a step with an outcome does to the incident's status.
 * - `offer_mitigated`: the service recovered; the incident may move to `mitigated`.
 * - `allow_resolved`: the fix held; the incident may be resolved.
 * - `reopen`: the error came back; the incident goes back to `investigating` and steps from
 *   `reopenFrom` onward are pending again for another pass.
 */
export type IncidentEffect = 'offer_mitigated' | 'allow_resolved' | 'reopen';

export interface OutcomeDefinition {
  /** snake_case key a responder sends, e.g. `simple_upstream_ok`. */
  key: string;
  label: string;
  /** What the outcome means, in one or two sentences. */
  description: string;
  /** How this outcome moves the cause ranking. */
  effects: CauseEffects;
  incidentEffect?: IncidentEffect;
}

/** A concrete check for one gateway (or every gateway: `any`). */
export interface GatewayCheck {
  gateway: Gateway | 'any';
  title: string;
  /**
   * Shell command(s) with placeholders filled from the incident:
   * `{{host}}`, `{{url}}`, `{{path}}`, `{{method}}`, `{{scheme}}`, `{{port}}`, `{{service}}`,
   * `{{originIp}}` (left as `<origin-ip>` when unknown), `{{upstream}}` (left as `<upstream>` when unknown).
   */
  command: string;
  /** What to look for in the output and what it means. */
  lookFor: string;
}

/** A field of a step's structured `observations`. */
export interface ObservationField {
  key: string;
  type: 'string' | 'string[]' | 'boolean' | 'number';
  description: string;
}

export interface ExpectedEvidence {
  kind: EvidenceKind;
  description: string;
}

export interface RunbookStepDefinition {
  position: number;
  key: string;
  title: string;
  /** Markdown. */
  instructions: string;
  tip: string;
  expectedEvidence: ExpectedEvidence[];
  outcomes: OutcomeDefinition[];
  checks: GatewayCheck[];
  observations: ObservationField[];
  /** Steps 5 and 6 of the 502 flow may be done again after they are done. */
  repeatable: boolean;
}

export interface RunbookDefinition {
  key: string;
  version: number;
  title: string;
  description: string;
  appliesTo: { statusCodes: number[]; gateways: Gateway[] };
  /** Prior odds of each cause before any evidence, from the seed's "possible causes". */
  priors: Record<CauseCategory, number>;
  steps: RunbookStepDefinition[];
}
