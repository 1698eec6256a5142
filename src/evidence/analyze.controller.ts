import { Readable } from 'node:stream';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Access, Roles } from '../common/http/decorators.js';
import { ValidationError } from '../common/errors/domain-errors.js';
import { rankCauses, type Ranking } from '../diagnosis/scoring.js';
import type { Finding } from './parsers/finding.js';
import { selectRunbookKey } from '../runbooks/content/index.js';
import { RunbooksService } from '../runbooks/runbooks.service.js';
import { AnalyzeDto } from './dto/evidence.dto.js';
import { parseEvidence } from './ingest/parse-evidence.js';
import { redactHarText, createLogRedactor } from './redaction/index.js';

export interface AnalyzeAnswer {
  parseStatus: 'parsed' | 'failed';
  parseError: string | null;
  summary: Record<string, unknown>;
  findings: Finding[];
  causes: Ranking['causes'];
  explanation: string[];
  runbook: { key: string; version: number };
}

/** Stateless analysis for bots and quick questions: nothing is stored. */
@ApiTags('diagnosis')
@ApiBearerAuth()
@Controller('v1/analyze')
export class AnalyzeController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runbooks: RunbooksService,
  ) {}

  /** Reads pasted log lines or a HAR and ranks the causes they point at (with the runbook's priors). */
  @Post()
  @HttpCode(200)
  @Roles(...Access.read)
  async analyze(@Body() dto: AnalyzeDto): Promise<AnalyzeAnswer> {
    if (dto.statusCode !== undefined && !(Number.isInteger(dto.statusCode) && dto.statusCode >= 100 && dto.statusCode <= 599)) {
      throw new ValidationError([{ field: 'statusCode', message: 'statusCode must be an HTTP status (100-599)' }]);
    }
    // Redacted like stored evidence, so excerpts in the answer carry no secrets either.
    const text = dto.kind === 'har' ? redactHarText(dto.content).text : redactLog(dto.content);
    const bytes = Buffer.from(text, 'utf8');
    const parsed = await parseEvidence(dto.kind, () => Readable.from([bytes]), bytes.subarray(0, 16));
    const runbook = await this.runbooks.find(this.dataSource.manager, selectRunbookKey(dto.statusCode ?? 502));
    const ranking = rankCauses({ priors: runbook.priors, findings: parsed.findings, outcomes: [] });
    return {
      parseStatus: parsed.status,
      parseError: parsed.status === 'failed' ? parsed.error : null,
      summary: parsed.summary,
      findings: parsed.findings,
      causes: ranking.causes,
      explanation: ranking.explanation,
      runbook: { key: runbook.key, version: runbook.version },
    };
  }
}

function redactLog(content: string): string {
  const redactor = createLogRedactor();
  return content.split('\n').map(redactor.redactLine).join('\n');
}
