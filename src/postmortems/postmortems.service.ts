import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { ConflictError, NotFoundError, StaleVersionError, ValidationError } from '../common/errors/domain-errors.js';
import type { IncidentLocator } from '../common/http/id-pipes.js';
import { DiagnosisService } from '../diagnosis/diagnosis.service.js';
import { Evidence } from '../evidence/entities/evidence.entity.js';
import { FindingRow } from '../evidence/entities/finding.entity.js';
import type { Incident } from '../incidents/entities/incident.entity.js';
import { TimelineEvent } from '../incidents/entities/timeline-event.entity.js';
import { incidentRef, toIncidentView } from '../incidents/incident.view.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { TimelineService } from '../incidents/timeline.service.js';
import { Runbook } from '../runbooks/entities/runbook.entity.js';
import { IncidentStep } from '../steps/entities/incident-step.entity.js';
import { checkBlameless, type BlameFlag } from './document/blameless.js';
import { buildPostmortemDocument, type PostmortemDocument } from './document/build-document.js';
import type { PostmortemRecord } from './document/postmortem-record.js';
import { renderHtml } from './document/render-html.js';
import type { PublishPostmortemDto, UpdatePostmortemDto } from './dto/postmortem.dto.js';
import { ActionItem } from './entities/action-item.entity.js';
import { Postmortem, PostmortemRevision } from './entities/postmortem.entity.js';
import { RootCause } from './entities/root-cause.entity.js';
import { renderMarkdown } from './document/render-markdown.js';

/** Sections people write; anything else in a PATCH is refused. */
export const HUMAN_SECTION_KEYS = ['summary', 'impact', 'detection', 'trigger', 'resolution', 'wentWell', 'wentPoorly', 'gotLucky', 'messaging', 'lessons'] as const;

export interface PostmortemView {
  incidentId: string;
  ref: string;
  status: string;
  revision: number;
  version: number;
  title: string;
  sections: PostmortemDocument['sections'];
  humanSections: Record<string, string>;
  metrics: PostmortemDocument['metrics'];
  markdown: string;
  blameFlags: BlameFlag[];
  generatedAt: string;
  publishedAt: string | null;
  publishedBy: string | null;
}

/**
 * The postmortem written from the record: generation (keeping human sections across revisions),
 * edits, the review workflow, and publishing (which closes the incident).
 */
