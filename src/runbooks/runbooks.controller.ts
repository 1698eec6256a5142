import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal, Roles } from '../common/http/decorators.js';
import { CreateRunbookDto, GetRunbookQuery } from './dto/runbook.dto.js';
import { RunbooksService, type RunbookSummary, type RunbookView } from './runbooks.service.js';

@ApiTags('runbooks')
@ApiBearerAuth()
@Controller('v1/runbooks')
export class RunbooksController {
  constructor(private readonly runbooks: RunbooksService) {}

  /** The latest version of each runbook. */
  @Get()
  @Roles(...Access.read)
  async list(): Promise<{ items: RunbookSummary[]; nextCursor: null }> {
    return { items: await this.runbooks.list(), nextCursor: null };
  }

  /** One runbook with its steps, checks and outcomes (`?version=` for an older one). */
  @Get(':key')
  @Roles(...Access.read)
  get(@Param('key') key: string, @Query() query: GetRunbookQuery): Promise<RunbookView> {
    return this.runbooks.get(key, query.version);
  }

  /** Publishes a new version of a runbook; incidents already open keep theirs. */
  @Post()
  @Roles(...Access.admin)
  create(@Body() dto: CreateRunbookDto, @CurrentPrincipal() principal: Principal): Promise<RunbookView> {
    return this.runbooks.create(dto, principal);
  }
}
