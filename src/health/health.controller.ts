import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { Public } from '../common/http/decorators.js';
import { HttpMetrics } from './metrics.js';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  private readonly incidentsByStatus: Gauge<'status'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: HttpMetrics,
  ) {
    const db = dataSource;
    this.incidentsByStatus = new Gauge({
      name: 'stepwise_incidents',
      help: 'Incidents by status',
      labelNames: ['status'],
      registers: [metrics.registry],
      async collect() {
        const rows: Array<{ status: string; count: string }> = await db.query(
          'SELECT status::text AS status, count(*)::text AS count FROM incidents GROUP BY status',
        );
        this.reset();
        for (const status of ['open', 'acknowledged', 'investigating', 'mitigated', 'resolved', 'closed']) this.set({ status }, 0);
        for (const row of rows) this.set({ status: row.status }, Number(row.count));
      },
    });
  }

  /** The process is up. */
  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The database answers; 503 otherwise, so a load balancer stops sending traffic here. */
  @Get('health/ready')
  async ready(): Promise<{ status: 'ok'; database: 'up' }> {
    try {
      await this.dataSource.query('SELECT 1');
      return { status: 'ok', database: 'up' };
    } catch (error) {
      throw new ServiceUnavailableException(`The database does not answer: ${(error as Error).message}`);
    }
  }

  /** Prometheus text exposition. */
  @Get('metrics')
  @ApiExcludeEndpoint()
  async metricsText(@Res() reply: FastifyReply): Promise<void> {
    const text = await this.metrics.registry.metrics();
    void reply.header('content-type', this.metrics.registry.contentType).header('cache-control', 'no-store').send(text);
  }
}
