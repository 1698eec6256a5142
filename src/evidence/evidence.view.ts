import type { Evidence } from './entities/evidence.entity.js';
import type { FindingRow } from './entities/finding.entity.js';

export interface EvidenceView {
  id: string;
  incidentId: string;
  kind: string;
  filename: string;
  mediaType: string;
  size: number;
  originalSize: number;
  sha256: string;
  capturedFrom: Evidence['capturedFrom'];
  capturedAt: string | null;
  uploadedBy: string;
  parseStatus: string;
  parseError: string | null;
  summary: Record<string, unknown>;
  findingCount: number;
  createdAt: string;
  parsedAt: string | null;
}

export function toEvidenceView(row: Evidence): EvidenceView {
  return {
    id: row.id,
    incidentId: row.incidentId,
    kind: row.kind,
    filename: row.filename,
    mediaType: row.mediaType,
    size: Number(row.size),
    originalSize: Number(row.originalSize),
    sha256: row.sha256,
    capturedFrom: row.capturedFrom,
    capturedAt: row.capturedAt?.toISOString() ?? null,
    uploadedBy: row.uploadedBy,
    parseStatus: row.parseStatus,
    parseError: row.parseError,
    summary: row.summary,
    findingCount: row.findingCount,
    createdAt: row.createdAt.toISOString(),
    parsedAt: row.parsedAt?.toISOString() ?? null,
  };
}

export interface FindingView {
  id: string;
  evidenceId: string;
  category: string;
  signal: string;
  weight: number;
  excerpt: string;
  location: FindingRow['location'];
  observedAt: string | null;
  upstream: string | null;
  detail: Record<string, unknown> | null;
}

export function toFindingView(row: FindingRow): FindingView {
  return {
    id: row.id,
    evidenceId: row.evidenceId,
    category: row.category,
    signal: row.signal,
    weight: row.weight,
    excerpt: row.excerpt,
    location: row.location,
    observedAt: row.observedAt?.toISOString() ?? null,
    upstream: row.upstream,
    detail: row.detail,
  };
}
