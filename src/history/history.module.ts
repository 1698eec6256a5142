import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { HistoryController } from './history.controller.js';
import { SimilarIncidentsService } from './similar-incidents.service.js';

@Module({
  imports: [IncidentsModule],
  controllers: [HistoryController],
  providers: [SimilarIncidentsService],
  exports: [SimilarIncidentsService],
})
export class HistoryModule {}
