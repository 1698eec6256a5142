import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { NotFoundError, StaleVersionError } from '../common/errors/domain-errors.js';
import type { IncidentLocator } from '../common/http/id-pipes.js';
import { decodeCursor, encodeCursor, type Page } from '../common/pagination/cursor.js';
import { incidentRef } from '../incidents/incident.view.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { TimelineService } from '../incidents/timeline.service.js';
import type { CauseCategory } from '../diagnosis/cause-category.js';
import { defaultDueDate, PREVENTION_CATALOG, proposeActionItems } from './document/prevention-catalog.js';
import type { CreateActionItemDto, ListActionItemsQuery, UpdateActionItemDto } from './dto/postmortem.dto.js';
import { ActionItem } from './entities/action-item.entity.js';
import { RootCause } from './entities/root-cause.entity.js';

export interface ActionItemView {
  id: string;
  incidentId: string;
  incidentRef?: string;
  service?: string;
  title: string;
  kind: string;
  priority: string;
  owner: string | null;
  dueDate: string;
  overdue: boolean;
  status: string;
  catalogKey: string | null;
  category: string | null;
  createdBy: string;
  createdAt: string;
  completedAt: string | null;
  version: number;
}

const today = () => new Date().toISOString().slice(0, 10);

/** The cause category a catalog item prevents (general practice items have none). */
const CATEGORY_OF_ITEM = new Map<string, CauseCategory>(
  Object.entries(PREVENTION_CATALOG).flatMap(([category, items]) => items.map((item) => [item.key, category as CauseCategory] as const)),
);
const catalogCategory = (key: string): CauseCategory | null => CATEGORY_OF_ITEM.get(key) ?? null;

export function toActionItemView(row: ActionItem, extra: { incidentRef?: string; service?: string } = {}): ActionItemView {
  return {
    id: row.id,
    incidentId: row.incidentId,
    ...extra,
    title: row.title,
    kind: row.kind,
    priority: row.priority,
    owner: row.owner,
    dueDate: row.dueDate,
    overdue: row.status === 'open' && row.dueDate < today(),
    status: row.status,
    catalogKey: row.catalogKey,
    category: row.category,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    version: row.version,
  };
}

