import {
  Column,
  CreateDateColumn,
  Entity,
  Generated,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { GATEWAYS, type Gateway } from '../../diagnosis/cause-category.js';
import { INCIDENT_STATUSES, type IncidentStatus } from '../incident-lifecycle.js';

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Symptom {
  statusCode?: number;
  method?: string;
  url?: string;
  responseHeaders?: Record<string, string>;
  firstSeenAt?: string;
}

export interface Impact {
  description?: string;
  usersAffected?: number;
  requestsAffected?: number;
  errorRatePercent?: number;
  regions?: string[];
  customerFacing?: boolean;
}

@Entity({ name: 'incidents' })
@Index('ix_incidents_created_at_id', ['createdAt', 'id'])
@Index('ix_incidents_status', ['status'])
@Index('ix_incidents_service_created_at', ['service', 'createdAt'])
@Index('ix_incidents_severity_created_at', ['severity', 'createdAt'])
@Index('ix_incidents_gateway_created_at', ['gateway', 'createdAt'])
export class Incident {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Number behind the human ref `INC-<n>`, from a sequence (serial). */
  @Index('uq_incidents_ref_number', { unique: true })
  @Column({ type: 'int' })
  @Generated('increment')
  refNumber: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Column({ type: 'enum', enum: SEVERITIES, enumName: 'incident_severity' })
  severity: Severity;

  @Column({ type: 'enum', enum: INCIDENT_STATUSES, enumName: 'incident_status', default: 'open' })
  status: IncidentStatus;

  @Column({ type: 'varchar', length: 100 })
  service: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  environment: string | null;

  @Column({ type: 'enum', enum: GATEWAYS, enumName: 'gateway_kind', nullable: true })
  gateway: Gateway | null;

  @Column({ type: 'jsonb', nullable: true })
  symptom: Symptom | null;

  @Column({ type: 'jsonb', nullable: true })
  impact: Impact | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  commander: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'varchar', length: 64, nullable: true })
  runbookKey: string | null;

  @Column({ type: 'int', nullable: true })
  runbookVersion: number | null;

  /** Why and how it was resolved (the note of the transition to `resolved`). */
  @Column({ type: 'text', nullable: true })
  resolution: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdBy: string;

  @Column({ type: 'timestamptz' })
  detectedAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  investigatingAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  mitigatedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @VersionColumn({ default: 1 })
  version: number;
}

/** An `incidents` row as plain SQL returns it (snake_case columns, pg's types). */
export interface IncidentRow {
  id: string;
  ref_number: number;
  title: string;
  summary: string | null;
  severity: Severity;
  status: IncidentStatus;
  service: string;
  environment: string | null;
  gateway: Gateway | null;
  symptom: Symptom | null;
  impact: Impact | null;
  commander: string | null;
  tags: string[];
  runbook_key: string | null;
  runbook_version: number | null;
  resolution: string | null;
  created_by: string;
  detected_at: Date;
  created_at: Date;
  updated_at: Date;
  acknowledged_at: Date | null;
  investigating_at: Date | null;
  mitigated_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  version: number;
}

/**
 * IncidentRow's columns, for plain-SQL reads to name rather than `i.*`: a prepared `SELECT i.*` fails
 * ("cached plan must not change result type") once a migration adds a column while it is cached.
 */
export const INCIDENT_ROW_COLUMNS = [
  'id', 'ref_number', 'title', 'summary', 'severity', 'status', 'service', 'environment', 'gateway', 'symptom', 'impact',
  'commander', 'tags', 'runbook_key', 'runbook_version', 'resolution', 'created_by', 'detected_at', 'created_at', 'updated_at',
  'acknowledged_at', 'investigating_at', 'mitigated_at', 'resolved_at', 'closed_at', 'version',
] as const satisfies ReadonlyArray<keyof IncidentRow>;

/** The entity from a plain-SQL row, for hot reads that skip the ORM's query building. */
export function incidentFromRow(row: IncidentRow): Incident {
  return Object.assign(new Incident(), {
    id: row.id,
    refNumber: row.ref_number,
    title: row.title,
    summary: row.summary,
    severity: row.severity,
    status: row.status,
    service: row.service,
    environment: row.environment,
    gateway: row.gateway,
    symptom: row.symptom,
    impact: row.impact,
    commander: row.commander,
    tags: row.tags,
    runbookKey: row.runbook_key,
    runbookVersion: row.runbook_version,
    resolution: row.resolution,
    createdBy: row.created_by,
    detectedAt: row.detected_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    acknowledgedAt: row.acknowledged_at,
    investigatingAt: row.investigating_at,
    mitigatedAt: row.mitigated_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    version: row.version,
  });
}
