import { IsInt, IsObject, IsOptional, IsString, Length, MaxLength, Min } from 'class-validator';

export class StartStepDto {
  /** The step's version you read; a stale one is refused with 409. */
  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

export class CompleteStepDto {
  /** One of the step's outcomes (see next-step or the runbook). */
  @IsString() @Length(1, 64)
  outcome: string;

  @IsOptional() @IsString() @MaxLength(10000)
  notes?: string;

  /** Structured findings of the step, by the fields the runbook step lists (e.g. `simpleUpstreamPassed`). */
  @IsOptional() @IsObject()
  observations?: Record<string, unknown>;

  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

export class SkipStepDto {
  /** Why the step is skipped; required. */
  @IsString() @Length(1, 2000)
  reason: string;

  @IsOptional() @IsInt() @Min(1)
  version?: number;
}
