import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { type FieldError, NotFoundError, ValidationError } from '../common/errors/domain-errors.js';
import { CAUSE_CATEGORIES, type CauseCategory, GATEWAYS, type Gateway, isCauseCategory } from '../diagnosis/cause-category.js';
import { selectRunbookKey } from './content/index.js';
import { placeholdersIn, CHECK_PLACEHOLDERS } from './content/placeholders.js';
import type { RunbookDefinition } from './content/runbook-types.js';
import type { CreateRunbookDto } from './dto/runbook.dto.js';
import { Runbook } from './entities/runbook.entity.js';

export interface RunbookSummary {
  key: string;
  version: number;
  title: string;
  description: string;
  appliesTo: RunbookDefinition['appliesTo'];
  steps: Array<{ key: string; position: number; title: string }>;
  versions: number[];
  createdAt: string;
  createdBy: string;
}

export type RunbookView = RunbookDefinition & { createdAt: string; createdBy: string };

const EFFECT_MIN = 0.1;
const EFFECT_MAX = 10;

/** How long another instance's new runbook version may take to be chosen here. */
const LATEST_TTL_MS = 5_000;

@Injectable()
export class RunbooksService {
  private readonly versions = new Map<string, Runbook>();
  /**
   * The latest version of each runbook, as the choice at incident creation reads it, kept briefly:
   * reading it on every create cost a round trip. A version published on this instance clears it at
   * once; one published on another instance is chosen here within LATEST_TTL_MS.
   */
  private latest: { rows: Array<Pick<Runbook, 'key' | 'version' | 'appliesTo'>>; until: number } | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The latest version of every runbook, with the versions that exist. */
  async list(): Promise<RunbookSummary[]> {
    const rows = await this.dataSource.manager.find(Runbook, { order: { key: 'ASC', version: 'DESC' } });
    const byKey = new Map<string, Runbook[]>();
    for (const row of rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
    return [...byKey.values()].map((versions) => {
      const latest = versions[0];
      return {
        key: latest.key,
        version: latest.version,
        title: latest.title,
        description: latest.description,
        appliesTo: latest.appliesTo,
        steps: latest.steps.map((s) => ({ key: s.key, position: s.position, title: s.title })),
        versions: versions.map((v) => v.version).sort((a, b) => a - b),
        createdAt: latest.createdAt.toISOString(),
        createdBy: latest.createdBy,
      };
    });
  }

  async get(key: string, version?: number): Promise<RunbookView> {
    return toView(await this.find(this.dataSource.manager, key, version));
  }

  /**
   * A version of a runbook (the latest when none is given) or 404. A (key, version) row never
   * changes once written, so versions are kept in memory after the first read: every create and
   * every guidance request needs one, and the steps are tens of KB of JSON.
   */
  async find(manager: EntityManager, key: string, version?: number): Promise<Runbook> {
    const cached = version ? this.versions.get(`${key}@${version}`) : undefined;
    if (cached) return cached;
    const row = await manager.findOne(Runbook, { where: { key, ...(version ? { version } : {}) }, order: { version: 'DESC' } });
    if (!row) throw new NotFoundError('Runbook', version ? `${key} v${version}` : key);
    if (this.versions.size < 500) this.versions.set(`${row.key}@${row.version}`, row);
    return row;
  }

  /**
   * The runbook for a new incident: a runbook whose `appliesTo` names the status code and the
   * incident's gateway wins, then one that names the status code for every gateway, then the
   * seeded flow for the status code (`http-502` when nothing matches).
   */
  async chooseFor(manager: EntityManager, statusCode: number | undefined, gateway: Gateway | null): Promise<Runbook> {
    const latest = await this.latestVersions(manager);
    if (statusCode !== undefined) {
      const forCode = latest.filter((r) => r.appliesTo.statusCodes.includes(statusCode));
      // A runbook written for some gateways beats one that applies to all of them.
      const specific = forCode.filter(
        (r) => gateway && r.appliesTo.gateways.length < GATEWAYS.length && r.appliesTo.gateways.includes(gateway),
      );
      const seededKey = selectRunbookKey(statusCode, gateway ?? undefined);
      const pick = specific[0] ?? forCode.find((r) => r.key === seededKey) ?? forCode[0];
      if (pick) return this.find(manager, pick.key, pick.version);
    }
    return this.find(manager, selectRunbookKey(statusCode, gateway ?? undefined));
  }

  private async latestVersions(manager: EntityManager): Promise<Array<Pick<Runbook, 'key' | 'version' | 'appliesTo'>>> {
    if (this.latest && this.latest.until > Date.now()) return this.latest.rows;
    // Only what the choice needs: the steps (tens of KB per runbook) are loaded for the one chosen.
    const rows: Array<Pick<Runbook, 'key' | 'version' | 'appliesTo'>> = await manager
      .createQueryBuilder(Runbook, 'r')
      .select(['r.key', 'r.version', 'r.appliesTo'])
      .distinctOn(['r.key'])
      .orderBy('r.key')
      .addOrderBy('r.version', 'DESC')
      .getMany();
    this.latest = { rows, until: Date.now() + LATEST_TTL_MS };
    return rows;
  }

  async create(dto: CreateRunbookDto, principal: Principal): Promise<RunbookView> {
    this.checkContent(dto);
    const view = await this.dataSource.transaction(async (tx) => {
      // Serialise versions of one key: two admins posting at once get consecutive numbers.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`runbook:${dto.key}`]);
      const previous = await tx.findOne(Runbook, { where: { key: dto.key }, order: { version: 'DESC' } });
      const priors = mergePriors(previous?.priors, dto.priors);
      const row = await tx.save(
        tx.create(Runbook, {
          key: dto.key,
          version: (previous?.version ?? 0) + 1,
          title: dto.title,
          description: dto.description,
          appliesTo: { statusCodes: dto.appliesTo.statusCodes, gateways: dto.appliesTo.gateways },
          priors,
          steps: dto.steps.map((step, index) => ({
            position: index + 1,
            key: step.key,
            title: step.title,
            instructions: step.instructions,
            tip: step.tip,
            expectedEvidence: step.expectedEvidence.map((e) => ({ kind: e.kind, description: e.description })),
            outcomes: step.outcomes.map((o) => ({
              key: o.key,
              label: o.label,
              description: o.description,
              effects: o.effects,
              ...(o.incidentEffect ? { incidentEffect: o.incidentEffect } : {}),
            })),
            checks: step.checks.map((c) => ({ gateway: c.gateway, title: c.title, command: c.command, lookFor: c.lookFor })),
            observations: (step.observations ?? []).map((f) => ({ key: f.key, type: f.type, description: f.description })),
            repeatable: step.repeatable ?? false,
          })),
          createdBy: principal.actor,
        }),
      );
      return toView(row);
    });
    // Cleared once committed, so no create on this instance chooses from the list without it.
    this.latest = null;
    return view;
  }

  /** What class-validator cannot say: unique keys, known categories, effect ranges, placeholders. */
  private checkContent(dto: CreateRunbookDto): void {
    const errors: FieldError[] = [];
    const stepKeys = new Set<string>();
    dto.steps.forEach((step, i) => {
      if (stepKeys.has(step.key)) errors.push({ field: `steps.${i}.key`, message: `step key ${step.key} is used twice` });
      stepKeys.add(step.key);
      const outcomeKeys = new Set<string>();
      step.outcomes.forEach((outcome, j) => {
        const field = `steps.${i}.outcomes.${j}`;
        if (outcomeKeys.has(outcome.key)) errors.push({ field: `${field}.key`, message: `outcome ${outcome.key} is used twice` });
        outcomeKeys.add(outcome.key);
        for (const [category, factor] of Object.entries(outcome.effects)) {
          if (!isCauseCategory(category)) errors.push({ field: `${field}.effects.${category}`, message: `unknown cause category; use one of ${CAUSE_CATEGORIES.join(', ')}` });
          else if (typeof factor !== 'number' || !(factor >= EFFECT_MIN && factor <= EFFECT_MAX)) {
            errors.push({ field: `${field}.effects.${category}`, message: `effect must be a number between ${EFFECT_MIN} and ${EFFECT_MAX}` });
          }
        }
      });
      step.checks.forEach((check, j) => {
        const unknown = placeholdersIn(check.command).filter((p) => !(CHECK_PLACEHOLDERS as readonly string[]).includes(p));
        if (unknown.length) errors.push({ field: `steps.${i}.checks.${j}.command`, message: `unknown placeholders: ${unknown.join(', ')}; known: ${CHECK_PLACEHOLDERS.join(', ')}` });
      });
    });
    for (const [category, value] of Object.entries(dto.priors ?? {})) {
      if (!isCauseCategory(category)) errors.push({ field: `priors.${category}`, message: 'unknown cause category' });
      else if (typeof value !== 'number' || !(value > 0 && value <= 1)) errors.push({ field: `priors.${category}`, message: 'a prior must be a number in (0, 1]' });
    }
    if (errors.length) throw new ValidationError(errors);
  }
}

function mergePriors(previous: Record<CauseCategory, number> | undefined, given: Record<string, number> | undefined): Record<CauseCategory, number> {
  const out = {} as Record<CauseCategory, number>;
  for (const category of CAUSE_CATEGORIES) out[category] = given?.[category] ?? previous?.[category] ?? 0.05;
  return out;
}

export function toView(row: Runbook): RunbookView {
  return {
    key: row.key,
    version: row.version,
    title: row.title,
    description: row.description,
    appliesTo: row.appliesTo,
    priors: row.priors,
    steps: row.steps,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
  };
}
