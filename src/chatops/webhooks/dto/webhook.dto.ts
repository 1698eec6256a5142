import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../entities/webhook-delivery.entity.js';
import { WEBHOOK_EVENTS, type WebhookEventName } from '../webhook-events.js';

export class CreateWebhookDto {
  /** Where deliveries are POSTed: http(s), and by default not a private, loopback or link-local address. */
  @IsString() @Length(8, 2048)
  url: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(WEBHOOK_EVENTS.length) @ArrayUnique() @IsIn(WEBHOOK_EVENTS, { each: true })
  events: WebhookEventName[];

  /** Signing secret (at least 24 characters); generated when omitted. Shown only in this answer. */
  @IsOptional() @IsString() @Length(24, 200)
  secret?: string;

  @IsOptional() @IsString() @MaxLength(200)
  description?: string;
}

export class RotateWebhookSecretDto {
  /** The new secret; generated when omitted. */
  @IsOptional() @IsString() @Length(24, 200)
  secret?: string;

  /** How long deliveries stay signed with the old secret too (default 24 h; 0 drops it at once). */
  @IsOptional() @IsInt() @Min(0) @Max(24 * 30)
  overlapHours?: number;
}

export class ListDeliveriesQuery {
  @IsOptional() @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}
