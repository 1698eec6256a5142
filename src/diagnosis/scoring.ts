import { CAUSE_CATEGORIES, type CauseCategory } from './cause-category.js';
import type { Finding } from '../evidence/parsers/finding.js';
import type { CauseEffects, RunbookStepDefinition } from '../runbooks/content/runbook-types.js';

/**
 * Ranks the causes of DESIGN §4: priors × step outcomes × findings, naive-Bayes style, in log space.
 * Deterministic (no randomness, no clock, input order irrelevant) and explained line by line.
 *
 * score(c) ∝ prior(c) · Π outcome factors for c · Π signal factors for c, normalised over all categories.
 *
 * Findings are aggregated per (category, signal), because a log parser may emit hundreds of identical
 * findings for one failure mode logged on every request. Those lines are strongly correlated, so they
 * are not hundreds of independent pieces of evidence; but a signal seen many times is still more telling
 * than a stray line. Hence a signal with strongest weight `w` seen `n` times counts as
 *
 *   factor = w ^ min(1 + log10(n) / 2, 2)         (n = 1 → w, n = 10 → w^1.5, n ≥ 100 → w²)
 *
 * and then |ln factor| ≤ ln(100): no single signal moves the odds more than 100× either way, which leaves
 * room for step outcomes and other signals to overrule a noisy source.
 */

/**
 * A finding as scored. `occurrences`: how often its signal was seen in its evidence in all, when the
 * parser kept only the first few findings of it (see signalTotals); scoring counts that many.
 */
export type ScoredFinding = Finding & { id?: string; evidenceId?: string; occurrences?: number };

export interface OutcomeObservation {
  step: string;
  outcome: string;
  effects: CauseEffects;
  /** ISO-8601 instant the outcome was recorded, when known. */
  at?: string;
}

export interface RankInput {
  priors: Record<CauseCategory, number>;
  findings: ScoredFinding[];
  outcomes: OutcomeObservation[];
  /** Steps not yet done, as candidates for the next check. */
  pendingSteps?: RunbookStepDefinition[];
}

export interface SignalSupport {
  signal: string;
  /** How many times this signal (for this category) was seen, over every piece of evidence. */
  count: number;
  /** The strongest single finding's weight (likelihood ratio). */
  weight: number;
  /** The odds multiplier applied after diminishing returns and the cap. */
  factor: number;
  /** Distinct excerpts, strongest and earliest first (at most 3). */
  excerpts: string[];
  /** Ids of the findings behind it, when they have ids (at most 20). */
  findingIds: string[];
}

export interface OutcomeSupport {
  step: string;
  outcome: string;
  factor: number;
}

export interface RankedCause {
  category: CauseCategory;
  /** Posterior probability, 4 decimals; all categories sum to about 1. */
  score: number;
  /** Prior probability used, 4 decimals. */
  prior: number;
  findings: SignalSupport[];
  /** Outcomes that raised this cause's odds. */
  outcomes: OutcomeSupport[];
  /** Outcomes that lowered this cause's odds. */
  against: OutcomeSupport[];
}

export interface NextCheck {
  step: string;
  title: string;
  reason: string;
  separates: [CauseCategory, CauseCategory];
  /** Mean |ln(effect on first / effect on second)| over the step's outcomes, 4 decimals. */
  separation: number;
}

export interface Ranking {
  /** Every category, highest score first; ties in category order. */
  causes: RankedCause[];
  nextCheck: NextCheck | null;
  explanation: string[];
}

/** Floor on a prior probability, so strong evidence can still raise a cause the runbook thought unlikely. */
export const PRIOR_FLOOR = 0.005;
/** Largest exponent repeats can give a signal's weight: a signal counts at most as its weight squared. */
export const REPEAT_EXPONENT_CAP = 2;
/** Largest odds multiplier (and smallest, as its inverse) one signal can apply. */
export const SIGNAL_FACTOR_CAP = 100;
/** Bounds on an outcome's effect, so a 0 or a typo in runbook content cannot rule a cause out for good. */
export const OUTCOME_FACTOR_MIN = 0.001;
export const OUTCOME_FACTOR_MAX = 1000;
/**
 * When evidence speaks for a named cause and nothing speaks for UNKNOWN, UNKNOWN's odds are held to at most
 * this fraction of the leading named cause's: "we don't know" should not top a ranking that has a lead.
 */