@Injectable()
export class PostmortemsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
    private readonly timeline: TimelineService,
    private readonly diagnosis: DiagnosisService,
  ) {}

  /** Generates the first revision, or the next one from the current record (human sections kept). */
  async generate(locator: IncidentLocator, principal: Principal): Promise<{ view: PostmortemView; created: boolean }> {
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.incidents.find(tx, locator, true);
      const existing = await tx.findOne(Postmortem, { where: { incidentId: incident.id } });
      if (existing) await this.archive(tx, existing);
      const revision = (existing?.revision ?? 0) + 1;
      const humanSections = existing?.humanSections ?? {};
      const status = existing && existing.status !== 'published' ? existing.status : 'draft';
      const { document, markdown, flags } = await this.render(tx, incident, humanSections, status, revision);
      const row = existing ?? tx.create(Postmortem, { incidentId: incident.id });
      Object.assign(row, {
        status,
        revision,
        humanSections,
        document: document as unknown as Record<string, unknown>,
        markdown,
        blameFlags: flags as unknown as Array<Record<string, unknown>>,
        generatedAt: new Date(document.generatedAt),
        // A new revision is a new draft (or stays in review): publication belongs to the revision published.
        publishedAt: null,
        publishedBy: null,
      });
      const saved = await tx.save(row);
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: 'postmortem.generated',
        actor: principal.actor,
        message: `Postmortem revision ${revision} generated${flags.length ? ` (${flags.length} blameless flag(s) to review)` : ''}`,
        data: { revision, flags: flags.length },
      });
      return { view: toView(saved, incident), created: !existing };
    });
  }

  async get(locator: IncidentLocator, revision?: number): Promise<{ view: PostmortemView; document: PostmortemDocument }> {
    const manager = this.dataSource.manager;
    const incident = await this.incidents.find(manager, locator);
    const current = await manager.findOne(Postmortem, { where: { incidentId: incident.id } });
    if (!current) throw new NotFoundError('Postmortem of', incidentRef(incident.refNumber));
    if (revision === undefined || revision === current.revision) return { view: toView(current, incident), document: current.document as unknown as PostmortemDocument };
    const old = await manager.findOne(PostmortemRevision, { where: { incidentId: incident.id, revision } });
    if (!old) throw new NotFoundError('Postmortem revision', `${revision} of ${incidentRef(incident.refNumber)}`);
    return {
      view: {
        ...toView(current, incident),
        status: old.status,
        revision: old.revision,
        humanSections: old.humanSections,
        sections: (old.document as unknown as PostmortemDocument).sections,
        metrics: (old.document as unknown as PostmortemDocument).metrics,
        markdown: old.markdown,
        generatedAt: old.generatedAt.toISOString(),
        publishedAt: old.publishedAt?.toISOString() ?? null,
        blameFlags: [],
      },
      document: old.document as unknown as PostmortemDocument,
    };
  }

  async revisions(locator: IncidentLocator): Promise<Array<{ revision: number; status: string; generatedAt: string; publishedAt: string | null; current: boolean }>> {
    const manager = this.dataSource.manager;
    const incident = await this.incidents.find(manager, locator);
    const current = await manager.findOne(Postmortem, { where: { incidentId: incident.id } });
    if (!current) throw new NotFoundError('Postmortem of', incidentRef(incident.refNumber));
    const old = await manager.find(PostmortemRevision, { where: { incidentId: incident.id }, order: { revision: 'ASC' } });
    return [
      ...old.map((r) => ({ revision: r.revision, status: r.status, generatedAt: r.generatedAt.toISOString(), publishedAt: r.publishedAt?.toISOString() ?? null, current: false })),
      { revision: current.revision, status: current.status, generatedAt: current.generatedAt.toISOString(), publishedAt: current.publishedAt?.toISOString() ?? null, current: true },
    ];
  }

  /** Edits the human-written sections; they survive every later regeneration. */
  async update(locator: IncidentLocator, dto: UpdatePostmortemDto, expectedVersion: number, principal: Principal): Promise<PostmortemView> {
    const unknown = Object.keys(dto.sections).filter((k) => !(HUMAN_SECTION_KEYS as readonly string[]).includes(k));
    const bad = Object.entries(dto.sections).filter(([, v]) => typeof v !== 'string' || v.length > 50_000);
    if (unknown.length || bad.length) {
      throw new ValidationError([
        ...unknown.map((k) => ({ field: `sections.${k}`, message: `not a section people write; use one of ${HUMAN_SECTION_KEYS.join(', ')}` })),
        ...bad.map(([k]) => ({ field: `sections.${k}`, message: 'must be markdown text of at most 50,000 characters' })),
      ]);
    }
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.incidents.find(tx, locator, true);
      const row = await tx.findOne(Postmortem, { where: { incidentId: incident.id } });
      if (!row) throw new NotFoundError('Postmortem of', incidentRef(incident.refNumber));
      if (row.version !== expectedVersion) throw new StaleVersionError(expectedVersion, row.version);
      if (row.status === 'published') {
        throw new ConflictError('The postmortem is published and read-only; POST /postmortem to start a new revision.', { postmortemStatus: row.status });
      }
      const humanSections = { ...row.humanSections };
      for (const [key, value] of Object.entries(dto.sections)) {
        if (value.trim()) humanSections[key] = value;
        else delete humanSections[key];
      }
      const { document, markdown, flags } = await this.render(tx, incident, humanSections, row.status, row.revision);
      Object.assign(row, {
        humanSections,
        document: document as unknown as Record<string, unknown>,
        markdown,
        blameFlags: flags as unknown as Array<Record<string, unknown>>,
        generatedAt: new Date(document.generatedAt),
      });
      const saved = await tx.save(row);
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: 'postmortem.edited',
        actor: principal.actor,
        message: `Postmortem edited: ${Object.keys(dto.sections).join(', ')}`,
        data: { sections: Object.keys(dto.sections), revision: row.revision },
      });
      return toView(saved, incident);
    });
  }

  async review(locator: IncidentLocator, principal: Principal): Promise<PostmortemView> {
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.incidents.find(tx, locator, true);
      const row = await this.current(tx, incident);
      if (row.status !== 'draft') throw new ConflictError(`Only a draft goes to review; this postmortem is ${row.status}.`, { postmortemStatus: row.status, allowed: row.status === 'in_review' ? ['published'] : [] });
      row.status = 'in_review';
      const saved = await tx.save(row);
      await this.timeline.record(tx, { incidentId: incident.id, kind: 'postmortem.in_review', actor: principal.actor, message: `Postmortem revision ${row.revision} sent to review`, data: { revision: row.revision } });
      return toView(saved, incident);
    });
  }

  /** Publishes after review; refused with every reason at once when the record is not ready. Closes the incident. */
  async publish(locator: IncidentLocator, dto: PublishPostmortemDto, principal: Principal): Promise<PostmortemView> {
    return this.dataSource.transaction(async (tx) => {
      const incident = await this.incidents.find(tx, locator, true);
      const row = await this.current(tx, incident);
      const reasons: string[] = [];
      if (row.status !== 'in_review') reasons.push(`the postmortem must be in review first (it is ${row.status})`);
      if (incident.status !== 'resolved') reasons.push(`the incident must be resolved (it is ${incident.status})`);
      const primary = await tx.findOne(RootCause, { where: { incidentId: incident.id, primary: true, status: 'confirmed' } });
      if (!primary) reasons.push('a confirmed primary root cause is required');
      const items = await tx.count(ActionItem, { where: { incidentId: incident.id } });
      if (items === 0) reasons.push('at least one action item is required');
      const flags = row.blameFlags;
      if (flags.length && !dto.overrideBlameless) reasons.push(`${flags.length} sentence(s) flagged by the blameless check: reword them or publish with overrideBlameless and a reason`);
      if (flags.length && dto.overrideBlameless && !dto.overrideReason?.trim()) reasons.push('overrideBlameless needs an overrideReason');
      if (reasons.length) throw new ConflictError(`The postmortem cannot be published: ${reasons.join('; ')}.`, { reasons, blameFlags: flags });
      const now = new Date();
      row.status = 'published';
      row.publishedAt = now;
      row.publishedBy = principal.actor;
      const saved = await tx.save(row);
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: 'postmortem.published',
        actor: principal.actor,
        message: `Postmortem revision ${row.revision} published${flags.length ? ` (blameless flags overridden: ${dto.overrideReason?.trim()})` : ''}`,
        data: { revision: row.revision, overrideBlameless: flags.length ? true : undefined },
        at: now,
      });
      await this.incidents.applyTransition(tx, incident, 'closed', principal.actor, now, 'Postmortem published');
      return toView(saved, incident);
    });
  }

  private async current(tx: EntityManager, incident: Incident): Promise<Postmortem> {
    const row = await tx.findOne(Postmortem, { where: { incidentId: incident.id } });
    if (!row) throw new NotFoundError('Postmortem of', incidentRef(incident.refNumber));
    return row;
  }

  private async archive(tx: EntityManager, row: Postmortem): Promise<void> {
    await tx.insert(PostmortemRevision, {
      incidentId: row.incidentId,
      revision: row.revision,
      status: row.status,
      humanSections: row.humanSections,
      document: row.document as never,
      markdown: row.markdown,
      generatedAt: row.generatedAt,
      publishedAt: row.publishedAt,
    });
  }

  private async render(tx: EntityManager, incident: Incident, humanSections: Record<string, string>, status: Postmortem['status'], revision: number) {
    const record = await this.gather(tx, incident, humanSections, status, revision);
    const document = buildPostmortemDocument(record, new Date().toISOString());
    const flags = checkBlameless(document, record.authors);
    return { document, markdown: renderMarkdown(document), flags };
  }

  /** Everything the document is written from, read in the caller's transaction. */
  async gather(tx: EntityManager, incident: Incident, humanSections: Record<string, string>, status: Postmortem['status'], revision: number): Promise<PostmortemRecord> {
    // One after another: a transaction is one connection, and pg queues concurrent queries on it anyway.
    const steps = await tx.find(IncidentStep, { where: { incidentId: incident.id }, order: { position: 'ASC' } });
    const events = await tx.find(TimelineEvent, { where: { incidentId: incident.id }, order: { at: 'ASC', seq: 'ASC' } });
    const evidence = await tx.find(Evidence, { where: { incidentId: incident.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const findings = await tx.find(FindingRow, { where: { incidentId: incident.id }, order: { weight: 'DESC', id: 'ASC' } });
    const causes = await tx.find(RootCause, { where: { incidentId: incident.id }, order: { primary: 'DESC', createdAt: 'ASC' } });
    const items = await tx.find(ActionItem, { where: { incidentId: incident.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const runbook = incident.runbookKey ? await tx.findOne(Runbook, { where: { key: incident.runbookKey, version: incident.runbookVersion ?? 1 } }) : null;
    const ranking = await this.diagnosis.rank(tx, incident);
    const view = toIncidentView(incident);
    const labels = new Map((runbook?.steps ?? []).flatMap((s) => s.outcomes.map((o) => [`${s.key}:${o.key}`, o.label] as const)));
    const authors = [...new Set([incident.commander, incident.createdBy, ...events.map((e) => e.actor)].filter((a): a is string => !!a && a !== 'stepwise'))].sort();
    return {
      incident: {
        id: view.id,
        ref: view.ref,
        title: view.title,
        summary: view.summary,
        severity: view.severity,
        status: view.status,
        service: view.service,
        environment: view.environment,
        gateway: incident.gateway,
        symptom: view.symptom
          ? { statusCode: view.symptom.statusCode ?? null, method: view.symptom.method ?? null, url: view.symptom.url ?? null, firstSeenAt: view.symptom.firstSeenAt ?? null }
          : null,
        commander: view.commander,
        tags: view.tags,
        impact: view.impact,
        resolution: view.resolution,
        createdBy: view.createdBy,
        detectedAt: view.detectedAt,
        createdAt: view.createdAt,
        acknowledgedAt: view.acknowledgedAt,
        investigatingAt: view.investigatingAt,
        mitigatedAt: view.mitigatedAt,
        resolvedAt: view.resolvedAt,
        closedAt: view.closedAt,
      },
      runbook: runbook ? { key: runbook.key, version: runbook.version } : null,
      steps: steps.map((s) => ({
        key: s.stepKey,
        position: s.position,
        title: s.title,
        status: s.status,
        outcome: s.outcome,
        outcomeLabel: s.outcome ? (labels.get(`${s.stepKey}:${s.outcome}`) ?? s.outcome) : null,
        notes: s.notes,
        skipReason: s.skipReason,
        performedBy: s.performedBy,
        startedAt: s.startedAt?.toISOString() ?? null,
        completedAt: s.completedAt?.toISOString() ?? null,
        timeSpentSeconds: s.timeSpentSeconds,
        attempts: s.attempts,
      })),
      timeline: events.map((e) => ({ id: e.id, at: e.at.toISOString(), kind: e.kind, actor: e.actor, message: e.message, data: e.data })),
      evidence: evidence.map((e) => ({
        id: e.id,
        kind: e.kind,
        filename: e.filename,
        sha256: e.sha256,
        size: Number(e.size),
        parseStatus: e.parseStatus,
        capturedFrom: e.capturedFrom ? Object.entries(e.capturedFrom).map(([k, v]) => `${k}: ${String(v)}`).join(', ') || null : null,
        capturedAt: e.capturedAt?.toISOString() ?? null,
        uploadedBy: e.uploadedBy,
        findingCount: e.findingCount,
      })),
      findings: findings.map((f) => ({ id: f.id, evidenceId: f.evidenceId, category: f.category, signal: f.signal, weight: f.weight, excerpt: f.excerpt, location: f.location })),
      rootCauses: causes.map((c) => ({
        id: c.id,
        category: c.category,
        description: c.description,
        status: c.status,
        primary: c.primary,
        findingIds: c.findingIds,
        stepKeys: c.stepKeys,
        confirmedBy: c.confirmedBy,
        confirmedAt: c.confirmedAt?.toISOString() ?? null,
      })),
      ranking: ranking.causes.map((c) => ({ category: c.category, score: c.score })),
      actionItems: items.map((a) => ({ id: a.id, title: a.title, kind: a.kind, priority: a.priority, owner: a.owner, dueDate: a.dueDate, status: a.status, catalogKey: a.catalogKey })),
      humanSections,
      authors,
      status,
      revision,
    };
  }

  renderHtmlOf(document: PostmortemDocument): string {
    return renderHtml(document);
  }
}

function toView(row: Postmortem, incident: Incident): PostmortemView {
  const document = row.document as unknown as PostmortemDocument;
  return {
    incidentId: incident.id,
    ref: incidentRef(incident.refNumber),
    status: row.status,
    revision: row.revision,
    version: row.version,
    title: document.title,
    sections: document.sections,
    humanSections: row.humanSections,
    metrics: document.metrics,
    markdown: row.markdown,
    blameFlags: row.blameFlags as unknown as BlameFlag[],
    generatedAt: row.generatedAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null,
    publishedBy: row.publishedBy,
  };
}
