import { Module } from '@nestjs/common';
import { SlackModule } from './slack/slack.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** Chat-ops: Slack slash commands in, signed webhooks out. */
@Module({ imports: [SlackModule, WebhooksModule] })
export class ChatopsModule {}
