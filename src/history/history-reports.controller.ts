import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { negotiateMediaType } from '../common/http/content-negotiation.js';
import { Access, Roles } from '../common/http/decorators.js';
import { historyCsv, statsCsv } from './history-csv.js';
import { HistorySearchService } from './history-search.service.js';
import { SearchHistoryQuery, StatsQuery } from './dto/history.dto.js';
import { REPORT_CSP, renderStatsReport } from './report/report-page.js';
import { StatsService, type Stats } from './stats.service.js';

const CSV = 'text/csv; charset=utf-8';

function wantsCsv(accept: string | undefined, format: 'json' | 'csv' | undefined): boolean {
  return format ? format === 'csv' : negotiateMediaType(accept, ['application/json', 'text/csv']) === 'text/csv';
}

async function sendCsv(reply: FastifyReply, filename: string, body: string): Promise<void> {
  await reply.header('vary', 'Accept').header('content-type', CSV).header('content-disposition', `attachment; filename="${filename}"`).send(body);
}

@ApiTags('history')
@ApiBearerAuth()
@Controller('v1')
export class HistoryReportsController {
  constructor(
    private readonly search: HistorySearchService,
    private readonly statsService: StatsService,
  ) {}

  /**
   * Past incidents and postmortems by full text (ranked) and filters, newest or most relevant first.
   * `Accept: text/csv` (or `?format=csv`) answers the page as CSV with the next cursor in `Link`.
   */
  @Get('postmortems')
  @Roles(...Access.read)
  @ApiProduces('application/json', 'text/csv')
  async list(@Query() query: SearchHistoryQuery, @Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const page = await this.search.search(query);
    if (wantsCsv(accept, query.format)) {
      if (page.nextCursor) void reply.header('link', `<?cursor=${page.nextCursor}>; rel="next"`).header('x-next-cursor', page.nextCursor);
      return sendCsv(reply, 'stepwise-history.csv', historyCsv(page.items));
    }
    await reply.header('vary', 'Accept').send(page);
  }

  /**
   * Reliability figures over a window (default: the last 90 days): counts, time to acknowledge,
   * mitigate and resolve (p50/p90/mean with the count behind each), breakdowns, recurring causes,
   * runbook step figures and weekly trends. `Accept: text/csv` (or `?format=csv`) for spreadsheets.
   */
  @Get('stats')
  @Roles(...Access.read)
  @ApiProduces('application/json', 'text/csv')
  async stats(@Query() query: StatsQuery, @Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const stats: Stats = await this.statsService.stats(query);
    if (wantsCsv(accept, query.format)) return sendCsv(reply, 'stepwise-stats.csv', statsCsv(stats));
    await reply.header('vary', 'Accept').send(stats);
  }

  /** The same figures as a printable HTML page with SVG charts (no JavaScript). */
  @Get('stats/report')
  @Roles(...Access.read)
  @ApiProduces('text/html')
  async report(@Query() query: StatsQuery, @Res() reply: FastifyReply): Promise<void> {
    const stats = await this.statsService.stats(query);
    const html = renderStatsReport({ ...stats, generatedAt: new Date().toISOString() });
    await reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', REPORT_CSP).send(html);
  }
}
