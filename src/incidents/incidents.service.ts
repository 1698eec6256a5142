import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { ConflictError, NotFoundError, StaleVersionError, ValidationError } from '../common/errors/domain-errors.js';
import { decodeCursor, encodeCursor, type Page } from '../common/pagination/cursor.js';
import { queryPrepared } from '../database/prepared.js';
import type { IncidentLocator } from '../common/http/id-pipes.js';
import type { AddNoteDto, CreateIncidentDto, ListIncidentsQuery, TransitionDto, UpdateIncidentDto } from './dto/incident.dto.js';
import { Incident, INCIDENT_ROW_COLUMNS, incidentFromRow, type IncidentRow } from './entities/incident.entity.js';
import { planTransition, type IncidentStatus } from './incident-lifecycle.js';
import { incidentRef, toIncidentView, toTimelineView, type IncidentStepSummary, type IncidentView, type TimelineEventView } from './incident.view.js';
import { TimelineService } from './timeline.service.js';

/**
 * Extension points other modules fill in (runbook steps, similar incidents) without the incidents
 * module importing them: they register here at start-up.
 */
export interface IncidentHooks {
  /** Called inside the creating transaction before the insert: fields to set on the new incident. */
  beforeCreate?(tx: EntityManager, draft: Pick<Incident, 'symptom' | 'gateway'>): Promise<Partial<Incident>>;
  /**
   * Called inside the creating transaction after the incident row exists; may answer the steps it
   * created, so the answer needs no second read.
   */
  afterCreate?(tx: EntityManager, incident: Incident, principal: Principal): Promise<IncidentStepSummary[] | void>;
  /** Step summaries for the incident's answer. */
  stepsOf?(tx: EntityManager, incidentIds: string[]): Promise<Map<string, IncidentStepSummary[]>>;
  /**
   * The same summaries as a SQL expression over the incident row aliased `alias` (a JSON array) and
   * how to read it back: a single read then fetches the incident and its steps in one statement.
   */
  stepsInline?: { sql(alias: string): string; read(json: unknown): IncidentStepSummary[] };
  /**
   * Called once the create has committed: fields to add to the create answer. It must not fail the
   * request — the incident exists, and a bot retrying a failed answer would only get it again.
   */
  describeCreated?(incident: Incident): Promise<Partial<IncidentView>>;
}

