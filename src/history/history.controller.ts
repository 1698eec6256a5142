import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import { Access, Roles, INCIDENT_ID_PARAM } from '../common/http/decorators.js';
import { IncidentLocatorPipe, type IncidentLocator } from '../common/http/id-pipes.js';
import { SimilarIncidentsService, type SimilarIncident } from './similar-incidents.service.js';

@ApiTags('history')
@ApiBearerAuth()
@Controller('v1/incidents/:id/similar')
export class HistoryController {
  constructor(private readonly similar: SimilarIncidentsService) {}

  /** Earlier incidents like this one (service, gateway, symptom, evidence signals), each with its confirmed cause and fix. */
  @Get()
  @Roles(...Access.read)
  @ApiParam(INCIDENT_ID_PARAM)
  async list(@Param('id', IncidentLocatorPipe) locator: IncidentLocator): Promise<{ items: SimilarIncident[]; nextCursor: null }> {
    return { items: await this.similar.similarTo(locator), nextCursor: null };
  }
}
