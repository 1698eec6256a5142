import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal, Roles, INCIDENT_ID_PARAM } from '../common/http/decorators.js';
import { expectedVersion } from '../common/http/expected-version.js';
import { negotiateMediaType } from '../common/http/content-negotiation.js';
import { IncidentLocatorPipe, type IncidentLocator, uuidPipe } from '../common/http/id-pipes.js';
import type { Page } from '../common/pagination/cursor.js';
import { ActionItemsService, type ActionItemView } from './action-items.service.js';
import {
  AcceptSuggestionDto,
  CreateActionItemDto,
  CreateRootCauseDto,
  GetPostmortemQuery,
  ListActionItemsQuery,
  PublishPostmortemDto,
  UpdateActionItemDto,
  UpdatePostmortemDto,
  UpdateRootCauseDto,
} from './dto/postmortem.dto.js';
import { PostmortemsService, type PostmortemView } from './postmortems.service.js';
import { RootCausesService, type RootCauseView } from './root-causes.service.js';

@ApiTags('postmortems')
@ApiBearerAuth()
@ApiParam(INCIDENT_ID_PARAM)
@Controller('v1/incidents/:id')
export class IncidentPostmortemController {
  constructor(
    private readonly rootCauses: RootCausesService,
    private readonly postmortems: PostmortemsService,
    private readonly actionItems: ActionItemsService,
  ) {}

  @Get('root-causes')
  @Roles(...Access.read)
  async listRootCauses(@Param('id', IncidentLocatorPipe) locator: IncidentLocator): Promise<{ items: RootCauseView[]; nextCursor: null }> {
    return { items: await this.rootCauses.list(locator), nextCursor: null };
  }

  /** Records a cause (primary or contributing) with the findings and steps that support it. */
  @Post('root-causes')
  @Roles(...Access.respond)
  createRootCause(@Param('id', IncidentLocatorPipe) locator: IncidentLocator, @Body() dto: CreateRootCauseDto, @CurrentPrincipal() principal: Principal): Promise<RootCauseView> {
    return this.rootCauses.create(locator, dto, principal);
  }

  /** Accepts a cause the diagnosis ranks (top one by default), linking its findings and steps. */
  @Post('root-causes/accept-suggestion')
  @Roles(...Access.respond)
  acceptSuggestion(@Param('id', IncidentLocatorPipe) locator: IncidentLocator, @Body() dto: AcceptSuggestionDto, @CurrentPrincipal() principal: Principal): Promise<RootCauseView> {
    return this.rootCauses.acceptSuggestion(locator, dto, principal);
  }

  @Patch('root-causes/:rid')
  @Roles(...Access.respond)
  updateRootCause(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Param('rid', uuidPipe('rid')) rid: string,
    @Body() dto: UpdateRootCauseDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RootCauseView> {
    return this.rootCauses.update(locator, rid, dto, principal);
  }

  @Get('action-items')
  @Roles(...Access.read)
  async listActionItems(@Param('id', IncidentLocatorPipe) locator: IncidentLocator): Promise<{ items: ActionItemView[]; nextCursor: null }> {
    return { items: await this.actionItems.listFor(locator), nextCursor: null };
  }

  @Post('action-items')
  @Roles(...Access.respond)
  createActionItem(@Param('id', IncidentLocatorPipe) locator: IncidentLocator, @Body() dto: CreateActionItemDto, @CurrentPrincipal() principal: Principal): Promise<ActionItemView> {
    return this.actionItems.create(locator, dto, principal);
  }

  /** Proposes the prevention checklist for the confirmed causes from the catalog (items already there are skipped). */
  @Post('action-items/propose')
  @Roles(...Access.respond)
  async propose(@Param('id', IncidentLocatorPipe) locator: IncidentLocator, @CurrentPrincipal() principal: Principal): Promise<{ items: ActionItemView[]; nextCursor: null }> {
    return { items: await this.actionItems.propose(locator, principal), nextCursor: null };
  }

  /** Generates the postmortem from the record: 201 the first time, 200 for a new revision. Human sections are kept. */
  @Post('postmortem')
  @Roles(...Access.respond)
  async generate(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PostmortemView> {
    const { view, created } = await this.postmortems.generate(locator, principal);
    if (!created) void reply.status(200);
    return view;
  }

  /** The postmortem as JSON (default), `text/markdown` or `text/html` by `Accept`; `?revision=` for an earlier one. */
  @Get('postmortem')
  @Roles(...Access.read)
  @ApiProduces('application/json', 'text/markdown', 'text/html')
  async get(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Query() query: GetPostmortemQuery,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { view, document } = await this.postmortems.get(locator, query.revision);
    const wants = preferredType(accept);
    void reply.header('vary', 'Accept');
    if (wants === 'text/html') {
      await reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:").send(this.postmortems.renderHtmlOf(document));
    } else if (wants === 'text/markdown') {
      await reply.header('content-type', 'text/markdown; charset=utf-8').send(view.markdown);
    } else {
      await reply.header('content-type', 'application/json; charset=utf-8').send(view);
    }
  }

  @Get('postmortem/revisions')
  @Roles(...Access.read)
  async revisions(@Param('id', IncidentLocatorPipe) locator: IncidentLocator) {
    return { items: await this.postmortems.revisions(locator), nextCursor: null };
  }

  /** Edits the human sections (send the version you read); published postmortems are read-only. */
  @Patch('postmortem')
  @Roles(...Access.respond)
  update(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Body() dto: UpdatePostmortemDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PostmortemView> {
    return this.postmortems.update(locator, dto, expectedVersion(dto.version, ifMatch), principal);
  }

  @Post('postmortem/review')
  @HttpCode(200)
  @Roles(...Access.respond)
  review(@Param('id', IncidentLocatorPipe) locator: IncidentLocator, @CurrentPrincipal() principal: Principal): Promise<PostmortemView> {
    return this.postmortems.review(locator, principal);
  }

  /** Publishes (needs review, a resolved incident, a confirmed primary cause, an action item, no open blameless flags); closes the incident. */
  @Post('postmortem/publish')
  @HttpCode(200)
  @Roles(...Access.respond)
  publish(@Param('id', IncidentLocatorPipe) locator: IncidentLocator, @Body() dto: PublishPostmortemDto, @CurrentPrincipal() principal: Principal): Promise<PostmortemView> {
    return this.postmortems.publish(locator, dto, principal);
  }
}

@ApiTags('postmortems')
@ApiBearerAuth()
@Controller('v1/action-items')
export class ActionItemsController {
  constructor(private readonly actionItems: ActionItemsService) {}

  /** Action items across incidents: `?status=open&overdue=true&owner=alice&service=`. */
  @Get()
  @Roles(...Access.read)
  list(@Query() query: ListActionItemsQuery): Promise<Page<ActionItemView>> {
    return this.actionItems.list(query);
  }

  @Patch(':id')
  @Roles(...Access.respond)
  update(@Param('id', uuidPipe('id')) id: string, @Body() dto: UpdateActionItemDto, @CurrentPrincipal() principal: Principal): Promise<ActionItemView> {
    return this.actionItems.update(id, dto, principal);
  }
}

/** text/html or text/markdown when the client prefers them; JSON otherwise (`text/x-markdown` is the older name). */
export function preferredType(accept: string | undefined): 'application/json' | 'text/markdown' | 'text/html' {
  const chosen = negotiateMediaType(accept, ['application/json', 'text/html', 'text/markdown', 'text/x-markdown']);
  return chosen === 'text/x-markdown' ? 'text/markdown' : chosen;
}
