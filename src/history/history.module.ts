import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { HistoryReportsController } from './history-reports.controller.js';
import { HistorySearchService } from './history-search.service.js';
import { HistoryController } from './history.controller.js';
import { SimilarIncidentsService } from './similar-incidents.service.js';
import { StatsService } from './stats.service.js';

@Module({
  imports: [IncidentsModule],
  controllers: [HistoryController, HistoryReportsController],
  providers: [SimilarIncidentsService, HistorySearchService, StatsService],
  exports: [SimilarIncidentsService, StatsService],
})
export class HistoryModule {}
