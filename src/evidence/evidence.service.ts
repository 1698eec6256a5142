import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { ConflictError, NotFoundError, PayloadTooLargeError, ValidationError } from '../common/errors/domain-errors.js';
import type { IncidentLocator } from '../common/http/id-pipes.js';
import { AppConfig } from '../config/app-config.js';
import { DiagnosisService } from '../diagnosis/diagnosis.service.js';
import type { ScoredFinding } from '../diagnosis/scoring.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { TimelineService } from '../incidents/timeline.service.js';
import { JobsService } from '../jobs/jobs.service.js';
import type { EvidenceKind } from '../runbooks/content/runbook-types.js';
import { StepsService } from '../steps/steps.service.js';
import { Evidence, type CapturedFrom } from './entities/evidence.entity.js';
import { FindingRow } from './entities/finding.entity.js';
import { toEvidenceView, toFindingView, type EvidenceView, type FindingView } from './evidence.view.js';
import { mediaTypeFor, parseEvidence, type ParseOutcome } from './ingest/parse-evidence.js';
import { signalTotals } from './ingest/signal-totals.js';
import { EvidenceTooLargeError, spoolEvidence } from './ingest/spool.js';

const CHUNK_BYTES = 1024 * 1024;
export const PARSE_QUEUE = 'evidence.parse';

export interface UploadInput {
  source: AsyncIterable<Buffer | Uint8Array | string>;
  kind: EvidenceKind;
  filename: string | undefined;
  mediaType: string | undefined;
  capturedFrom: CapturedFrom | undefined;
  capturedAt: string | undefined;
  /** True once a multipart stream hit its size limit. */
  isTruncated?: () => boolean;
}

export interface UploadResult {
  evidence: EvidenceView & { duplicate: boolean };
  created: boolean;
}

/**
 * Evidence intake: redact while spooling to a temporary file (so neither a slow client nor a large
 * file holds a database connection or memory), parse small files at once and large ones in a job,
 * then store the bytes, the findings and the timeline event in one transaction.
 */
