import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal, Roles, INCIDENT_ID_PARAM } from '../common/http/decorators.js';
import { expectedVersion } from '../common/http/expected-version.js';
import { IncidentLocatorPipe, type IncidentLocator } from '../common/http/id-pipes.js';
import type { Page } from '../common/pagination/cursor.js';
import {
  AddNoteDto,
  CreateIncidentDto,
  ListIncidentsQuery,
  ListTimelineQuery,
  TransitionDto,
  UpdateIncidentDto,
} from './dto/incident.dto.js';
import type { IncidentView, TimelineEventView } from './incident.view.js';
import { IncidentsService } from './incidents.service.js';

// `:id` is declared on the routes that have one: on the class it would also land on create and list.
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('v1/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  /** Opens an incident and starts the runbook that matches its symptom. Honours `Idempotency-Key`. */
  @Post()
  @Roles(...Access.report)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retries with the same key and body get the first answer' })
  create(@Body() dto: CreateIncidentDto, @CurrentPrincipal() principal: Principal): Promise<IncidentView> {
    return this.incidents.create(dto, principal);
  }

  @Get()
  @Roles(...Access.read)
  list(@Query() query: ListIncidentsQuery): Promise<Page<IncidentView>> {
    return this.incidents.list(query);
  }

  @Get(':id')
  @ApiParam(INCIDENT_ID_PARAM)
  @Roles(...Access.read)
  get(@Param('id', IncidentLocatorPipe) locator: IncidentLocator): Promise<IncidentView> {
    return this.incidents.get(locator);
  }

  @Patch(':id')
  @ApiParam(INCIDENT_ID_PARAM)
  @Roles(...Access.respond)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version you read, if not sent in the body' })
  update(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Body() dto: UpdateIncidentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<IncidentView> {
    return this.incidents.update(locator, dto, expectedVersion(dto.version, ifMatch), principal);
  }

  /** Moves the incident through its lifecycle; 409 lists the allowed moves. */
  @Post(':id/transitions')
  @ApiParam(INCIDENT_ID_PARAM)
  @HttpCode(200)
  @Roles(...Access.respond)
  transition(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Body() dto: TransitionDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<IncidentView> {
    return this.incidents.transition(locator, dto, principal);
  }

  /** The incident's story, oldest first. */
  @Get(':id/timeline')
  @ApiParam(INCIDENT_ID_PARAM)
  @Roles(...Access.read)
  timeline(@Param('id', IncidentLocatorPipe) locator: IncidentLocator, @Query() query: ListTimelineQuery): Promise<Page<TimelineEventView>> {
    return this.incidents.timelineOf(locator, query.limit, query.cursor);
  }

  /** Adds a note to the timeline. */
  @Post(':id/timeline')
  @ApiParam(INCIDENT_ID_PARAM)
  @Roles(...Access.report)
  addNote(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Body() dto: AddNoteDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TimelineEventView> {
    return this.incidents.addNote(locator, dto, principal);
  }
}
