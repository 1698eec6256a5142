import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { ChatopsModule } from './chatops/chatops.module.js';
import { IdempotencyModule } from './common/idempotency/idempotency.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import type { HttpMetrics } from './health/metrics.js';
import { EvidenceModule } from './evidence/evidence.module.js';
import { HistoryModule } from './history/history.module.js';
import { IncidentsModule } from './incidents/incidents.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { PostmortemsModule } from './postmortems/postmortems.module.js';
import { RunbooksModule } from './runbooks/runbooks.module.js';
import { StepsModule } from './steps/steps.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, metrics: HttpMetrics): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config, metrics), DatabaseModule, JobsModule, AuthModule, IdempotencyModule, HealthModule, IncidentsModule, RunbooksModule, StepsModule, EvidenceModule, PostmortemsModule, HistoryModule, ChatopsModule],
    };
  }
}
