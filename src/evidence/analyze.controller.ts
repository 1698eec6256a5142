import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Access, Roles } from '../common/http/decorators.js';
import { AnalyzeDto } from './dto/evidence.dto.js';
import { AnalyzeService, type AnalyzeAnswer } from './analyze.service.js';

/** Stateless analysis for bots and quick questions: nothing is stored. */
@ApiTags('diagnosis')
@ApiBearerAuth()
@Controller('v1/analyze')
export class AnalyzeController {
  constructor(private readonly analyzer: AnalyzeService) {}

  /** Reads pasted log lines or a HAR and ranks the causes they point at (with the runbook's priors). */
  @Post()
  @HttpCode(200)
  @Roles(...Access.read)
  analyze(@Body() dto: AnalyzeDto): Promise<AnalyzeAnswer> {
    return this.analyzer.analyze(dto);
  }
}