export const UNKNOWN_CEILING = 0.5;

const NAMED_CATEGORIES = CAUSE_CATEGORIES.filter((c) => c !== 'UNKNOWN');
const MAX_EXCERPTS = 3;
const MAX_FINDING_IDS = 20;
const SEPARATION_EPSILON = 1e-9;

export function repeatExponent(count: number): number {
  return Math.min(1 + Math.log10(Math.max(1, count)) / 2, REPEAT_EXPONENT_CAP);
}

/** ln of a signal's factor: diminishing returns over repeats, then the cap. */
export function signalLogFactor(weight: number, count: number): number {
  const raw = Math.log(weight) * repeatExponent(count);
  const cap = Math.log(SIGNAL_FACTOR_CAP);
  return Math.max(-cap, Math.min(cap, raw));
}

export function rankCauses(input: RankInput): Ranking {
  const explanation: string[] = [];
  const priors = normalisePriors(input.priors);
  explanation.push(
    `Priors (normalised): ${rankedEntries(priors)
      .map(([c, p]) => `${c} ${p.toFixed(4)}`)
      .join(', ')}.`,
  );

  const logWeight = new Map<CauseCategory, number>(CAUSE_CATEGORIES.map((c) => [c, Math.log(priors.get(c) ?? PRIOR_FLOOR)]));
  const support = new Map<CauseCategory, { findings: SignalSupport[]; outcomes: OutcomeSupport[]; against: OutcomeSupport[] }>(
    CAUSE_CATEGORIES.map((c) => [c, { findings: [], outcomes: [], against: [] }]),
  );
  const supported = new Set<CauseCategory>();

  for (const observed of distinctOutcomes(input.outcomes ?? [], explanation)) {
    const parts: string[] = [];
    for (const category of CAUSE_CATEGORIES) {
      const factor = outcomeFactor(observed.effects[category]);
      if (factor === null || factor === 1) continue;
      logWeight.set(category, (logWeight.get(category) ?? 0) + Math.log(factor));
      const entry = { step: observed.step, outcome: observed.outcome, factor: round(factor, 4) };
      const bucket = support.get(category);
      if (factor > 1) {
        bucket?.outcomes.push(entry);
        supported.add(category);
      } else {
        bucket?.against.push(entry);
      }
      parts.push(`${category} ×${formatFactor(factor)}`);
    }
    const repeated = observed.times > 1 ? ` (reported ${observed.times} times, counted once)` : '';
    explanation.push(
      parts.length === 0
        ? `Step ${observed.step} → ${observed.outcome}: no effect on the ranking${repeated}.`
        : `Step ${observed.step} → ${observed.outcome}: ${parts.join(', ')}${repeated}.`,
    );
  }

  for (const group of signalGroups(input.findings ?? [], explanation)) {
    const n = occurrencesOf(group.findings);
    const logFactor = signalLogFactor(group.weight, n);
    const factor = Math.exp(logFactor);
    logWeight.set(group.category, (logWeight.get(group.category) ?? 0) + logFactor);
    if (factor > 1) supported.add(group.category);
    support.get(group.category)?.findings.push({
      signal: group.signal,
      count: n,
      weight: group.weight,
      factor: significant(factor, 4),
      excerpts: firstDistinct(group.findings.map((f) => f.excerpt), MAX_EXCERPTS),
      findingIds: firstDistinct(
        group.findings.map((f) => f.id).filter((id): id is string => typeof id === 'string' && id !== ''),
        MAX_FINDING_IDS,
      ),
    });
    const uncapped = Math.log(group.weight) * repeatExponent(n);
    const how =
      uncapped !== logFactor
        ? `capped at ×${formatFactor(factor)}`
        : n > 1
          ? `repeats add with diminishing returns`
          : `counted once`;
    explanation.push(
      `Finding ${group.signal} for ${group.category}: seen ${n} time${n === 1 ? '' : 's'}, weight ${formatFactor(group.weight)} → ×${formatFactor(factor)} (${how}).`,
    );
  }

  holdUnknownBelowNamedLeader(logWeight, supported, explanation);

  const posterior = softmax(logWeight);
  const causes: RankedCause[] = CAUSE_CATEGORIES.map((category) => {
    const s = support.get(category) ?? { findings: [], outcomes: [], against: [] };
    return {
      category,
      score: round(posterior.get(category) ?? 0, 4),
      prior: round(priors.get(category) ?? 0, 4),
      findings: s.findings,
      outcomes: s.outcomes,
      against: s.against,
    };
  });
  const order = new Map(CAUSE_CATEGORIES.map((c, i) => [c, i]));
  // Compare on a fine rounding so float noise cannot break a tie that category order should decide.
  const key = (c: CauseCategory) => Math.round((posterior.get(c) ?? 0) * 1e12);
  causes.sort((a, b) => key(b.category) - key(a.category) || (order.get(a.category) ?? 0) - (order.get(b.category) ?? 0));

  explanation.push(
    `Result: ${causes
      .slice(0, 3)
      .map((c) => `${c.category} ${c.score.toFixed(4)}`)
      .join(', then ')}.`,
  );

  const nextCheck = chooseNextCheck(causes, input.pendingSteps, explanation);
  return { causes, nextCheck, explanation };
}

