import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Incident } from './entities/incident.entity.js';
import { TimelineEvent } from './entities/timeline-event.entity.js';
import { IncidentsController } from './incidents.controller.js';
import { IncidentsService } from './incidents.service.js';
import { TimelineService } from './timeline.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Incident, TimelineEvent])],
  controllers: [IncidentsController],
  providers: [IncidentsService, TimelineService],
  exports: [IncidentsService, TimelineService],
})
export class IncidentsModule {}
