import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../common/http/decorators.js';
import { SlackCommandsService } from './slack-commands.service.js';
import { FORM_CONTENT_TYPE, type RawBodyRequest } from './slack-form.js';
import type { SlackMessage } from './slack-messages.js';

const SLACK_FORM_FIELDS = ['token', 'team_id', 'team_domain', 'channel_id', 'channel_name', 'user_id', 'user_name', 'command', 'text', 'api_app_id', 'response_url', 'trigger_id'];

/** A header sent once; a repeated one is treated as absent (and so fails verification). */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

@ApiTags('chatops')
@Controller('v1/chatops/slack')
export class SlackController {
  constructor(private readonly commands: SlackCommandsService) {}

  /**
   * Slack's slash command `/incident …`. No API key: Slack signs every request with the app's
   * signing secret, and an unsigned, wrongly signed or stale (over 5 minutes) request is 401 and
   * changes nothing. Answers are Slack message JSON with HTTP 200, errors in the command included.
   */
  @Post('commands')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Slack slash command /incident (signed by Slack)' })
  @ApiConsumes(FORM_CONTENT_TYPE)
  @ApiHeader({ name: 'X-Slack-Signature', required: true, description: 'v0= and the hex HMAC-SHA256 of "v0:<timestamp>:<raw body>", keyed by the signing secret' })
  @ApiHeader({ name: 'X-Slack-Request-Timestamp', required: true, description: 'Unix seconds; refused when more than 5 minutes away from now' })
  @ApiHeader({ name: 'X-Slack-Retry-Num', required: false, description: 'Set by Slack on a retry; a command already handled is not run again' })
  @ApiBody({
    description: "Slack's slash-command payload",
    schema: {
      type: 'object',
      required: ['team_id', 'user_id', 'channel_id', 'command', 'text', 'response_url', 'trigger_id'],
      properties: Object.fromEntries(SLACK_FORM_FIELDS.map((field) => [field, { type: 'string' }])),
    },
  })
  @ApiOkResponse({ description: 'A Slack message (response_type, text, blocks): the answer, a refused command explained, or "working on it" while the answer is sent to response_url' })
  async command(@Req() request: FastifyRequest & RawBodyRequest, @Headers() headers: Record<string, string | string[] | undefined>): Promise<SlackMessage> {
    // A body that was not a form has no raw bytes here; it is verified as empty and so fails.
    const form = this.commands.receive(request.rawBody ?? Buffer.alloc(0), {
      timestamp: single(headers['x-slack-request-timestamp']),
      signature: single(headers['x-slack-signature']),
    });
    return this.commands.handle(form, single(headers['x-slack-retry-num']));
  }
}