function normalisePriors(priors: Record<CauseCategory, number>): Map<CauseCategory, number> {
  const raw = CAUSE_CATEGORIES.map((c) => {
    const v = (priors as Partial<Record<CauseCategory, number>>)[c];
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
  });
  const total = raw.reduce((a, b) => a + b, 0);
  const probabilities = raw.map((v) => (total > 0 ? v / total : 1 / raw.length));
  const floored = probabilities.map((p) => Math.max(p, PRIOR_FLOOR));
  const flooredTotal = floored.reduce((a, b) => a + b, 0);
  return new Map(CAUSE_CATEGORIES.map((c, i) => [c, floored[i] / flooredTotal]));
}

function rankedEntries(values: Map<CauseCategory, number>): Array<[CauseCategory, number]> {
  return CAUSE_CATEGORIES.map((c): [CauseCategory, number] => [c, values.get(c) ?? 0]).sort((a, b) => b[1] - a[1]);
}

/** An outcome's effect, bounded; 0 means "strongly against" (the lower bound); negatives and NaN are ignored. */
function outcomeFactor(value: unknown): number | null {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) return null;
  return Math.max(OUTCOME_FACTOR_MIN, Math.min(OUTCOME_FACTOR_MAX, value));
}

interface DistinctOutcome extends OutcomeObservation {
  times: number;
}

/**
 * One entry per (step, outcome): the same outcome reported again (a repeated restart that again changed
 * nothing) is the same knowledge, not new evidence. Different outcomes of one step each count.
 */
function distinctOutcomes(outcomes: readonly OutcomeObservation[], explanation: string[]): DistinctOutcome[] {
  const byKey = new Map<string, DistinctOutcome>();
  const ordered = [...outcomes].sort(
    (a, b) =>
      compareText(a.step, b.step) ||
      compareText(a.outcome, b.outcome) ||
      compareText(a.at ?? '', b.at ?? '') ||
      compareText(stableEffects(a.effects), stableEffects(b.effects)),
  );
  let invalid = 0;
  for (const o of ordered) {
    if (typeof o.step !== 'string' || typeof o.outcome !== 'string') {
      invalid += 1;
      continue;
    }
    const k = `${o.step}\u0000${o.outcome}`;
    const seen = byKey.get(k);
    if (seen) seen.times += 1;
    else byKey.set(k, { ...o, effects: o.effects ?? {}, times: 1 });
  }
  if (invalid > 0) explanation.push(`Ignored ${invalid} outcome${invalid === 1 ? '' : 's'} without a step or outcome key.`);
  return [...byKey.values()];
}

