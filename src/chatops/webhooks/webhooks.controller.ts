import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../auth/principal.js';
import { Access, CurrentPrincipal, Roles } from '../../common/http/decorators.js';
import { uuidPipe } from '../../common/http/id-pipes.js';
import type { Page } from '../../common/pagination/cursor.js';
import { CreateWebhookDto, ListDeliveriesQuery, RotateWebhookSecretDto } from './dto/webhook.dto.js';
import { WebhooksService, type DeliveryView, type WebhookView } from './webhooks.service.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** Registers an endpoint for the given events. The signing secret is in this answer only. */
  @Post()
  @Roles(...Access.admin)
  create(@Body() dto: CreateWebhookDto, @CurrentPrincipal() principal: Principal): Promise<WebhookView & { secret: string }> {
    return this.webhooks.create(dto, principal);
  }

  @Get()
  @Roles(...Access.admin)
  async list(): Promise<{ items: WebhookView[]; nextCursor: null }> {
    return { items: await this.webhooks.list(), nextCursor: null };
  }

  @Get(':id')
  @Roles(...Access.admin)
  get(@Param('id', uuidPipe('id')) id: string): Promise<WebhookView> {
    return this.webhooks.get(id);
  }

  /** A new signing secret; deliveries carry signatures with both secrets until the overlap ends. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Roles(...Access.admin)
  rotate(@Param('id', uuidPipe('id')) id: string, @Body() dto: RotateWebhookSecretDto): Promise<WebhookView & { secret: string }> {
    return this.webhooks.rotateSecret(id, dto);
  }

  /** Stops deliveries to this endpoint (pending ones are cancelled); its delivery log stays readable. */
  @Delete(':id')
  @HttpCode(204)
  @Roles(...Access.admin)
  async remove(@Param('id', uuidPipe('id')) id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  /** Each event sent to this endpoint: status, attempts, last answer or error. Newest first. */
  @Get(':id/deliveries')
  @Roles(...Access.admin)
  deliveries(@Param('id', uuidPipe('id')) id: string, @Query() query: ListDeliveriesQuery): Promise<Page<DeliveryView>> {
    return this.webhooks.deliveries(id, query);
  }
}
