import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { ConflictError, type FieldError, NotFoundError, StaleVersionError, ValidationError } from '../common/errors/domain-errors.js';
import type { IncidentLocator } from '../common/http/id-pipes.js';
import { DiagnosisService } from '../diagnosis/diagnosis.service.js';
import type { Incident } from '../incidents/entities/incident.entity.js';
import type { IncidentStepSummary } from '../incidents/incident.view.js';
import { incidentRef } from '../incidents/incident.view.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import type { IncidentStatus } from '../incidents/incident-lifecycle.js';
import { TimelineService } from '../incidents/timeline.service.js';
import { checksForGateway } from '../runbooks/content/index.js';
import { fillCheckCommand } from '../runbooks/content/placeholders.js';
import type { RunbookStepDefinition } from '../runbooks/content/runbook-types.js';
import type { Runbook } from '../runbooks/entities/runbook.entity.js';
import { queryPrepared } from '../database/prepared.js';
import { RunbooksService } from '../runbooks/runbooks.service.js';
import type { CompleteStepDto, SkipStepDto } from './dto/step-action.dto.js';
import { IncidentStep } from './entities/incident-step.entity.js';
import { allowedActions, decideStepAction, nextStep, type StepAction, type StepError, type StepState } from './step-rules.js';
import { currentAttempt, formatDuration, readStepSummaries, secondsBetween, stepSummariesSql, toStepView, type StepView } from './step.view.js';

export interface StepActionResult extends StepView {
  incident: { id: string; ref: string; status: IncidentStatus; version: number };
  /** A status change the outcome makes sensible but that a person should decide (e.g. resolve after `stable`). */
  suggestedTransition: { to: IncidentStatus; reason: string } | null;
}

export interface NextStepAnswer {
  incident: { id: string; ref: string; status: IncidentStatus; gateway: string | null };
  runbook: { key: string; version: number } | null;
  step: {
    key: string;
    position: number;
    title: string;
    status: string;
    attempts: number;
    version: number;
    instructions: string;
    tip: string;
    checks: Array<{ gateway: string; title: string; command: string; lookFor: string }>;
    outcomes: Array<{ key: string; label: string; description: string }>;
    observations: RunbookStepDefinition['observations'];
    expectedEvidence: RunbookStepDefinition['expectedEvidence'];
    allowedActions: string[];
    repeatable: boolean;
  } | null;
  missingEvidence: RunbookStepDefinition['expectedEvidence'];
  topCauses: Array<{ category: string; score: number; outcomes: Array<{ step: string; outcome: string; factor: number }>; findings: Array<{ signal: string; count: number; excerpts: string[] }> }>;
  nextCheck: { step: string; title: string; reason: string } | null;
  suggestedTransition: { to: IncidentStatus; reason: string } | null;
  progress: { done: number; skipped: number; total: number };
}

/** Kinds of evidence an incident holds; the evidence module provides them. */
export interface EvidenceKindSource {
  kindsOf(manager: EntityManager, incidentId: string): Promise<Set<string>>;
}

/**
 * The incident's walk through its runbook: instantiating the steps, start/complete/skip under the
 * pure step rules, the incident status changes the outcomes imply, and the next-step guidance.
 */