function stableEffects(effects: CauseEffects | undefined): string {
  return CAUSE_CATEGORIES.map((c) => `${c}=${effects?.[c] ?? ''}`).join(';');
}

interface SignalGroup {
  category: CauseCategory;
  signal: string;
  weight: number;
  findings: ScoredFinding[];
}

/**
 * Times a signal was seen: per piece of evidence, the findings kept or the count its parser reported,
 * whichever is larger (parsers keep the first few findings of a signal and count the rest).
 */
function occurrencesOf(findings: readonly ScoredFinding[]): number {
  const perEvidence = new Map<string, { kept: number; reported: number }>();
  for (const f of findings) {
    const key = f.evidenceId ?? '';
    const seen = perEvidence.get(key) ?? { kept: 0, reported: 0 };
    seen.kept += 1;
    if (typeof f.occurrences === 'number' && Number.isFinite(f.occurrences)) seen.reported = Math.max(seen.reported, Math.floor(f.occurrences));
    perEvidence.set(key, seen);
  }
  let total = 0;
  for (const { kept, reported } of perEvidence.values()) total += Math.max(kept, reported);
  return total;
}

function signalGroups(findings: readonly ScoredFinding[], explanation: string[]): SignalGroup[] {
  const groups = new Map<string, SignalGroup>();
  let invalid = 0;
  for (const f of findings) {
    const valid =
      typeof f.weight === 'number' &&
      Number.isFinite(f.weight) &&
      f.weight > 0 &&
      typeof f.signal === 'string' &&
      (CAUSE_CATEGORIES as readonly string[]).includes(f.category);
    if (!valid) {
      invalid += 1;
      continue;
    }
    const k = `${f.category}\u0000${f.signal}`;
    const group = groups.get(k) ?? { category: f.category, signal: f.signal, weight: 1, findings: [] };
    group.findings.push(f);
    groups.set(k, group);
  }
  if (invalid > 0) {
    explanation.push(`Ignored ${invalid} finding${invalid === 1 ? '' : 's'} with a missing or invalid category, signal or weight.`);
  }
  const order = new Map(CAUSE_CATEGORIES.map((c, i) => [c, i]));
  const result = [...groups.values()].sort(
    (a, b) => (order.get(a.category) ?? 0) - (order.get(b.category) ?? 0) || compareText(a.signal, b.signal),
  );
  for (const group of result) {
    group.findings.sort(compareFindings);
    // The strongest finding in either direction stands for the signal; ties go to the larger weight.
    group.weight = group.findings.reduce(
      (best, f) => {
        const d = Math.abs(Math.log(f.weight)) - Math.abs(Math.log(best));
        return d > 0 || (d === 0 && f.weight > best) ? f.weight : best;
      },
      group.findings[0].weight,
    );
  }
  return result;
}

/** Strongest first, then earliest, then by where they were read, so excerpts and ids are stable. */
function compareFindings(a: ScoredFinding, b: ScoredFinding): number {
  return (
    b.weight - a.weight ||
    compareNullableText(a.observedAt, b.observedAt) ||
    compareText(a.evidenceId ?? '', b.evidenceId ?? '') ||
    (a.location?.entry ?? -1) - (b.location?.entry ?? -1) ||
    (a.location?.line ?? -1) - (b.location?.line ?? -1) ||
    compareText(a.id ?? '', b.id ?? '') ||
    compareText(a.excerpt ?? '', b.excerpt ?? '')
  );
}

function holdUnknownBelowNamedLeader(
  logWeight: Map<CauseCategory, number>,
  supported: ReadonlySet<CauseCategory>,
  explanation: string[],
): void {
  if (supported.has('UNKNOWN') || !NAMED_CATEGORIES.some((c) => supported.has(c))) return;
  let leader: CauseCategory = NAMED_CATEGORIES[0];
  for (const c of NAMED_CATEGORIES) {
    if ((logWeight.get(c) ?? -Infinity) > (logWeight.get(leader) ?? -Infinity)) leader = c;
  }
  const ceiling = (logWeight.get(leader) ?? 0) + Math.log(UNKNOWN_CEILING);
  if ((logWeight.get('UNKNOWN') ?? -Infinity) > ceiling) {
    logWeight.set('UNKNOWN', ceiling);
    explanation.push(
      `UNKNOWN held to ${UNKNOWN_CEILING}× the odds of ${leader}: evidence speaks for a named cause and none for UNKNOWN.`,
    );
  }
}

