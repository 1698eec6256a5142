import { Module } from '@nestjs/common';
import { DiagnosisModule } from '../diagnosis/diagnosis.module.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { RunbooksModule } from '../runbooks/runbooks.module.js';
import { StepsModule } from '../steps/steps.module.js';
import { AnalyzeController } from './analyze.controller.js';
import { AnalyzeService } from './analyze.service.js';
import { EvidenceController } from './evidence.controller.js';
import { EvidenceService } from './evidence.service.js';

@Module({
  imports: [IncidentsModule, DiagnosisModule, StepsModule, RunbooksModule],
  controllers: [EvidenceController, AnalyzeController],
  providers: [EvidenceService, AnalyzeService],
  exports: [EvidenceService],
})
export class EvidenceModule {}