@Injectable()
export class IncidentsService {
  private readonly hooks: IncidentHooks[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Incident) private readonly incidents: Repository<Incident>,
    private readonly timeline: TimelineService,
  ) {}

  registerHooks(hooks: IncidentHooks): void {
    this.hooks.push(hooks);
  }

  async create(dto: CreateIncidentDto, principal: Principal): Promise<IncidentView> {
    const now = new Date();
    const detectedAt = dto.detectedAt ? new Date(dto.detectedAt) : now;
    if (detectedAt.getTime() > now.getTime() + 60_000) {
      throw new ValidationError([{ field: 'detectedAt', message: 'detectedAt must not be in the future' }]);
    }
    const { incident, view } = await this.dataSource.transaction(async (tx) => {
      const draft = { symptom: dto.symptom ? { ...dto.symptom } : null, gateway: dto.gateway ?? null };
      const prepared: Partial<Incident> = {};
      for (const hook of this.hooks) Object.assign(prepared, await hook.beforeCreate?.(tx, draft));
      const incident = tx.create(Incident, {
        runbookKey: null,
        runbookVersion: null,
        ...prepared,
        title: dto.title.trim(),
        severity: dto.severity,
        service: dto.service,
        environment: dto.environment ?? null,
        gateway: dto.gateway ?? null,
        symptom: dto.symptom ? { ...dto.symptom } : null,
        summary: dto.summary ?? null,
        commander: dto.commander ?? null,
        tags: dto.tags ?? [],
        impact: null,
        status: 'open',
        resolution: null,
        createdBy: principal.actor,
        detectedAt,
        createdAt: now,
        updatedAt: now,
        acknowledgedAt: null,
        investigatingAt: null,
        mitigatedAt: null,
        resolvedAt: null,
        closedAt: null,
        version: 1,
      });
      // A prepared statement: every create runs it, and the database only has to fill in id and ref.
      const [inserted] = await queryPrepared<{ id: string; ref_number: number }>(
        tx,
        'incident-insert',
        `INSERT INTO incidents (title, summary, severity, status, service, environment, gateway, symptom, impact, commander, tags,
                                runbook_key, runbook_version, created_by, detected_at, created_at, updated_at, version)
         VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, NULL, $8, $9, $10, $11, $12, $13, $14, $14, 1)
         RETURNING id, ref_number`,
        [
          incident.title,
          incident.summary,
          incident.severity,
          incident.service,
          incident.environment,
          incident.gateway,
          incident.symptom === null ? null : JSON.stringify(incident.symptom),
          incident.commander,
          incident.tags,
          incident.runbookKey,
          incident.runbookVersion,
          incident.createdBy,
          incident.detectedAt,
          now,
        ],
      );
      incident.id = inserted.id;
      incident.refNumber = inserted.ref_number;
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: 'incident.created',
        actor: principal.actor,
        message: `${incidentRef(incident.refNumber)} opened: ${incident.title} (${incident.severity}, ${incident.service})`,
        data: { severity: incident.severity, service: incident.service, symptom: incident.symptom },
        at: now,
      });
      const steps: IncidentStepSummary[] = [];
      for (const hook of this.hooks) steps.push(...((await hook.afterCreate?.(tx, incident, principal)) ?? []));
      return { incident, view: toIncidentView(incident, steps) };
    });
    for (const hook of this.hooks) Object.assign(view, await hook.describeCreated?.(incident));
    return view;
  }

  async get(locator: IncidentLocator): Promise<IncidentView> {
    const inline = this.hooks.find((hook) => hook.stepsInline)?.stepsInline;
    // One statement for the incident and its steps, in plain SQL and prepared once per connection:
    // a read is one round trip, TypeORM's query building was the largest share of a read's CPU, and
    // planning was 40% of the statement's database time. Its plan cannot go stale: a primary-key or
    // unique-key lookup, and the steps by their incident's index.
    const byId = 'id' in locator;
    const [row] = await queryPrepared<IncidentRow & { steps_json: unknown }>(
      this.dataSource.manager,
      `incident-get-${byId ? 'id' : 'ref'}${inline ? '-steps' : ''}`,
      `SELECT ${INCIDENT_ROW_COLUMNS.map((c) => `i.${c}`).join(', ')}, ${inline ? `(${inline.sql('i')})` : `'[]'::json`} AS steps_json
         FROM incidents i WHERE ${byId ? 'i.id = $1' : 'i.ref_number = $1'}`,
      [byId ? locator.id : locator.refNumber],
    );
    if (!row) throw new NotFoundError('Incident', 'id' in locator ? locator.id : incidentRef(locator.refNumber));
    return toIncidentView(incidentFromRow(row), inline?.read(row.steps_json) ?? []);
  }

  /** The incident row or 404. */
  async find(manager: EntityManager, locator: IncidentLocator, lock = false): Promise<Incident> {
    const incident = await manager.findOne(Incident, {
      where: 'id' in locator ? { id: locator.id } : { refNumber: locator.refNumber },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!incident) throw new NotFoundError('Incident', 'id' in locator ? locator.id : incidentRef(locator.refNumber));
    return incident;
  }

  async list(query: ListIncidentsQuery): Promise<Page<IncidentView>> {
    const limit = query.limit ?? 50;
    const qb = this.incidents.createQueryBuilder('i').orderBy('i.created_at', 'DESC').addOrderBy('i.id', 'DESC').take(limit + 1);
    if (query.status) qb.andWhere('i.status = :status', { status: query.status });
    if (query.severity) qb.andWhere('i.severity = :severity', { severity: query.severity });
    if (query.service) qb.andWhere('i.service = :service', { service: query.service });
    if (query.from) qb.andWhere('i.created_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('i.created_at < :to', { to: new Date(query.to) });
    if (query.q) {
      const ref = /^\s*INC-(\d{1,9})\s*$/i.exec(query.q);
      if (ref) {
        qb.andWhere('i.ref_number = :refNumber', { refNumber: Number(ref[1]) });
      } else {
        const pattern = `%${query.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        qb.andWhere('(i.title ILIKE :q OR i.summary ILIKE :q OR i.service ILIKE :q)', { q: pattern });
      }
    }
    if (query.cursor) {
      const position = decodeCursor(query.cursor);
      qb.andWhere('(i.created_at, i.id) < (:at, :id)', { at: new Date(position.at), id: position.id });
    }
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const views = await this.views(this.dataSource.manager, items);
    return {
      items: views,
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  async update(locator: IncidentLocator, dto: UpdateIncidentDto, expectedVersion: number, principal: Principal): Promise<IncidentView> {
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.find(tx, locator, true);
      if (incident.version !== expectedVersion) throw new StaleVersionError(expectedVersion, incident.version);
      if (incident.status === 'closed') throw new ConflictError('A closed incident cannot be edited.', { incidentStatus: incident.status });
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const fields = ['title', 'severity', 'summary', 'commander', 'tags', 'impact', 'environment', 'gateway'] as const;
      for (const field of fields) {
        const next = dto[field];
        if (next === undefined) continue;
        const previous = incident[field];
        if (JSON.stringify(previous) === JSON.stringify(next)) continue;
        changes[field] = { from: previous, to: next };
        (incident as unknown as Record<string, unknown>)[field] = field === 'impact' ? { ...(next as object) } : next;
      }
      if (Object.keys(changes).length === 0) return this.view(tx, incident);
      incident.updatedAt = new Date();
      const saved = await tx.save(incident);
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: 'incident.updated',
        actor: principal.actor,
        message: describeChanges(changes),
        data: { changes },
      });
      return this.view(tx, saved);
    });
  }

  async transition(locator: IncidentLocator, dto: TransitionDto, principal: Principal): Promise<IncidentView> {
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.find(tx, locator, true);
      if (dto.version !== undefined && dto.version !== incident.version) throw new StaleVersionError(dto.version, incident.version);
      const at = this.eventTime(dto.at, incident);
      await this.applyTransition(tx, incident, dto.to, principal.actor, at, dto.note);
      return this.view(tx, incident);
    });
  }

  /**
   * Moves an incident to `to` inside the caller's transaction, setting timestamps and writing the
   * timeline. Used by the transitions route and by modules that move incidents (steps, postmortems).
   */
  async applyTransition(
    tx: EntityManager,
    incident: Incident,
    to: IncidentStatus,
    actor: string,
    at: Date,
    note?: string,
    data: Record<string, unknown> = {},
  ): Promise<Incident> {
    const plan = planTransition(incident.status, to, incident, at, note);
    if (!plan.ok) throw new ConflictError(plan.reason, { from: plan.from, to: plan.to, allowed: plan.allowed });
    Object.assign(incident, plan.set);
    incident.status = to;
    if (to === 'resolved' && note?.trim()) incident.resolution = note.trim();
    incident.updatedAt = new Date();
    await tx.save(incident);
    await this.timeline.record(tx, {
      incidentId: incident.id,
      kind: 'incident.status_changed',
      actor,
      message: `${plan.from} → ${to}${note?.trim() ? `: ${note.trim()}` : ''}`,
      data: { from: plan.from, to, note: note?.trim() || undefined, reopened: plan.reopened || undefined, ...data },
      at,
    });
    return incident;
  }

  async addNote(locator: IncidentLocator, dto: AddNoteDto, principal: Principal): Promise<TimelineEventView> {
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.find(tx, locator);
      const event = await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: 'note',
        actor: principal.actor,
        message: dto.message.trim(),
        at: this.eventTime(dto.at, incident),
      });
      return toTimelineView(event);
    });
  }

  async timelineOf(locator: IncidentLocator, limit?: number, cursor?: string): Promise<Page<TimelineEventView>> {
    const incident = await this.find(this.dataSource.manager, locator);
    return this.timeline.list(incident.id, limit ?? 200, cursor);
  }

  /** A client-given instant may be in the past (recording after the fact) but not in the future. */
  private eventTime(at: string | undefined, incident: Incident): Date {
    const now = new Date();
    if (!at) return now;
    const when = new Date(at);
    if (when.getTime() > now.getTime() + 60_000) throw new ValidationError([{ field: 'at', message: 'at must not be in the future' }]);
    const earliest = Math.min(incident.detectedAt.getTime(), incident.createdAt.getTime());
    if (when.getTime() < earliest) {
      throw new ValidationError([{ field: 'at', message: 'at must not be before the incident was detected' }]);
    }
    return when;
  }

  async view(manager: EntityManager, incident: Incident): Promise<IncidentView> {
    return (await this.views(manager, [incident]))[0];
  }

  private async views(manager: EntityManager, incidents: Incident[]): Promise<IncidentView[]> {
    const steps = new Map<string, IncidentStepSummary[]>();
    if (incidents.length > 0) {
      for (const hook of this.hooks) {
        const found = await hook.stepsOf?.(manager, incidents.map((i) => i.id));
        for (const [id, list] of found ?? []) steps.set(id, list);
      }
    }
    return incidents.map((incident) => toIncidentView(incident, steps.get(incident.id) ?? []));
  }
}

function describeChanges(changes: Record<string, { from: unknown; to: unknown }>): string {
  const parts = Object.entries(changes).map(([field, { from, to }]) =>
    field === 'severity' ? `severity ${String(from)} → ${String(to)}` : field === 'summary' || field === 'impact' ? `${field} updated` : `${field} changed`,
  );
  return `Updated: ${parts.join(', ')}`;
}
