import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { EVIDENCE_KINDS, type EvidenceKind } from '../../runbooks/content/runbook-types.js';

export class CapturedFromDto {
  /** e.g. `office wifi`, `LTE`, `vpc-prod`. */
  @IsOptional() @IsString() @MaxLength(100)
  network?: string;

  @IsOptional() @IsString() @MaxLength(100)
  region?: string;

  @IsOptional() @IsString() @MaxLength(100)
  device?: string;
}

/** Evidence sent as JSON text (multipart is the way for files and anything large). */
export class CreateEvidenceDto {
  @IsIn(EVIDENCE_KINDS)
  kind: EvidenceKind;

  @IsOptional() @IsString() @Length(1, 255)
  filename?: string;

  /** The text itself (or base64 with `encoding: "base64"`, e.g. for a screenshot). */
  @IsString() @Length(1, 50 * 1024 * 1024)
  content: string;

  @IsOptional() @IsIn(['utf8', 'base64'])
  encoding?: 'utf8' | 'base64';

  @IsOptional() @IsString() @MaxLength(127)
  mediaType?: string;

  @IsOptional() @ValidateNested() @Type(() => CapturedFromDto)
  capturedFrom?: CapturedFromDto;

  @IsOptional() @IsISO8601({ strict: true })
  capturedAt?: string;
}

/** The kinds that have a parser: a gateway or app log, a HAR, curl output, a gateway configuration. */
export const ANALYZE_KINDS = ['log', 'har', 'command-output', 'config'] as const;

export class AnalyzeDto {
  @IsIn(ANALYZE_KINDS)
  kind: (typeof ANALYZE_KINDS)[number];

  @IsString() @Length(1, 50 * 1024 * 1024)
  content: string;

  /** The status users saw, to pick the runbook priors (default 502). */
  @IsOptional() @Type(() => Number)
  statusCode?: number;
}
