import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ValidationError } from '../common/errors/domain-errors.js';
import { rankCauses, type Ranking } from '../diagnosis/scoring.js';
import { selectRunbookKey } from '../runbooks/content/index.js';
import { RunbooksService } from '../runbooks/runbooks.service.js';
import type { AnalyzeDto } from './dto/evidence.dto.js';
import { parseEvidence } from './ingest/parse-evidence.js';
import { signalTotals, withOccurrences } from './ingest/signal-totals.js';
import type { Finding } from './parsers/finding.js';
import { createLogRedactor, redactHarText } from './redaction/index.js';

export interface AnalyzeAnswer {
  parseStatus: 'parsed' | 'failed';
  parseError: string | null;
  summary: Record<string, unknown>;
  findings: Finding[];
  causes: Ranking['causes'];
  explanation: string[];
  runbook: { key: string; version: number };
}

/** Parses and ranks pasted evidence without storing it, with the same redaction, parsers and scoring. */
@Injectable()
export class AnalyzeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runbooks: RunbooksService,
  ) {}

  async analyze(dto: AnalyzeDto): Promise<AnalyzeAnswer> {
    if (dto.statusCode !== undefined && !(Number.isInteger(dto.statusCode) && dto.statusCode >= 100 && dto.statusCode <= 599)) {
      throw new ValidationError([{ field: 'statusCode', message: 'statusCode must be an HTTP status (100-599)' }]);
    }
    // Redacted like stored evidence, so excerpts in the answer carry no secrets either.
    const text = dto.kind === 'har' ? redactHarText(dto.content).text : redactLog(dto.content);
    const bytes = Buffer.from(text, 'utf8');
    const parsed = await parseEvidence(dto.kind, () => Readable.from([bytes]), bytes.subarray(0, 16));
    const runbook = await this.runbooks.find(this.dataSource.manager, selectRunbookKey(dto.statusCode ?? 502));
    // Scored with the counts the parser reports, not just the findings it kept (see signalTotals).
    const ranking = rankCauses({ priors: runbook.priors, findings: withOccurrences(parsed.findings, signalTotals(parsed.summary)), outcomes: [] });
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
