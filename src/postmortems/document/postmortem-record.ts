import type { CauseCategory, Gateway } from '../../diagnosis/cause-category.js';
import type { Finding } from '../../evidence/parsers/finding.js';
import type { EvidenceKind } from '../../runbooks/content/runbook-types.js';

/**
 * Everything the postmortem service gathers about one incident, as plain data: the input of
 * `buildPostmortemDocument`. Instants are ISO-8601 strings (or null when not recorded); nothing
 * here is read from a clock, so the same record always gives the same document.
 */
export interface PostmortemRecord {
  incident: PostmortemIncident;
  runbook: { key: string; version: number } | null;
  steps: PostmortemStep[];
  /** Oldest first (the service's order); may hold thousands of events. */
  timeline: PostmortemTimelineEvent[];
  evidence: PostmortemEvidence[];
  findings: PostmortemFinding[];
  rootCauses: PostmortemRootCause[];
  /** The diagnosis (normalised ranking of causes) at the time the document is built, for context. */
  ranking: Array<{ category: CauseCategory; score: number }>;
  actionItems: PostmortemActionItem[];
  /** Markdown people wrote; a non-blank entry replaces the generated text of its section. */
  humanSections: HumanSections;
  authors: string[];
  status: PostmortemStatus;
  revision: number;
}

export const POSTMORTEM_STATUSES = ['draft', 'in_review', 'published'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export interface PostmortemIncident {
  id: string;
  /** `INC-<n>`. */
  ref: string;
  title: string;
  summary: string | null;
  /** `SEV1`..`SEV5`. */
  severity: string;
  /** The incident lifecycle status (`open` … `closed`). */
  status: string;
  service: string;
  environment: string | null;
  gateway: Gateway | null;
  symptom: PostmortemSymptom | null;
  commander: string | null;
  tags: string[];
  impact: PostmortemImpact | null;
  /** The note of the transition to `resolved`. */
  resolution: string | null;
  createdBy: string;
  /** When the problem was detected (first alert or report). */
  detectedAt: string | null;
  /** When the incident was opened in Stepwise. */
  createdAt: string | null;
  acknowledgedAt: string | null;
  investigatingAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
}

export interface PostmortemSymptom {
  statusCode?: number | null;
  method?: string | null;
  url?: string | null;
  /** When users first saw the error (often back-dated from logs): the start of impact when known. */
  firstSeenAt?: string | null;
}

export interface PostmortemImpact {
  description?: string | null;
  usersAffected?: number | null;
  requestsAffected?: number | null;
  errorRatePercent?: number | null;
  regions?: string[] | null;
  customerFacing?: boolean | null;
}

export interface PostmortemStep {
  key: string;
  position: number;
  title: string;
  /** `pending` | `in_progress` | `done` | `skipped` | `blocked`. */
  status: string;
  outcome: string | null;
  /** The outcome's label in the runbook, e.g. "Upstream healthy". */
  outcomeLabel: string | null;
  notes: string | null;
  skipReason: string | null;
  performedBy: string | null;
  startedAt: string | null;
  completedAt: string | null;
  timeSpentSeconds: number | null;
  attempts: number;
}

export interface PostmortemTimelineEvent {
  id: string;
  at: string;
  /** e.g. `incident.created`, `incident.status_changed`, `step.completed`, `evidence.added`, `note`. */
  kind: string;
  actor: string;
  message: string;
  data: Record<string, unknown> | null;
}

export interface PostmortemEvidence {
  id: string;
  kind: EvidenceKind;
  filename: string;
  sha256: string;
  size: number;
  /** `pending` | `parsed` | `failed`. */
  parseStatus: string;
  capturedFrom: string | null;
  capturedAt: string | null;
  uploadedBy: string | null;
  findingCount: number;
}

export type PostmortemFinding = Pick<Finding, 'category' | 'signal' | 'weight' | 'excerpt' | 'location'> & {
  id: string;
  evidenceId: string;
};

export const ROOT_CAUSE_STATUSES = ['suspected', 'confirmed', 'ruled_out'] as const;
export type RootCauseStatus = (typeof ROOT_CAUSE_STATUSES)[number];

export interface PostmortemRootCause {
  id: string;
  category: CauseCategory;
  description: string;
  status: RootCauseStatus;
  primary: boolean;
  findingIds: string[];
  stepKeys: string[];
  confirmedBy: string | null;
  confirmedAt: string | null;
}

export const ACTION_ITEM_KINDS = ['prevent', 'detect', 'mitigate', 'process'] as const;
export type ActionItemKind = (typeof ACTION_ITEM_KINDS)[number];

export const ACTION_ITEM_PRIORITIES = ['P1', 'P2', 'P3'] as const;
export type ActionItemPriority = (typeof ACTION_ITEM_PRIORITIES)[number];

export const ACTION_ITEM_STATUSES = ['open', 'done', 'wont_do'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

export interface PostmortemActionItem {
  id: string;
  title: string;
  kind: ActionItemKind;
  priority: ActionItemPriority;
  owner: string | null;
  /** `YYYY-MM-DD`. */
  dueDate: string | null;
  status: ActionItemStatus;
  /** The prevention-catalog item it came from, if any. */
  catalogKey: string | null;
}

/**
 * Human-written Markdown per section, keyed by the camelCase form of the section key
 * (`wentWell` for `went-well`). Keys of sections that are facts from the record (timeline,
 * metrics, action items, evidence appendix) are ignored: edit the record instead.
 */
export interface HumanSections {
  summary?: string;
  impact?: string;
  detection?: string;
  response?: string;
  rootCause?: string;
  contributingFactors?: string;
  trigger?: string;
  resolution?: string;
  wentWell?: string;
  wentPoorly?: string;
  gotLucky?: string;
  messaging?: string;
  lessons?: string;
  [key: string]: string | undefined;
}