@Injectable()
export class StepsService implements OnModuleInit {
  private evidenceKinds: EvidenceKindSource | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
    private readonly runbooks: RunbooksService,
    private readonly timeline: TimelineService,
    private readonly diagnosis: DiagnosisService,
  ) {}

  onModuleInit(): void {
    this.incidents.registerHooks({
      beforeCreate: async (tx, draft) => {
        const runbook = await this.runbooks.chooseFor(tx, draft.symptom?.statusCode, draft.gateway);
        return { runbookKey: runbook.key, runbookVersion: runbook.version };
      },
      afterCreate: (tx, incident) => this.instantiate(tx, incident),
      stepsOf: (manager, ids) => this.summaries(manager, ids),
      stepsInline: { sql: stepSummariesSql, read: readStepSummaries },
    });
  }

  registerEvidenceKindSource(source: EvidenceKindSource): void {
    this.evidenceKinds = source;
  }

  /**
   * Runs in the incident's creating transaction (the runbook was chosen before the insert): creates
   * the steps and answers their summaries, built from what was inserted rather than read back.
   */
  async instantiate(tx: EntityManager, incident: Incident): Promise<IncidentStepSummary[]> {
    if (!incident.runbookKey || !incident.runbookVersion) return [];
    const runbook = await this.runbooks.find(tx, incident.runbookKey, incident.runbookVersion);
    const rows = runbook.steps.map((step) => ({ id: randomUUID(), incidentId: incident.id, stepKey: step.key, position: step.position, title: step.title, status: 'pending' as const }));
    // One prepared statement for the runbook's steps (every create runs it); the other columns take their defaults.
    await queryPrepared(
      tx,
      'steps-instantiate',
      `INSERT INTO incident_steps (id, incident_id, step_key, position, title, status)
       SELECT u.id, $2, u.step_key, u.position, u.title, 'pending' FROM unnest($1::uuid[], $3::text[], $4::int[], $5::text[]) AS u(id, step_key, position, title)`,
      [rows.map((r) => r.id), incident.id, rows.map((r) => r.stepKey), rows.map((r) => r.position), rows.map((r) => r.title)],
    );
    return rows.map((row) => ({
      key: row.stepKey,
      position: row.position,
      title: row.title,
      status: row.status,
      outcome: null,
      notes: null,
      skipReason: null,
      attempts: 0,
      startedBy: null,
      performedBy: null,
      startedAt: null,
      completedAt: null,
      timeSpentSeconds: 0,
      version: 1,
    }));
  }

  async summaries(manager: EntityManager, incidentIds: string[]): Promise<Map<string, IncidentStepSummary[]>> {
    const rows = await manager.find(IncidentStep, { where: { incidentId: In(incidentIds) }, order: { position: 'ASC' } });
    const out = new Map<string, IncidentStepSummary[]>();
    for (const row of rows) {
      const view = toStepView(row);
      const { history: _history, observations: _observations, ...summary } = view;
      out.set(row.incidentId, [...(out.get(row.incidentId) ?? []), summary]);
    }
    return out;
  }

  async list(locator: IncidentLocator): Promise<StepView[]> {
    const incident = await this.incidents.find(this.dataSource.manager, locator);
    const rows = await this.dataSource.manager.find(IncidentStep, { where: { incidentId: incident.id }, order: { position: 'ASC' } });
    return rows.map(toStepView);
  }

  start(locator: IncidentLocator, key: string, version: number | undefined, principal: Principal): Promise<StepActionResult> {
    return this.act(locator, key, { kind: 'start' }, version, principal);
  }

  complete(locator: IncidentLocator, key: string, dto: CompleteStepDto, principal: Principal): Promise<StepActionResult> {
    return this.act(locator, key, { kind: 'complete', outcome: dto.outcome }, dto.version, principal, dto);
  }

  skip(locator: IncidentLocator, key: string, dto: SkipStepDto, principal: Principal): Promise<StepActionResult> {
    return this.act(locator, key, { kind: 'skip', reason: dto.reason }, dto.version, principal);
  }

  private act(
    locator: IncidentLocator,
    key: string,
    action: StepAction,
    expectedVersion: number | undefined,
    principal: Principal,
    completion?: CompleteStepDto,
  ): Promise<StepActionResult> {
    return this.dataSource.transaction(async (tx) => {
      // The incident row lock serialises every step change of one incident.
      const incident = await this.incidents.find(tx, locator, true);
      if (incident.status === 'closed') throw new ConflictError('The incident is closed; its steps can no longer change.', { incidentStatus: incident.status });
      const runbook = await this.runbookOf(tx, incident);
      const rows = await tx.find(IncidentStep, { where: { incidentId: incident.id }, order: { position: 'ASC' } });
      const row = rows.find((r) => r.stepKey === key);
      if (!row) throw new NotFoundError('Step', `${key} of ${incidentRef(incident.refNumber)} (steps: ${rows.map((r) => r.stepKey).join(', ')})`);
      if (expectedVersion !== undefined && expectedVersion !== row.version) throw new StaleVersionError(expectedVersion, row.version);
      const definition = runbook.steps.find((s) => s.key === key)!;
      if (completion?.observations) checkObservations(definition, completion.observations);

      const decision = decideStepAction(rows.map(toState), runbook.steps, key, action);
      if (!decision.ok) throw stepErrorToDomain(decision.error);

      const now = new Date();
      const actor = principal.actor;
      const stepLabel = `Step ${row.position} (${row.title})`;
      let spent = 0;
      if (action.kind === 'start') {
        if (decision.from === 'done' || decision.from === 'skipped') row.history = [...row.history, currentAttempt(row)];
        Object.assign(row, { status: 'in_progress', outcome: null, notes: null, observations: null, skipReason: null, performedBy: null, completedAt: null });
        row.startedAt = now;
        row.startedBy = actor;
        row.attempts = decision.step.attempts;
        await tx.save(row);
        await this.timeline.record(tx, {
          incidentId: incident.id,
          kind: 'step.started',
          actor,
          message: `${stepLabel} started${row.attempts > 1 ? ` (attempt ${row.attempts})` : ''}`,
          data: { step: key, attempt: row.attempts },
          at: now,
        });
      } else {
        if (decision.from === 'pending') {
          row.startedAt = now;
          row.startedBy = actor;
          row.attempts = decision.step.attempts;
        }
        spent = row.startedAt ? secondsBetween(row.startedAt, now) : 0;
        row.timeSpentSeconds += spent;
        row.completedAt = now;
        row.performedBy = actor;
        if (action.kind === 'complete') {
          row.status = 'done';
          row.outcome = action.outcome;
          row.notes = completion?.notes?.trim() || null;
          row.observations = completion?.observations ?? null;
        } else {
          row.status = 'skipped';
          row.skipReason = decision.skipReason;
        }
        await tx.save(row);
        const outcomeLabel = definition.outcomes.find((o) => o.key === row.outcome)?.label;
        await this.timeline.record(tx, {
          incidentId: incident.id,
          kind: action.kind === 'complete' ? 'step.completed' : 'step.skipped',
          actor,
          message:
            action.kind === 'complete'
              ? `${stepLabel}: ${outcomeLabel ?? row.outcome}${row.notes ? ` — ${row.notes}` : ''} (${formatDuration(spent)})`
              : `${stepLabel} skipped: ${row.skipReason}`,
          data: {
            step: key,
            attempt: row.attempts,
            outcome: row.outcome ?? undefined,
            observations: row.observations ?? undefined,
            skipReason: row.skipReason ?? undefined,
            timeSpentSeconds: spent,
          },
          at: now,
        });
      }

      // The incident follows the steps.
      let suggestedTransition: StepActionResult['suggestedTransition'] = null;
      // Working on any step (starting, or completing/skipping in one call) means investigating.
      if (incident.status === 'open' || incident.status === 'acknowledged') {
        await this.incidents.applyTransition(tx, incident, 'investigating', actor, now, `${stepLabel} ${action.kind === 'start' ? 'started' : 'recorded'}`, { step: key });
      }
      if (decision.incidentEffect === 'offer_mitigated' && ['open', 'acknowledged', 'investigating'].includes(incident.status)) {
        await this.incidents.applyTransition(tx, incident, 'mitigated', actor, now, `${stepLabel}: ${row.outcome}`, { step: key });
      }
      if (decision.incidentEffect === 'allow_resolved' && incident.status !== 'resolved') {
        suggestedTransition = { to: 'resolved', reason: `${stepLabel} found the service stable: resolve the incident with a resolution note.` };
      }
      if (decision.incidentEffect === 'reopen') {
        const byKey = new Map(rows.map((r) => [r.stepKey, r]));
        for (const reset of decision.reset) {
          const target = byKey.get(reset.key)!;
          if (target.attempts > 0 || target.status !== 'pending') target.history = [...target.history, currentAttempt(target)];
          Object.assign(target, {
            status: 'pending',
            outcome: null,
            notes: null,
            observations: null,
            skipReason: null,
            startedAt: null,
            startedBy: null,
            completedAt: null,
            performedBy: null,
            attempts: reset.attempts,
          });
          await tx.save(target);
        }
        await this.timeline.record(tx, {
          incidentId: incident.id,
          kind: 'steps.reopened',
          actor,
          message: `The error came back: ${decision.reset.map((s) => s.key).join(', ')} are open again for another pass`,
          data: { steps: decision.reset.map((s) => s.key) },
          at: now,
        });
        if (incident.status !== 'investigating') {
          await this.incidents.applyTransition(tx, incident, 'investigating', actor, now, `${stepLabel}: recurring`, { step: key });
        }
      }
      const fresh = await tx.findOneByOrFail(IncidentStep, { id: row.id });
      return {
        ...toStepView(fresh),
        incident: { id: incident.id, ref: incidentRef(incident.refNumber), status: incident.status, version: incident.version },
        suggestedTransition,
      };
    });
  }

  /** What to do now: the step, its checks for this incident, outcomes, missing evidence and ranked causes. */
  async nextStep(locator: IncidentLocator): Promise<NextStepAnswer> {
    const manager = this.dataSource.manager;
    const incident = await this.incidents.find(manager, locator);
    const rows = await manager.find(IncidentStep, { where: { incidentId: incident.id }, order: { position: 'ASC' } });
    const runbook = incident.runbookKey ? await this.runbookOf(manager, incident) : null;
    const ranking = await this.diagnosis.rank(manager, incident);
    const kinds = (await this.evidenceKinds?.kindsOf(manager, incident.id)) ?? new Set<string>();
    const states = rows.map(toState);
    const next = nextStep(states);
    const row = next ? rows.find((r) => r.stepKey === next.key)! : null;
    const definition = row && runbook ? runbook.steps.find((s) => s.key === row.stepKey)! : null;
    const ctx = {
      url: incident.symptom?.url,
      method: incident.symptom?.method,
      service: incident.service,
    };
    const verify = rows.find((r) => r.stepKey === 'verify-monitor');
    const verifyOutcome = verify && runbook?.steps.find((s) => s.key === verify.stepKey)?.outcomes.find((o) => o.key === verify.outcome);
    const suggestedTransition =
      verifyOutcome?.incidentEffect === 'allow_resolved' && incident.status !== 'resolved' && incident.status !== 'closed'
        ? { to: 'resolved' as const, reason: `Verification found the service stable (${verify!.outcome}): resolve the incident with a resolution note.` }
        : null;
    return {
      incident: { id: incident.id, ref: incidentRef(incident.refNumber), status: incident.status, gateway: incident.gateway },
      runbook: ranking.runbook,
      step:
        row && definition && runbook
          ? {
              key: row.stepKey,
              position: row.position,
              title: row.title,
              status: row.status,
              attempts: row.attempts,
              version: row.version,
              instructions: definition.instructions,
              tip: definition.tip,
              checks: checksForGateway(definition, incident.gateway ?? undefined).map((c) => ({
                gateway: c.gateway,
                title: c.title,
                command: fillCheckCommand(c.command, ctx),
                lookFor: c.lookFor,
              })),
              outcomes: definition.outcomes.map((o) => ({ key: o.key, label: o.label, description: o.description })),
              observations: definition.observations,
              expectedEvidence: definition.expectedEvidence,
              allowedActions: allowedActions(states, runbook.steps, row.stepKey),
              repeatable: definition.repeatable,
            }
          : null,
      missingEvidence: definition ? definition.expectedEvidence.filter((e) => !kinds.has(e.kind)) : [],
      topCauses: ranking.causes.slice(0, 5).map((c) => ({
        category: c.category,
        score: c.score,
        outcomes: c.outcomes,
        findings: c.findings.map((f) => ({ signal: f.signal, count: f.count, excerpts: f.excerpts })),
      })),
      nextCheck: ranking.nextCheck ? { step: ranking.nextCheck.step, title: ranking.nextCheck.title, reason: ranking.nextCheck.reason } : null,
      suggestedTransition,
      progress: {
        done: rows.filter((r) => r.status === 'done').length,
        skipped: rows.filter((r) => r.status === 'skipped').length,
        total: rows.length,
      },
    };
  }

  private async runbookOf(manager: EntityManager, incident: Incident): Promise<Runbook> {
    if (!incident.runbookKey || !incident.runbookVersion) {
      throw new ConflictError(`${incidentRef(incident.refNumber)} has no runbook.`);
    }
    return this.runbooks.find(manager, incident.runbookKey, incident.runbookVersion);
  }
}