function softmax(logWeight: Map<CauseCategory, number>): Map<CauseCategory, number> {
  const max = Math.max(...CAUSE_CATEGORIES.map((c) => logWeight.get(c) ?? -Infinity));
  const exp = CAUSE_CATEGORIES.map((c) => Math.exp((logWeight.get(c) ?? -Infinity) - max));
  const total = exp.reduce((a, b) => a + b, 0);
  return new Map(CAUSE_CATEGORIES.map((c, i) => [c, exp[i] / total]));
}

/**
 * The pending step whose outcomes best tell the top two causes apart: the largest mean over its outcomes
 * of |ln(effect on first / effect on second)|, each outcome weighed equally because nothing says in
 * advance which one the responder will see. Ties go to the earliest position.
 */
function chooseNextCheck(
  causes: readonly RankedCause[],
  pendingSteps: readonly RunbookStepDefinition[] | undefined,
  explanation: string[],
): NextCheck | null {
  if (!pendingSteps || pendingSteps.length === 0 || causes.length < 2) {
    explanation.push('Next check: none suggested (no pending steps).');
    return null;
  }
  const first = causes[0].category;
  const second = causes[1].category;
  const ratio = (effects: CauseEffects) =>
    Math.log(outcomeFactor(effects?.[first]) ?? 1) - Math.log(outcomeFactor(effects?.[second]) ?? 1);

  let best: { step: RunbookStepDefinition; separation: number } | null = null;
  const candidates = [...pendingSteps].sort((a, b) => a.position - b.position || compareText(a.key, b.key));
  for (const step of candidates) {
    if (!step.outcomes || step.outcomes.length === 0) continue;
    const separation = step.outcomes.reduce((sum, o) => sum + Math.abs(ratio(o.effects)), 0) / step.outcomes.length;
    if (separation > SEPARATION_EPSILON && (best === null || separation > best.separation + SEPARATION_EPSILON)) {
      best = { step, separation };
    }
  }
  if (!best) {
    explanation.push(`Next check: no pending step separates ${first} from ${second}.`);
    return null;
  }

  const scored = best.step.outcomes.map((o) => ({ key: o.key, r: ratio(o.effects) }));
  const forFirst = scored.reduce((a, b) => (b.r > a.r ? b : a));
  const forSecond = scored.reduce((a, b) => (b.r < a.r ? b : a));
  const clauses: string[] = [];
  if (forFirst.r > SEPARATION_EPSILON) {
    clauses.push(`outcome ${forFirst.key} would favour ${first} ${formatFactor(Math.exp(forFirst.r))}× over ${second}`);
  }
  if (forSecond.r < -SEPARATION_EPSILON) {
    clauses.push(`outcome ${forSecond.key} would favour ${second} ${formatFactor(Math.exp(-forSecond.r))}× over ${first}`);
  }
  const reason = `"${best.step.title}" best separates ${first} from ${second}: ${clauses.join(', while ')}.`;
  explanation.push(`Next check: ${best.step.key} — ${reason}`);
  return {
    step: best.step.key,
    title: best.step.title,
    reason,
    separates: [first, second],
    separation: round(best.separation, 4),
  };
}

function firstDistinct(values: readonly string[], limit: number): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (out.length >= limit) break;
    if (typeof v === 'string' && v !== '' && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Code-point order, independent of the process locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNullableText(a: string | null | undefined, b: string | null | undefined): number {
  if (a == null) return b == null ? 0 : 1;
  if (b == null) return -1;
  return compareText(a, b);
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

function significant(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}

function formatFactor(value: number): string {
  return String(significant(value, 3));
}
