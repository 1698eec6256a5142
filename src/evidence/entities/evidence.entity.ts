import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Incident } from '../../incidents/entities/incident.entity.js';
import { EVIDENCE_KINDS, type EvidenceKind } from '../../runbooks/content/runbook-types.js';

export const PARSE_STATUSES = ['pending', 'parsed', 'failed'] as const;
export type ParseStatus = (typeof PARSE_STATUSES)[number];

export interface CapturedFrom {
  network?: string;
  region?: string;
  device?: string;
}

/** A file or text attached to an incident. Its (redacted) bytes live in evidence_blobs. */
@Entity({ name: 'evidence' })
@Index('uq_evidence_incident_sha256', ['incidentId', 'sha256'], { unique: true })
@Index('ix_evidence_incident_created', ['incidentId', 'createdAt'])
export class Evidence {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  incidentId: string;

  @ManyToOne(() => Incident, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  incident?: Incident;

  @Column({ type: 'enum', enum: EVIDENCE_KINDS, enumName: 'evidence_kind' })
  kind: EvidenceKind;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ type: 'varchar', length: 127 })
  mediaType: string;

  /** Bytes stored (after redaction). */
  @Column({ type: 'bigint' })
  size: string;

  /** Bytes received, before redaction. */
  @Column({ type: 'bigint' })
  originalSize: string;

  /** sha256 of the stored bytes: the same file uploaded twice to one incident is kept once. */
  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'jsonb', nullable: true })
  capturedFrom: CapturedFrom | null;

  @Column({ type: 'timestamptz', nullable: true })
  capturedAt: Date | null;

  @Column({ type: 'varchar', length: 100 })
  uploadedBy: string;

  @Column({ type: 'enum', enum: PARSE_STATUSES, enumName: 'evidence_parse_status', default: 'pending' })
  parseStatus: ParseStatus;

  @Column({ type: 'text', nullable: true })
  parseError: string | null;

  /** What the parser read (formats, counts, failing entries, hops) and what redaction replaced. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  summary: Record<string, unknown>;

  @Column({ type: 'int', default: 0 })
  findingCount: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  parsedAt: Date | null;
}