@Injectable()
export class EvidenceService implements OnModuleInit {
  private readonly logger = new Logger('Evidence');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
    private readonly timeline: TimelineService,
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
    diagnosis: DiagnosisService,
    steps: StepsService,
  ) {
    diagnosis.registerFindingSource(this);
    steps.registerEvidenceKindSource(this);
  }

  onModuleInit(): void {
    this.jobs.register<{ evidenceId: string }>(PARSE_QUEUE, { retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: 15 * 60 }, async ({ evidenceId }) => {
      await this.parseStored(evidenceId);
    });
  }

  async upload(locator: IncidentLocator, input: UploadInput, principal: Principal): Promise<UploadResult> {
    const incident = await this.incidents.find(this.dataSource.manager, locator);
    if (incident.status === 'closed') throw new ConflictError('The incident is closed; evidence can no longer be added.', { incidentStatus: incident.status });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'stepwise-evidence-'));
    const file = path.join(dir, 'upload');
    try {
      let spooled;
      try {
        spooled = await spoolEvidence(input.source, input.kind, file, this.config.STEPWISE_EVIDENCE_MAX_BYTES, input.isTruncated);
      } catch (error) {
        if (error instanceof EvidenceTooLargeError) throw new PayloadTooLargeError(error.limitBytes);
        throw error;
      }
      if (spooled.originalSize === 0) throw new ValidationError([{ field: 'file', message: 'the upload is empty' }]);
      const head = await readHead(file, 16);
      const inline = spooled.size <= this.config.STEPWISE_PARSE_INLINE_MAX_BYTES;
      const parsed: ParseOutcome | null = inline ? await parseEvidence(input.kind, () => createReadStream(file, { highWaterMark: CHUNK_BYTES }), head) : null;

      const result = await this.dataSource.transaction(async (tx) => {
        // Locking the incident serialises uploads to it, so the sha256 check below cannot race.
        await this.incidents.find(tx, { id: incident.id }, true);
        const existing = await tx.findOne(Evidence, { where: { incidentId: incident.id, sha256: spooled.sha256 } });
        if (existing) return { row: existing, created: false };
        const row = await tx.save(
          tx.create(Evidence, {
            id: randomUUID(),
            incidentId: incident.id,
            kind: input.kind,
            filename: sanitizeFilename(input.filename, input.kind),
            mediaType: mediaTypeFor(input.kind, input.mediaType, head),
            size: String(spooled.size),
            originalSize: String(spooled.originalSize),
            sha256: spooled.sha256,
            capturedFrom: input.capturedFrom ?? null,
            capturedAt: input.capturedAt ? new Date(input.capturedAt) : null,
            uploadedBy: principal.actor,
            parseStatus: parsed ? parsed.status : 'pending',
            parseError: parsed?.status === 'failed' ? parsed.error : null,
            summary: { ...(parsed?.summary ?? {}), parser: parsed?.parser ?? null, redaction: spooled.redaction },
            findingCount: parsed?.findings.length ?? 0,
            parsedAt: parsed ? new Date() : null,
          }),
        );
        await this.writeChunks(tx, row.id, file);
        if (parsed) await this.insertFindings(tx, row, parsed);
        await this.timeline.record(tx, {
          incidentId: incident.id,
          kind: 'evidence.added',
          actor: principal.actor,
          message: describeUpload(row, parsed),
          data: { evidenceId: row.id, kind: row.kind, filename: row.filename, sha256: row.sha256, findings: row.findingCount, redacted: spooled.redaction.total, parseStatus: row.parseStatus },
        });
        return { row, created: true };
      });
      if (result.created && result.row.parseStatus === 'pending') {
        await this.jobs.send(PARSE_QUEUE, { evidenceId: result.row.id }, { singletonKey: result.row.id });
      }
      return { evidence: { ...toEvidenceView(result.row), duplicate: !result.created }, created: result.created };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Parses stored evidence (the background job). Reads the bytes from Postgres chunk by chunk and
   * replaces the evidence's findings in one transaction, so a crash mid-parse leaves either nothing
   * or the whole set, and a retry starts clean.
   */
  async parseStored(evidenceId: string): Promise<void> {
    const row = await this.dataSource.manager.findOne(Evidence, { where: { id: evidenceId } });
    if (!row) return; // deleted with its incident: nothing to do
    const head = await this.firstBytes(evidenceId, 16);
    const parsed = await parseEvidence(row.kind, () => this.readChunks(evidenceId), head);
    await this.dataSource.transaction(async (tx) => {
      const current = await tx.findOne(Evidence, { where: { id: evidenceId }, lock: { mode: 'pessimistic_write' } });
      if (!current) return;
      await tx.delete(FindingRow, { evidenceId });
      await this.insertFindings(tx, current, parsed);
      current.parseStatus = parsed.status;
      current.parseError = parsed.status === 'failed' ? parsed.error : null;
      current.summary = { ...parsed.summary, parser: parsed.parser, redaction: current.summary.redaction };
      current.findingCount = parsed.findings.length;
      current.parsedAt = new Date();
      await tx.save(current);
      await this.timeline.record(tx, {
        incidentId: current.incidentId,
        kind: 'evidence.parsed',
        actor: 'stepwise',
        message: describeUpload(current, parsed).replace(/^Added/, 'Parsed'),
        data: { evidenceId, findings: parsed.findings.length, parseStatus: parsed.status },
      });
    });
  }

  async list(locator: IncidentLocator): Promise<EvidenceView[]> {
    const incident = await this.incidents.find(this.dataSource.manager, locator);
    const rows = await this.dataSource.manager.find(Evidence, { where: { incidentId: incident.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toEvidenceView);
  }

  async get(locator: IncidentLocator, evidenceId: string): Promise<Evidence> {
    const incident = await this.incidents.find(this.dataSource.manager, locator);
    const row = await this.dataSource.manager.findOne(Evidence, { where: { id: evidenceId, incidentId: incident.id } });
    if (!row) throw new NotFoundError('Evidence', evidenceId);
    return row;
  }

  async findings(locator: IncidentLocator, evidenceId: string): Promise<FindingView[]> {
    const row = await this.get(locator, evidenceId);
    const findings = await this.dataSource.manager.find(FindingRow, { where: { evidenceId: row.id }, order: { weight: 'DESC', id: 'ASC' } });
    return findings.map(toFindingView);
  }

  /** The stored (redacted) bytes, chunk by chunk. */
  async *readChunks(evidenceId: string): AsyncIterable<Buffer> {
    for (let seq = 0; ; seq++) {
      const rows: Array<{ data: Buffer }> = await this.dataSource.query('SELECT data FROM evidence_blobs WHERE evidence_id = $1 AND seq = $2', [evidenceId, seq]);
      if (rows.length === 0) return;
      yield rows[0].data;
    }
  }

  /** The incident's stored findings, each with how often its signal was seen in its evidence. */
  async findingsOf(manager: EntityManager, incidentId: string): Promise<ScoredFinding[]> {
    const rows = await manager.find(FindingRow, { where: { incidentId }, order: { id: 'ASC' } });
    if (rows.length === 0) return [];
    // Only the counts: a HAR's summary also lists up to 200 failing entries.
    const summaries: Array<{ id: string; summary: unknown }> = await manager.query(
      `SELECT id, jsonb_build_object('signals', summary->'signals', 'signalCounts', summary->'signalCounts') AS summary
         FROM evidence WHERE incident_id = $1`,
      [incidentId],
    );
    const totals = new Map(summaries.map((e) => [e.id, signalTotals(e.summary)]));
    return rows.map((r) => ({
      occurrences: totals.get(r.evidenceId)?.get(r.signal),
      id: r.id,
      evidenceId: r.evidenceId,
      category: r.category,
      signal: r.signal,
      weight: r.weight,
      excerpt: r.excerpt,
      location: r.location,
      observedAt: r.observedAt?.toISOString() ?? null,
      upstream: r.upstream,
      detail: r.detail ?? undefined,
    }));
  }

  async kindsOf(manager: EntityManager, incidentId: string): Promise<Set<string>> {
    const rows: Array<{ kind: string }> = await manager.query('SELECT DISTINCT kind::text AS kind FROM evidence WHERE incident_id = $1', [incidentId]);
    return new Set(rows.map((r) => r.kind));
  }

  private async writeChunks(tx: EntityManager, evidenceId: string, file: string): Promise<void> {
    let seq = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
      await tx.query('INSERT INTO evidence_blobs (evidence_id, seq, data) VALUES ($1, $2, $3)', [evidenceId, seq++, chunk]);
    }
  }

  private async insertFindings(tx: EntityManager, evidence: Evidence, parsed: ParseOutcome): Promise<void> {
    const rows = parsed.findings.map((f) => ({
      evidenceId: evidence.id,
      incidentId: evidence.incidentId,
      category: f.category,
      signal: f.signal.slice(0, 100),
      weight: f.weight,
      excerpt: f.excerpt.slice(0, 2000),
      location: f.location,
      observedAt: f.observedAt && !Number.isNaN(Date.parse(f.observedAt)) ? new Date(f.observedAt) : null,
      upstream: f.upstream?.slice(0, 255) ?? null,
      detail: f.detail ?? null,
    }));
    // jsonb `detail` is open-ended, which TypeORM's deep-partial insert type cannot express.
    type InsertRows = Parameters<EntityManager['insert']>[1];
    for (let i = 0; i < rows.length; i += 500) await tx.insert(FindingRow, rows.slice(i, i + 500) as unknown as InsertRows);
  }

  private async firstBytes(evidenceId: string, n: number): Promise<Buffer> {
    const rows: Array<{ head: Buffer }> = await this.dataSource.query('SELECT substring(data from 1 for $2) AS head FROM evidence_blobs WHERE evidence_id = $1 AND seq = 0', [evidenceId, n]);
    return rows[0]?.head ?? Buffer.alloc(0);
  }
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function sanitizeFilename(name: string | undefined, kind: EvidenceKind): string {
  const base = [...((name ?? '').split(/[\\/]/).pop() ?? '')]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 255);
  return base || `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.${kind === 'har' ? 'har' : kind === 'screenshot' ? 'png' : 'txt'}`;
}

function describeUpload(row: Evidence, parsed: ParseOutcome | null): string {
  const what = `${row.kind} ${row.filename}`;
  if (!parsed) return `Added ${what}; parsing in the background`;
  if (parsed.status === 'failed') return `Added ${what}; could not parse it: ${parsed.error}`;
  if (!parsed.parser) return `Added ${what}`;
  const signals = [...new Set(parsed.findings.map((f) => f.signal))].slice(0, 3);
  return `Added ${what}: ${parsed.findings.length} finding${parsed.findings.length === 1 ? '' : 's'}${signals.length ? ` (${signals.join(', ')})` : ''}`;
}
