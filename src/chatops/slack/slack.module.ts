import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { IncidentsModule } from '../../incidents/incidents.module.js';
import { StepsModule } from '../../steps/steps.module.js';
import { SlackCommandReceipt } from './entities/slack-command-receipt.entity.js';
import { SlackCommandsService } from './slack-commands.service.js';
import { installRawFormParser } from './slack-form.js';
import { SlackController } from './slack.controller.js';

/** Slack slash commands (`/incident …`). */
@Module({
  imports: [TypeOrmModule.forFeature([SlackCommandReceipt]), IncidentsModule, StepsModule],
  controllers: [SlackController],
  providers: [SlackCommandsService],
})
export class SlackModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /**
   * Slack signs the exact bytes of its form body, so the form parser must keep them. Nest has
   * registered its own by now (it drops the bytes); Fastify is not ready yet, so it can be replaced.
   */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    installRawFormParser(adapter.getInstance<FastifyInstance>());
  }
}
