import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DiagnosisModule } from '../../diagnosis/diagnosis.module.js';
import { IncidentsModule } from '../../incidents/incidents.module.js';
import { OutboxEvent } from './entities/outbox-event.entity.js';
import { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { WebhookSubscription } from './entities/webhook-subscription.entity.js';
import { OutboxService } from './outbox.service.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Outbound webhooks: the outbox, subscriptions and signed, retried deliveries. */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookSubscription, OutboxEvent, WebhookDelivery]), IncidentsModule, DiagnosisModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, OutboxService, WebhookDeliveryService],
  exports: [OutboxService, WebhookDeliveryService],
})
export class WebhooksModule {}
