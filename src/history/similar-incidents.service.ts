import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { IncidentLocator } from '../common/http/id-pipes.js';
import type { Incident } from '../incidents/entities/incident.entity.js';
import { incidentRef } from '../incidents/incident.view.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { queryPrepared } from '../database/prepared.js';
import { MIN_SIMILARITY, SIMILARITY_WEIGHTS, similarity } from './similarity.js';

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

/**
 * Candidates considered per question: the most recent incidents of the same service, and as many of
 * the same gateway (a match needs the service or the gateway, see MIN_SIMILARITY). Equal scores go
 * to the newest, so an older incident only matters when the newer ones match less well; 100 of each
 * costs 0.3 ms of database time per create where 300 cost 0.9 ms.
 */
const CANDIDATES = 100;

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

  /**
   * One database function: the latest candidates sharing the service or gateway, scored in SQL with
   * the weights of `similarity()` (shared evidence signals counted from the findings), the best few
   * dressed with their confirmed cause and completed actions. `similarity()` then writes the reasons
   * for just those. `withEvidence` false skips the signals (a new incident has none yet).
   */
  private async similarToIncident(manager: EntityManager, incident: Incident, withEvidence: boolean, limit = 5): Promise<SimilarIncident[]> {
    const statusCode = incident.symptom?.statusCode ?? null;
    const w = SIMILARITY_WEIGHTS;
    const rows: Array<{
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
      shared_signals: string[] | null;
      cause_category: string | null;
      cause_description: string | null;
      actions_done: string[] | null;
    }> = await queryPrepared(
      manager,
      'similar_incidents',
      // One PL/pgSQL function: its plans are kept per session (see the CreatePathSpeed migration). The
      // columns are named so a later change to the function cannot change a cached statement's result.
      `SELECT id, ref_number, title, service, gateway, severity, status, status_code, resolution, created_at, resolved_at,
              shared_signals, cause_category, cause_description, actions_done
         FROM similar_incidents($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        incident.id, incident.createdAt, incident.service, incident.gateway, statusCode, withEvidence, MIN_SIMILARITY, limit, CANDIDATES,
        w.service, w.gateway, w.statusCode, w.signal, w.maxSignals,
      ],
    );
    const current = { service: incident.service, gateway: incident.gateway, statusCode, signals: new Set(rows.flatMap((r) => r.shared_signals ?? [])) };
    return rows.map((row) => {
      // The past incident's signals that matter are the shared ones: the reasons name exactly those.
      const s = similarity(current, { service: row.service, gateway: row.gateway, statusCode: row.status_code, signals: new Set(row.shared_signals ?? []) });
      return {
        id: row.id,
        ref: incidentRef(row.ref_number),
        title: row.title,
        service: row.service,
        gateway: row.gateway,
        severity: row.severity,
        status: row.status,
        createdAt: row.created_at.toISOString(),
        resolvedAt: row.resolved_at?.toISOString() ?? null,
        score: s.score,
        reasons: s.reasons,
        confirmedCause: row.cause_category ? { category: row.cause_category, description: row.cause_description ?? '' } : null,
        fix: { resolution: row.resolution, actionsDone: row.actions_done ?? [] },
      };
    });
  }
}
