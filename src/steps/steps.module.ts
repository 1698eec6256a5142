import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DiagnosisModule } from '../diagnosis/diagnosis.module.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { RunbooksModule } from '../runbooks/runbooks.module.js';
import { IncidentStep } from './entities/incident-step.entity.js';
import { StepsController } from './steps.controller.js';
import { StepsService } from './steps.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([IncidentStep]), IncidentsModule, RunbooksModule, DiagnosisModule],
  controllers: [StepsController],
  providers: [StepsService],
  exports: [StepsService],
})
export class StepsModule {}