/** The prevention checklist: proposed from the catalog for confirmed causes, tracked across incidents. */
@Injectable()
export class ActionItemsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
    private readonly timeline: TimelineService,
  ) {}

  async listFor(locator: IncidentLocator): Promise<ActionItemView[]> {
    const incident = await this.incidents.find(this.dataSource.manager, locator);
    const rows = await this.dataSource.manager.find(ActionItem, { where: { incidentId: incident.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => toActionItemView(r));
  }

  async create(locator: IncidentLocator, dto: CreateActionItemDto, principal: Principal): Promise<ActionItemView> {
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.incidents.find(tx, locator, true);
      const row = await tx.save(
        tx.create(ActionItem, {
          incidentId: incident.id,
          title: dto.title.trim(),
          kind: dto.kind,
          priority: dto.priority,
          owner: dto.owner ?? null,
          dueDate: dto.dueDate ?? defaultDueDate(dto.priority, today()),
          status: 'open',
          catalogKey: null,
          category: dto.category ?? null,
          createdBy: principal.actor,
        }),
      );
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: 'action_item.added',
        actor: principal.actor,
        message: `Action item (${row.priority}, ${row.kind}): ${row.title}`,
        data: { actionItemId: row.id },
      });
      return toActionItemView(row);
    });
  }

  /** Adds the catalog's items for the incident's confirmed causes (and the general ones) not yet on it. */
  async propose(locator: IncidentLocator, principal: Principal): Promise<ActionItemView[]> {
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.incidents.find(tx, locator, true);
      const causes = await tx.find(RootCause, { where: { incidentId: incident.id, status: 'confirmed' }, order: { primary: 'DESC', createdAt: 'ASC' } });
      const existing = await tx.find(ActionItem, { where: { incidentId: incident.id } });
      const proposals = proposeActionItems(
        causes.map((c) => c.category),
        existing.map((e) => e.catalogKey).filter((k): k is string => !!k),
      );
      const created: ActionItem[] = [];
      for (const item of proposals) {
        created.push(
          await tx.save(
            tx.create(ActionItem, {
              incidentId: incident.id,
              title: item.title,
              kind: item.kind,
              priority: item.priority,
              owner: incident.commander,
              dueDate: defaultDueDate(item.priority, today()),
              status: 'open',
              catalogKey: item.key,
              category: catalogCategory(item.key),
              createdBy: principal.actor,
            }),
          ),
        );
      }
      if (created.length) {
        await this.timeline.record(tx, {
          incidentId: incident.id,
          kind: 'action_item.proposed',
          actor: principal.actor,
          message: `Prevention checklist: ${created.length} item(s) proposed for ${causes.map((c) => c.category).join(', ') || 'general practice'}`,
          data: { actionItemIds: created.map((c) => c.id) },
        });
      }
      return created.map((r) => toActionItemView(r));
    });
  }

  async list(query: ListActionItemsQuery): Promise<Page<ActionItemView>> {
    const limit = Math.min(query.limit ?? 50, 200);
    const qb = this.dataSource.manager
      .createQueryBuilder(ActionItem, 'a')
      .innerJoin('incidents', 'i', 'i.id = a.incident_id')
      .addSelect(['i.ref_number', 'i.service'])
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit + 1);
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.owner) qb.andWhere('a.owner = :owner', { owner: query.owner });
    if (query.service) qb.andWhere('i.service = :service', { service: query.service });
    if (query.overdue === 'true') qb.andWhere("a.status = 'open' AND a.due_date < :today", { today: today() });
    if (query.overdue === 'false') qb.andWhere("NOT (a.status = 'open' AND a.due_date < :today)", { today: today() });
    if (query.cursor) {
      const position = decodeCursor(query.cursor);
      qb.andWhere('(a.created_at, a.id) < (:at, :id)', { at: new Date(position.at), id: position.id });
    }
    const { entities, raw } = await qb.getRawAndEntities<{ a_id: string; ref_number: number; i_service: string }>();
    const extras = new Map(raw.map((r) => [r.a_id, { incidentRef: incidentRef(r.ref_number), service: r.i_service }]));
    const items = entities.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((e) => toActionItemView(e, extras.get(e.id))),
      nextCursor: entities.length > limit && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  async update(id: string, dto: UpdateActionItemDto, principal: Principal): Promise<ActionItemView> {
    return this.dataSource.transaction(async (tx) => {
      const row = await tx.findOne(ActionItem, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('Action item', id);
      if (dto.version !== undefined && dto.version !== row.version) throw new StaleVersionError(dto.version, row.version);
      const before = row.status;
      // A new due date is a new promise: it may become overdue (and be announced) again.
      if (dto.dueDate && dto.dueDate !== row.dueDate) row.overdueNotifiedAt = null;
      Object.assign(row, {
        ...(dto.status ? { status: dto.status } : {}),
        ...(dto.owner ? { owner: dto.owner } : {}),
        ...(dto.dueDate ? { dueDate: dto.dueDate } : {}),
        ...(dto.title ? { title: dto.title.trim() } : {}),
        ...(dto.priority ? { priority: dto.priority } : {}),
      });
      if (row.status !== 'open' && before === 'open') row.completedAt = new Date();
      if (row.status === 'open') row.completedAt = null;
      const saved = await tx.save(row);
      if (before !== saved.status) {
        await this.timeline.record(tx, {
          incidentId: saved.incidentId,
          kind: 'action_item.status_changed',
          actor: principal.actor,
          message: `Action item ${before} → ${saved.status}: ${saved.title}`,
          data: { actionItemId: saved.id, from: before, to: saved.status },
        });
      }
      return toActionItemView(saved);
    });
  }
}
