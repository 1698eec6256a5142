import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config.js';
import { HttpMetrics } from '../health/metrics.js';

/** Provides the validated configuration (and the per-app metrics registry) to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, metrics: HttpMetrics): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: HttpMetrics, useValue: metrics },
      ],
      exports: [AppConfig, HttpMetrics],
    };
  }
}
