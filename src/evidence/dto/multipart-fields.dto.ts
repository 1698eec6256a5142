import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { EVIDENCE_KINDS, type EvidenceKind } from '../../runbooks/content/runbook-types.js';
import { CapturedFromDto } from './evidence.dto.js';

/** The form fields that go with a multipart upload (send them before the `file` part). */
export class MultipartEvidenceFieldsDto {
  @IsIn(EVIDENCE_KINDS)
  kind: EvidenceKind;

  @IsOptional() @ValidateNested() @Type(() => CapturedFromDto)
  capturedFrom?: CapturedFromDto;

  @IsOptional() @IsISO8601({ strict: true })
  capturedAt?: string;

  @IsOptional() @IsString() @MaxLength(255)
  filename?: string;
}
