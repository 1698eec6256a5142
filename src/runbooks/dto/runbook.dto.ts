import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { GATEWAYS, type Gateway } from '../../diagnosis/cause-category.js';
import { EVIDENCE_KINDS, type EvidenceKind, type IncidentEffect } from '../content/runbook-types.js';

const KEY = /^[a-z0-9][a-z0-9_-]*$/;

export class OutcomeDto {
  @IsString() @Length(1, 64) @Matches(/^[a-z][a-z0-9_]*$/, { message: 'key must be snake_case, e.g. simple_upstream_ok' })
  key: string;

  @IsString() @Length(1, 200)
  label: string;

  @IsString() @Length(1, 2000)
  description: string;

  /** Odds multipliers on cause categories, each between 0.1 and 10. */
  @IsObject()
  effects: Record<string, number>;

  @IsOptional() @IsIn(['offer_mitigated', 'allow_resolved', 'reopen'])
  incidentEffect?: IncidentEffect;
}

export class CheckDto {
  @IsIn([...GATEWAYS, 'any'])
  gateway: Gateway | 'any';

  @IsString() @Length(1, 200)
  title: string;

  @IsString() @Length(1, 4000)
  command: string;

  @IsString() @Length(1, 4000)
  lookFor: string;
}

export class ExpectedEvidenceDto {
  @IsIn(EVIDENCE_KINDS)
  kind: EvidenceKind;

  @IsString() @Length(1, 500)
  description: string;
}

export class ObservationFieldDto {
  @IsString() @Length(1, 64) @Matches(/^[a-zA-Z][a-zA-Z0-9]*$/, { message: 'key must be camelCase' })
  key: string;

  @IsIn(['string', 'string[]', 'boolean', 'number'])
  type: 'string' | 'string[]' | 'boolean' | 'number';

  @IsString() @Length(1, 500)
  description: string;
}

export class RunbookStepDto {
  @IsString() @Length(1, 64) @Matches(KEY, { message: 'key must be lower-case, e.g. upstream-health' })
  key: string;

  @IsString() @Length(1, 200)
  title: string;

  @IsString() @Length(1, 20000)
  instructions: string;

  @IsString() @Length(1, 2000)
  tip: string;

  @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ExpectedEvidenceDto)
  expectedEvidence: ExpectedEvidenceDto[];

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => OutcomeDto)
  outcomes: OutcomeDto[];

  @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => CheckDto)
  checks: CheckDto[];

  @IsOptional() @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => ObservationFieldDto)
  observations?: ObservationFieldDto[];

  @IsOptional() @IsBoolean()
  repeatable?: boolean;
}

export class AppliesToDto {
  @IsArray() @ArrayMinSize(1) @IsInt({ each: true }) @Min(100, { each: true }) @Max(599, { each: true })
  statusCodes: number[];

  @IsArray() @IsIn(GATEWAYS, { each: true })
  gateways: Gateway[];
}

/** A new version of a runbook (its version number is the next one for the key). */
export class CreateRunbookDto {
  @IsString() @Length(1, 64) @Matches(KEY, { message: 'key must be lower-case, e.g. http-502' })
  key: string;

  @IsString() @Length(1, 200)
  title: string;

  @IsString() @MaxLength(5000)
  description: string;

  @ValidateNested() @Type(() => AppliesToDto)
  appliesTo: AppliesToDto;

  /** Prior odds per cause category; missing ones keep the previous version's (or a small default). */
  @IsOptional() @IsObject()
  priors?: Record<string, number>;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => RunbookStepDto)
  steps: RunbookStepDto[];
}

export class GetRunbookQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  version?: number;
}
