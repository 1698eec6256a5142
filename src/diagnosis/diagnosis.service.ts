import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-errors.js';
import type { EntityManager } from 'typeorm';
import type { Incident } from '../incidents/entities/incident.entity.js';
import { RunbooksService } from '../runbooks/runbooks.service.js';
import { IncidentStep } from '../steps/entities/incident-step.entity.js';
import { CAUSE_CATEGORIES, type CauseCategory } from './cause-category.js';
import { rankCauses, type OutcomeObservation, type Ranking, type ScoredFinding } from './scoring.js';

/** Where findings come from; the evidence module provides them. */
export interface FindingSource {
  findingsOf(manager: EntityManager, incidentId: string): Promise<ScoredFinding[]>;
}

/**
 * Ranks an incident's probable causes: its runbook's priors × the outcomes recorded on its steps ×
 * the findings read from its evidence (DESIGN §4). Deterministic: the same record, the same ranking.
 */
@Injectable()
export class DiagnosisService {
  private findingSource: FindingSource | null = null;

  constructor(private readonly runbooks: RunbooksService) {}

  registerFindingSource(source: FindingSource): void {
    this.findingSource = source;
  }

  async rank(manager: EntityManager, incident: Incident): Promise<Ranking & { runbook: { key: string; version: number } | null }> {
    const runbook =
      incident.runbookKey && incident.runbookVersion
        ? await this.runbooks.find(manager, incident.runbookKey, incident.runbookVersion).catch((error: unknown) => {
            if (error instanceof NotFoundError) return null; // no runbook row: rank with uniform priors
            throw error;
          })
        : null;
    if (!runbook) {
      const findings = (await this.findingSource?.findingsOf(manager, incident.id)) ?? [];
      const uniform = Object.fromEntries(CAUSE_CATEGORIES.map((c) => [c, 1])) as Record<CauseCategory, number>;
      return { ...rankCauses({ priors: uniform, findings, outcomes: [] }), runbook: null };
    }
    const steps = await manager.find(IncidentStep, { where: { incidentId: incident.id }, order: { position: 'ASC' } });
    const definitions = new Map(runbook.steps.map((s) => [s.key, s]));
    const outcomes: OutcomeObservation[] = [];
    for (const step of steps) {
      if (step.status !== 'done' || !step.outcome) continue;
      const outcome = definitions.get(step.stepKey)?.outcomes.find((o) => o.key === step.outcome);
      if (outcome) outcomes.push({ step: step.stepKey, outcome: outcome.key, effects: outcome.effects, at: step.completedAt?.toISOString() });
    }
    const pendingSteps = steps
      .filter((s) => s.status === 'pending' || s.status === 'in_progress' || s.status === 'blocked')
      .map((s) => definitions.get(s.stepKey))
      .filter((d) => d !== undefined);
    const findings = (await this.findingSource?.findingsOf(manager, incident.id)) ?? [];
    return { ...rankCauses({ priors: runbook.priors, findings, outcomes, pendingSteps }), runbook: { key: runbook.key, version: runbook.version } };
  }
}
