import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { NotFoundError, StaleVersionError, ValidationError } from '../common/errors/domain-errors.js';
import type { IncidentLocator } from '../common/http/id-pipes.js';
import { DiagnosisService } from '../diagnosis/diagnosis.service.js';
import { FindingRow } from '../evidence/entities/finding.entity.js';
import type { Incident } from '../incidents/entities/incident.entity.js';
import { incidentRef } from '../incidents/incident.view.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { TimelineService } from '../incidents/timeline.service.js';
import { IncidentStep } from '../steps/entities/incident-step.entity.js';
import type { AcceptSuggestionDto, CreateRootCauseDto, UpdateRootCauseDto } from './dto/postmortem.dto.js';
import { Recurrence } from './entities/recurrence.entity.js';
import { RootCause } from './entities/root-cause.entity.js';

export interface RootCauseView {
  id: string;
  incidentId: string;
  category: string;
  description: string;
  status: string;
  primary: boolean;
  findingIds: string[];
  stepKeys: string[];
  createdBy: string;
  confirmedBy: string | null;
  confirmedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export function toRootCauseView(row: RootCause): RootCauseView {
  return {
    id: row.id,
    incidentId: row.incidentId,
    category: row.category,
    description: row.description,
    status: row.status,
    primary: row.primary,
    findingIds: row.findingIds,
    stepKeys: row.stepKeys,
    createdBy: row.createdBy,
    confirmedBy: row.confirmedBy,
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

/** Root causes and contributing factors, with the evidence and steps behind them. */
@Injectable()
export class RootCausesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
    private readonly timeline: TimelineService,
    private readonly diagnosis: DiagnosisService,
  ) {}

  async list(locator: IncidentLocator): Promise<RootCauseView[]> {
    const incident = await this.incidents.find(this.dataSource.manager, locator);
    const rows = await this.dataSource.manager.find(RootCause, { where: { incidentId: incident.id }, order: { primary: 'DESC', createdAt: 'ASC' } });
    return rows.map(toRootCauseView);
  }

  async create(locator: IncidentLocator, dto: CreateRootCauseDto, principal: Principal): Promise<RootCauseView> {
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.incidents.find(tx, locator, true);
      await this.checkLinks(tx, incident, dto.findingIds ?? [], dto.stepKeys ?? []);
      const now = new Date();
      if (dto.primary) await this.clearPrimary(tx, incident.id);
      const row = await tx.save(
        tx.create(RootCause, {
          incidentId: incident.id,
          category: dto.category,
          description: dto.description.trim(),
          status: dto.status ?? 'suspected',
          primary: dto.primary ?? false,
          findingIds: dto.findingIds ?? [],
          stepKeys: dto.stepKeys ?? [],
          createdBy: principal.actor,
          confirmedBy: dto.status === 'confirmed' ? principal.actor : null,
          confirmedAt: dto.status === 'confirmed' ? now : null,
        }),
      );
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: row.status === 'confirmed' ? 'root_cause.confirmed' : 'root_cause.added',
        actor: principal.actor,
        message: `${row.primary ? 'Primary cause' : 'Contributing factor'} ${row.status}: ${row.category} — ${row.description}`,
        data: { rootCauseId: row.id, category: row.category, status: row.status, primary: row.primary },
        at: now,
      });
      if (row.status === 'confirmed') await this.flagRecurrence(tx, incident, row, principal.actor);
      return toRootCauseView(row);
    });
  }

  async update(locator: IncidentLocator, id: string, dto: UpdateRootCauseDto, principal: Principal): Promise<RootCauseView> {
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.incidents.find(tx, locator, true);
      const row = await tx.findOne(RootCause, { where: { id, incidentId: incident.id } });
      if (!row) throw new NotFoundError('Root cause', id);
      if (dto.version !== undefined && dto.version !== row.version) throw new StaleVersionError(dto.version, row.version);
      await this.checkLinks(tx, incident, dto.findingIds ?? [], dto.stepKeys ?? []);
      const wasConfirmed = row.status === 'confirmed';
      if (dto.primary && !row.primary) await this.clearPrimary(tx, incident.id);
      Object.assign(row, {
        ...(dto.category ? { category: dto.category } : {}),
        ...(dto.description ? { description: dto.description.trim() } : {}),
        ...(dto.status ? { status: dto.status } : {}),
        ...(dto.primary !== undefined ? { primary: dto.primary } : {}),
        ...(dto.findingIds ? { findingIds: dto.findingIds } : {}),
        ...(dto.stepKeys ? { stepKeys: dto.stepKeys } : {}),
      });
      const now = new Date();
      if (row.status === 'confirmed' && !wasConfirmed) {
        row.confirmedBy = principal.actor;
        row.confirmedAt = now;
      }
      if (row.status !== 'confirmed') {
        row.confirmedBy = null;
        row.confirmedAt = null;
      }
      const saved = await tx.save(row);
      const confirmedNow = saved.status === 'confirmed' && !wasConfirmed;
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: confirmedNow ? 'root_cause.confirmed' : 'root_cause.updated',
        actor: principal.actor,
        message: `${saved.primary ? 'Primary cause' : 'Contributing factor'} ${saved.status}: ${saved.category} — ${saved.description}`,
        data: { rootCauseId: saved.id, category: saved.category, status: saved.status, primary: saved.primary },
        at: now,
      });
      if (confirmedNow) await this.flagRecurrence(tx, incident, saved, principal.actor);
      return toRootCauseView(saved);
    });
  }

  /** Accepts a cause the diagnosis ranks (the top one unless a category is given), with its evidence. */
  async acceptSuggestion(locator: IncidentLocator, dto: AcceptSuggestionDto, principal: Principal): Promise<RootCauseView> {
    const incident = await this.incidents.find(this.dataSource.manager, locator);
    const ranking = await this.diagnosis.rank(this.dataSource.manager, incident);
    const cause = dto.category ? ranking.causes.find((c) => c.category === dto.category) : ranking.causes[0];
    if (!cause) throw new ValidationError([{ field: 'category', message: 'the diagnosis has no such cause' }]);
    const signals = cause.findings.map((f) => `${f.signal} ×${f.count}`).join(', ');
    const outcomes = cause.outcomes.map((o) => `${o.step}: ${o.outcome}`).join(', ');
    const description = [
      `${cause.category} (diagnosis score ${cause.score.toFixed(2)})`,
      signals ? `evidence: ${signals}` : null,
      outcomes ? `steps: ${outcomes}` : null,
    ]
      .filter(Boolean)
      .join('; ');
    return this.create(
      locator,
      {
        category: cause.category,
        description,
        status: dto.status ?? 'suspected',
        primary: dto.primary ?? true,
        findingIds: cause.findings.flatMap((f) => f.findingIds).slice(0, 200),
        stepKeys: [...new Set(cause.outcomes.map((o) => o.step))],
      },
      principal,
    );
  }

  private async clearPrimary(tx: EntityManager, incidentId: string): Promise<void> {
    await tx.update(RootCause, { incidentId, primary: true }, { primary: false });
  }

  private async checkLinks(tx: EntityManager, incident: Incident, findingIds: string[], stepKeys: string[]): Promise<void> {
    if (findingIds.length) {
      const found = await tx.count(FindingRow, { where: { id: In(findingIds), incidentId: incident.id } });
      if (found !== new Set(findingIds).size) throw new ValidationError([{ field: 'findingIds', message: 'every finding must belong to this incident' }]);
    }
    if (stepKeys.length) {
      const steps = await tx.find(IncidentStep, { where: { incidentId: incident.id } });
      const known = new Set(steps.map((s) => s.stepKey));
      const unknown = stepKeys.filter((k) => !known.has(k));
      if (unknown.length) throw new ValidationError([{ field: 'stepKeys', message: `unknown steps: ${unknown.join(', ')}` }]);
    }
  }

  /**
   * A confirmed cause on a service where an earlier incident had the same confirmed category and
   * its prevention items are still open: the prevention has not landed yet. Flagged on both.
   */
  private async flagRecurrence(tx: EntityManager, incident: Incident, cause: RootCause, actor: string): Promise<void> {
    const earlier: Array<{ incident_id: string; ref_number: number; item_ids: string[] }> = await tx.query(
      `SELECT i.id AS incident_id, i.ref_number, array_agg(a.id ORDER BY a.created_at) AS item_ids
         FROM incidents i
         JOIN root_causes rc ON rc.incident_id = i.id AND rc.status = 'confirmed' AND rc.category = $3
         JOIN action_items a ON a.incident_id = i.id AND a.status = 'open'
        WHERE i.service = $1 AND i.id <> $2 AND i.created_at < $4
        GROUP BY i.id, i.ref_number`,
      [incident.service, incident.id, cause.category, incident.createdAt],
    );
    for (const row of earlier) {
      const inserted = await tx
        .createQueryBuilder()
        .insert()
        .into(Recurrence)
        .values({ incidentId: incident.id, earlierIncidentId: row.incident_id, service: incident.service, category: cause.category, openActionItemIds: [...new Set(row.item_ids)] })
        .orIgnore()
        .returning(['id'])
        .execute();
      if (!(inserted.raw as unknown[]).length) continue;
      const message = `Recurrence: ${incidentRef(incident.refNumber)} and ${incidentRef(row.ref_number)} share ${cause.category} on ${incident.service}, and ${new Set(row.item_ids).size} prevention item(s) from ${incidentRef(row.ref_number)} are still open`;
      for (const id of [incident.id, row.incident_id]) {
        await this.timeline.record(tx, {
          incidentId: id,
          kind: 'recurrence.flagged',
          actor,
          message,
          data: { incidentId: incident.id, earlierIncidentId: row.incident_id, category: cause.category, openActionItemIds: row.item_ids },
        });
      }
    }
  }

  async recurrencesOf(manager: EntityManager, incidentId: string): Promise<Array<{ incidentId: string; earlierIncidentId: string; category: string; openActionItemIds: string[]; createdAt: string }>> {
    const rows = await manager.find(Recurrence, { where: [{ incidentId }, { earlierIncidentId: incidentId }], order: { createdAt: 'ASC' } });
    return rows.map((r) => ({ incidentId: r.incidentId, earlierIncidentId: r.earlierIncidentId, category: r.category, openActionItemIds: r.openActionItemIds, createdAt: r.createdAt.toISOString() }));
  }
}

