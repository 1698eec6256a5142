import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { IncidentLocator } from '../common/http/id-pipes.js';
import type { Incident } from '../incidents/entities/incident.entity.js';
import { incidentRef } from '../incidents/incident.view.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { MIN_SIMILARITY, similarity } from './similarity.js';

export interface SimilarIncident {
  id: string;
  ref: string;
  title: string;
  service: string;
  gateway: string | null;
  severity: string;
  status: string;
  createdAt: string;
  resolvedAt: string | null;
  score: number;
  reasons: string[];
  /** The confirmed primary cause, when one was confirmed. */
  confirmedCause: { category: string; description: string } | null;
  /** How it was resolved and the prevention items completed. */
  fix: { resolution: string | null; actionsDone: string[] };
}

/** Candidates considered per question: the most recent incidents sharing service, gateway or status. */
const CANDIDATES = 300;

/** "Has this happened before?": earlier incidents like this one, with their causes and fixes. */
@Injectable()
export class SimilarIncidentsService implements OnModuleInit {
  private readonly logger = new Logger('SimilarIncidents');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
  ) {}

  onModuleInit(): void {
    // The create answer lists similar past incidents. A failure here must not fail the create.
    this.incidents.registerHooks({
      describeCreated: async (incident) => {
        try {
          return { similar: await this.similarToIncident(this.dataSource.manager, incident, false) };
        } catch (error) {
          this.logger.warn(`similar incidents for ${incidentRef(incident.refNumber)} failed: ${(error as Error).message}`);
          return { similar: [] };
        }
      },
    });
  }

  async similarTo(locator: IncidentLocator, limit = 5): Promise<SimilarIncident[]> {
    const manager = this.dataSource.manager;
    const incident = await this.incidents.find(manager, locator);
    return this.similarToIncident(manager, incident, true, limit);
  }

  /** `withEvidence` false skips reading finding signals (a new incident has none yet). */
  private async similarToIncident(manager: EntityManager, incident: Incident, withEvidence: boolean, limit = 5): Promise<SimilarIncident[]> {
    const statusCode = incident.symptom?.statusCode ?? null;
    const candidates: Array<{
      id: string;
      ref_number: number;
      title: string;
      service: string;
      gateway: string | null;
      severity: string;
      status: string;
      status_code: number | null;
      resolution: string | null;
      created_at: Date;
      resolved_at: Date | null;
    }> = await manager.query(
      `SELECT id, ref_number, title, service, gateway::text AS gateway, severity::text AS severity, status::text AS status,
              (symptom->>'statusCode')::int AS status_code, resolution, created_at, resolved_at
         FROM incidents
        WHERE id <> $1 AND created_at < $2
          AND (service = $3 OR gateway::text = $4 OR (symptom->>'statusCode')::int = $5)
        ORDER BY created_at DESC
        LIMIT ${CANDIDATES}`,
      [incident.id, incident.createdAt, incident.service, incident.gateway, statusCode],
    );
    if (candidates.length === 0) return [];
    const ids = [incident.id, ...candidates.map((c) => c.id)];
    const signalRows: Array<{ incident_id: string; signal: string }> = withEvidence
      ? await manager.query('SELECT DISTINCT incident_id, signal FROM findings WHERE incident_id = ANY($1::uuid[])', [ids])
      : [];
    const signals = new Map<string, Set<string>>();
    for (const row of signalRows) signals.set(row.incident_id, (signals.get(row.incident_id) ?? new Set()).add(row.signal));
    const current = { service: incident.service, gateway: incident.gateway, statusCode, signals: signals.get(incident.id) ?? new Set<string>() };
    const scored = candidates
      .map((c) => ({ c, s: similarity(current, { service: c.service, gateway: c.gateway, statusCode: c.status_code, signals: signals.get(c.id) ?? new Set() }) }))
      .filter(({ s }) => s.score >= MIN_SIMILARITY)
      .sort((a, b) => b.s.score - a.s.score || b.c.created_at.getTime() - a.c.created_at.getTime())
      .slice(0, limit);
    if (scored.length === 0) return [];
    const chosen = scored.map(({ c }) => c.id);
    const causes: Array<{ incident_id: string; category: string; description: string }> = await manager.query(
      `SELECT incident_id, category::text AS category, description FROM root_causes
        WHERE incident_id = ANY($1::uuid[]) AND status = 'confirmed' AND "primary" = true`,
      [chosen],
    );
    const actions: Array<{ incident_id: string; title: string }> = await manager.query(
      `SELECT incident_id, title FROM action_items WHERE incident_id = ANY($1::uuid[]) AND status = 'done' ORDER BY completed_at, id`,
      [chosen],
    );
    return scored.map(({ c, s }) => {
      const cause = causes.find((r) => r.incident_id === c.id);
      return {
        id: c.id,
        ref: incidentRef(c.ref_number),
        title: c.title,
        service: c.service,
        gateway: c.gateway,
        severity: c.severity,
        status: c.status,
        createdAt: c.created_at.toISOString(),
        resolvedAt: c.resolved_at?.toISOString() ?? null,
        score: s.score,
        reasons: s.reasons,
        confirmedCause: cause ? { category: cause.category, description: cause.description } : null,
        fix: { resolution: c.resolution, actionsDone: actions.filter((a) => a.incident_id === c.id).map((a) => a.title) },
      };
    });
  }
}