function toState(row: IncidentStep): StepState {
  return { key: row.stepKey, position: row.position, status: row.status, outcome: row.outcome, attempts: row.attempts };
}

function stepErrorToDomain(error: StepError): Error {
  switch (error.code) {
    case 'UNKNOWN_STEP':
      return new NotFoundError('Step', `${error.key} (steps: ${error.known.join(', ')})`);
    case 'OUT_OF_ORDER':
      return new ConflictError(error.message, { mustFirst: error.mustFirst, step: error.key });
    case 'INVALID_STATE':
      return new ConflictError(error.message, { step: error.key, stepStatus: error.status, allowed: error.allowed });
    case 'UNKNOWN_OUTCOME':
      return new ValidationError([{ field: 'outcome', message: `${error.message} Valid outcomes: ${error.validOutcomes.join(', ')}` }], error.message)
        .withExtra({ validOutcomes: error.validOutcomes });
    case 'REASON_REQUIRED':
      return new ValidationError([{ field: 'reason', message: error.message }]);
  }
}

/** Observations are checked against the fields the runbook step declares. */
function checkObservations(definition: RunbookStepDefinition, observations: Record<string, unknown>): void {
  const fields = new Map(definition.observations.map((f) => [f.key, f]));
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(observations)) {
    const field = fields.get(key);
    if (!field) {
      errors.push({ field: `observations.${key}`, message: `unknown observation for ${definition.key}; known: ${[...fields.keys()].join(', ') || 'none'}` });
      continue;
    }
    const ok =
      field.type === 'string[]'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length <= 500) && value.length <= 50
        : field.type === 'string'
          ? typeof value === 'string' && value.length <= 5000
          : typeof value === field.type && (field.type !== 'number' || Number.isFinite(value));
    if (!ok) errors.push({ field: `observations.${key}`, message: `${key} must be a ${field.type}` });
  }
  if (errors.length) throw new ValidationError(errors);
}
