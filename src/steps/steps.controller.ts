import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal, Roles, INCIDENT_ID_PARAM } from '../common/http/decorators.js';
import { IncidentLocatorPipe, type IncidentLocator } from '../common/http/id-pipes.js';
import { CompleteStepDto, SkipStepDto, StartStepDto } from './dto/step-action.dto.js';
import type { StepView } from './step.view.js';
import { StepsService, type NextStepAnswer, type StepActionResult } from './steps.service.js';

@ApiTags('steps')
@ApiBearerAuth()
@ApiParam(INCIDENT_ID_PARAM)
@Controller('v1/incidents/:id')
export class StepsController {
  constructor(private readonly steps: StepsService) {}

  /** The incident's runbook steps in order, with status, outcome, who and when, and time spent. */
  @Get('steps')
  @Roles(...Access.read)
  async list(@Param('id', IncidentLocatorPipe) locator: IncidentLocator): Promise<{ items: StepView[]; nextCursor: null }> {
    return { items: await this.steps.list(locator), nextCursor: null };
  }

  /** What to do now: the step, its checks for this incident's gateway, outcomes, missing evidence, ranked causes. */
  @Get('next-step')
  @Roles(...Access.read)
  next(@Param('id', IncidentLocatorPipe) locator: IncidentLocator): Promise<NextStepAnswer> {
    return this.steps.nextStep(locator);
  }

  /** Starts a step (or starts a repeatable step again). Steps go in order: 409 names the one to do first. */
  @Post('steps/:key/start')
  @HttpCode(200)
  @Roles(...Access.respond)
  start(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Param('key') key: string,
    @Body() dto: StartStepDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StepActionResult> {
    return this.steps.start(locator, key, dto.version, principal);
  }

  /** Records the step's outcome (one of its outcomes), notes and observations. */
  @Post('steps/:key/complete')
  @HttpCode(200)
  @Roles(...Access.respond)
  complete(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Param('key') key: string,
    @Body() dto: CompleteStepDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StepActionResult> {
    return this.steps.complete(locator, key, dto, principal);
  }

  /** Skips a step; a reason is required. */
  @Post('steps/:key/skip')
  @HttpCode(200)
  @Roles(...Access.respond)
  skip(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Param('key') key: string,
    @Body() dto: SkipStepDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StepActionResult> {
    return this.steps.skip(locator, key, dto, principal);
  }
}
