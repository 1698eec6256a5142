import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { CAUSE_CATEGORIES, type CauseCategory } from '../../diagnosis/cause-category.js';
import { ACTION_KINDS, ACTION_PRIORITIES, ACTION_STATUSES, type ActionKind, type ActionPriority, type ActionStatus } from '../entities/action-item.entity.js';
import { ROOT_CAUSE_STATUSES, type RootCauseStatus } from '../entities/root-cause.entity.js';

export class CreateRootCauseDto {
  @IsIn(CAUSE_CATEGORIES)
  category: CauseCategory;

  @IsString() @Length(1, 5000) @Matches(/\S/, { message: 'description must not be blank' })
  description: string;

  @IsOptional() @IsIn(ROOT_CAUSE_STATUSES)
  status?: RootCauseStatus;

  /** The primary cause; only one per incident (setting it moves the flag here). */
  @IsOptional() @IsBoolean()
  primary?: boolean;

  @IsOptional() @IsArray() @ArrayMaxSize(200) @IsUUID('all', { each: true })
  findingIds?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true })
  stepKeys?: string[];
}

export class UpdateRootCauseDto {
  @IsOptional() @IsInt() @Min(1)
  version?: number;

  @IsOptional() @IsIn(CAUSE_CATEGORIES)
  category?: CauseCategory;

  @IsOptional() @IsString() @Length(1, 5000) @Matches(/\S/, { message: 'description must not be blank' })
  description?: string;

  @IsOptional() @IsIn(ROOT_CAUSE_STATUSES)
  status?: RootCauseStatus;

  @IsOptional() @IsBoolean()
  primary?: boolean;

  @IsOptional() @IsArray() @ArrayMaxSize(200) @IsUUID('all', { each: true })
  findingIds?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true })
  stepKeys?: string[];
}

export class AcceptSuggestionDto {
  /** Which ranked cause to accept (default: the top one). */
  @IsOptional() @IsIn(CAUSE_CATEGORIES)
  category?: CauseCategory;

  @IsOptional() @IsIn(['suspected', 'confirmed'])
  status?: 'suspected' | 'confirmed';

  @IsOptional() @IsBoolean()
  primary?: boolean;
}

export class UpdatePostmortemDto {
  @IsOptional() @IsInt() @Min(1)
  version?: number;

  /** Human-written sections by key (summary, impact, detection, trigger, resolution, wentWell, wentPoorly, gotLucky, messaging, lessons); markdown; an empty string removes one. */
  @IsObject()
  sections: Record<string, string>;
}

export class PublishPostmortemDto {
  /** Publish although the blameless check still flags sentences; needs a reason. */
  @IsOptional() @IsBoolean()
  overrideBlameless?: boolean;

  @IsOptional() @IsString() @MaxLength(2000)
  overrideReason?: string;
}

export class GetPostmortemQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  revision?: number;
}

export class CreateActionItemDto {
  @IsString() @Length(1, 300) @Matches(/\S/, { message: 'title must not be blank' })
  title: string;

  @IsIn(ACTION_KINDS)
  kind: ActionKind;

  @IsIn(ACTION_PRIORITIES)
  priority: ActionPriority;

  @IsOptional() @IsString() @Length(1, 100)
  owner?: string;

  /** YYYY-MM-DD; defaults from the priority (P1 7 days, P2 30, P3 90). */
  @IsOptional() @IsISO8601({ strict: true }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueDate must be a date like 2026-12-31' })
  dueDate?: string;

  @IsOptional() @IsIn(CAUSE_CATEGORIES)
  category?: CauseCategory;
}

export class UpdateActionItemDto {
  @IsOptional() @IsInt() @Min(1)
  version?: number;

  @IsOptional() @IsIn(ACTION_STATUSES)
  status?: ActionStatus;

  @IsOptional() @IsString() @Length(1, 100)
  owner?: string;

  @IsOptional() @IsISO8601({ strict: true }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueDate must be a date like 2026-12-31' })
  dueDate?: string;

  @IsOptional() @IsString() @Length(1, 300)
  title?: string;

  @IsOptional() @IsIn(ACTION_PRIORITIES)
  priority?: ActionPriority;
}

export class ListActionItemsQuery {
  @IsOptional() @IsIn(ACTION_STATUSES)
  status?: ActionStatus;

  @IsOptional() @IsString() @Length(1, 100)
  owner?: string;

  /** Only items past their due date and still open. */
  @IsOptional() @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @IsOptional() @IsString() @Length(1, 100)
  service?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}
