import { Module } from '@nestjs/common';
import { DiagnosisModule } from '../diagnosis/diagnosis.module.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { ActionItemsService } from './action-items.service.js';
import { ActionItemsController, IncidentPostmortemController } from './postmortems.controller.js';
import { PostmortemsService } from './postmortems.service.js';
import { RootCausesService } from './root-causes.service.js';

@Module({
  imports: [IncidentsModule, DiagnosisModule],
  controllers: [IncidentPostmortemController, ActionItemsController],
  providers: [RootCausesService, PostmortemsService, ActionItemsService],
  exports: [RootCausesService, PostmortemsService, ActionItemsService],
})
export class PostmortemsModule {}
