import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
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
import { SEVERITIES, type Severity } from '../entities/incident.entity.js';
import { INCIDENT_STATUSES, type IncidentStatus } from '../incident-lifecycle.js';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];

export class SymptomDto {
  /** The status the users saw, e.g. 502. Picks the runbook. */
  @IsInt() @Min(100) @Max(599)
  statusCode: number;

  @IsOptional() @IsIn(HTTP_METHODS)
  method?: string;

  /** The URL that failed, e.g. https://shop.example.com/api/cart. */
  @IsOptional() @IsString() @MaxLength(2000) @Matches(/^https?:\/\/[^\s]+$/i, { message: 'url must be an http(s) URL' })
  url?: string;

  /** Response headers as seen by the client (they tell which hop answered). */
  @IsOptional() @IsObject()
  responseHeaders?: Record<string, string>;

  @IsOptional() @IsISO8601({ strict: true })
  firstSeenAt?: string;
}

export class CreateIncidentDto {
  @IsString() @Length(1, 200) @Matches(/\S/, { message: 'title must not be blank' })
  title: string;

  @IsIn(SEVERITIES)
  severity: Severity;

  /** The affected service, e.g. `checkout-api`. */
  @IsString() @Length(1, 100) @Matches(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, { message: 'service must be a name like checkout-api' })
  service: string;

  @IsOptional() @IsString() @Length(1, 50)
  environment?: string;

  @IsOptional() @IsIn(GATEWAYS)
  gateway?: Gateway;

  @IsOptional() @ValidateNested() @Type(() => SymptomDto)
  symptom?: SymptomDto;

  /** When the problem was first noticed (defaults to now). */
  @IsOptional() @IsISO8601({ strict: true })
  detectedAt?: string;

  @IsOptional() @IsString() @MaxLength(10000)
  summary?: string;

  @IsOptional() @IsString() @Length(1, 100)
  commander?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) @Length(1, 50, { each: true })
  tags?: string[];
}

export class ImpactDto {
  @IsOptional() @IsString() @MaxLength(5000)
  description?: string;

  @IsOptional() @IsInt() @Min(0)
  usersAffected?: number;

  @IsOptional() @IsInt() @Min(0)
  requestsAffected?: number;

  @IsOptional() @IsNumber() @Min(0) @Max(100)
  errorRatePercent?: number;

  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true })
  regions?: string[];

  @IsOptional() @IsBoolean()
  customerFacing?: boolean;
}

export class UpdateIncidentDto {
  /** The version you read; a stale one is refused with 409. May be sent as `If-Match` instead. */
  @IsOptional() @IsInt() @Min(1)
  version?: number;

  @IsOptional() @IsString() @Length(1, 200) @Matches(/\S/, { message: 'title must not be blank' })
  title?: string;

  @IsOptional() @IsIn(SEVERITIES)
  severity?: Severity;

  @IsOptional() @IsString() @MaxLength(10000)
  summary?: string;

  @IsOptional() @IsString() @Length(1, 100)
  commander?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) @Length(1, 50, { each: true })
  tags?: string[];

  @IsOptional() @ValidateNested() @Type(() => ImpactDto)
  impact?: ImpactDto;

  @IsOptional() @IsString() @Length(1, 50)
  environment?: string;

  @IsOptional() @IsIn(GATEWAYS)
  gateway?: Gateway;
}

export class TransitionDto {
  @IsIn(INCIDENT_STATUSES)
  to: IncidentStatus;

  /** Why; required when resolving an incident that was never mitigated. */
  @IsOptional() @IsString() @MaxLength(5000)
  note?: string;

  /** When it happened, if earlier than now (e.g. mitigated at 10:02, recorded at 10:20). */
  @IsOptional() @IsISO8601({ strict: true })
  at?: string;

  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

export class AddNoteDto {
  @IsString() @Length(1, 10000) @Matches(/\S/, { message: 'message must not be blank' })
  message: string;

  /** When the noted thing happened (defaults to now). */
  @IsOptional() @IsISO8601({ strict: true })
  at?: string;
}

export class ListIncidentsQuery {
  @IsOptional() @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @IsOptional() @IsIn(SEVERITIES)
  severity?: Severity;

  @IsOptional() @IsString() @Length(1, 100)
  service?: string;

  /** Words in the title, summary or service, or a ref like INC-42. */
  @IsOptional() @IsString() @Length(1, 200)
  q?: string;

  /** Created at or after this instant. */
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  /** Created before this instant. */
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

export class ListTimelineQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}
