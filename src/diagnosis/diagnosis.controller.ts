import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Access, Roles, INCIDENT_ID_PARAM } from '../common/http/decorators.js';
import { IncidentLocatorPipe, type IncidentLocator } from '../common/http/id-pipes.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { DiagnosisService } from './diagnosis.service.js';
import type { Ranking } from './scoring.js';

@ApiTags('diagnosis')
@ApiBearerAuth()
@Controller('v1/incidents/:id/diagnosis')
export class DiagnosisController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
    private readonly diagnosis: DiagnosisService,
  ) {}

  /**
   * Probable causes, highest first: the runbook's priors × the step outcomes × the evidence
   * findings, each cause with the findings (excerpts) and outcomes behind it, and the check that
   * best separates the top two.
   */
  @Get()
  @Roles(...Access.read)
  @ApiParam(INCIDENT_ID_PARAM)
  async get(@Param('id', IncidentLocatorPipe) locator: IncidentLocator): Promise<Ranking & { runbook: { key: string; version: number } | null }> {
    const incident = await this.incidents.find(this.dataSource.manager, locator);
    return this.diagnosis.rank(this.dataSource.manager, incident);
  }
}
