import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal, Roles, INCIDENT_ID_PARAM } from '../common/http/decorators.js';
import { IncidentLocatorPipe, type IncidentLocator, uuidPipe } from '../common/http/id-pipes.js';
import { validatePlain } from '../common/http/validation.js';
import { CreateEvidenceDto } from './dto/evidence.dto.js';
import { EvidenceService, type UploadResult } from './evidence.service.js';
import { toEvidenceView, type EvidenceView, type FindingView } from './evidence.view.js';
import { readMultipartUpload } from './multipart.js';

@ApiTags('evidence')
@ApiBearerAuth()
@ApiParam(INCIDENT_ID_PARAM)
@Controller('v1/incidents/:id/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /**
   * Adds evidence: multipart (`kind`, optional `capturedFrom`/`network`/`region`/`device`,
   * `capturedAt`, then `file`) or JSON `{ kind, content, filename?, encoding? }`. Secrets are
   * redacted before storage. 201 when new, 200 with `duplicate: true` when the same bytes are
   * already on the incident.
   */
  @Post()
  @Roles(...Access.report)
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['kind'],
      properties: {
        kind: { type: 'string', enum: ['har', 'log', 'trace', 'screenshot', 'command-output', 'config', 'note'] },
        network: { type: 'string' },
        region: { type: 'string' },
        device: { type: 'string' },
        capturedAt: { type: 'string', format: 'date-time' },
        file: { type: 'string', format: 'binary' },
        content: { type: 'string', description: 'JSON uploads only: the text' },
      },
    },
  })
  async upload(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UploadResult['evidence']> {
    const input = request.isMultipart()
      ? await readMultipartUpload(request)
      : jsonUpload(validatePlain(CreateEvidenceDto, (request.body ?? {}) as Record<string, unknown>));
    const result = await this.evidence.upload(locator, input, principal);
    if (!result.created) void reply.status(200);
    return result.evidence;
  }

  @Get()
  @Roles(...Access.read)
  async list(@Param('id', IncidentLocatorPipe) locator: IncidentLocator): Promise<{ items: EvidenceView[]; nextCursor: null }> {
    return { items: await this.evidence.list(locator), nextCursor: null };
  }

  @Get(':evidenceId')
  @Roles(...Access.read)
  async get(@Param('id', IncidentLocatorPipe) locator: IncidentLocator, @Param('evidenceId', uuidPipe('evidenceId')) evidenceId: string): Promise<EvidenceView> {
    return toEvidenceView(await this.evidence.get(locator, evidenceId));
  }

  /** The stored bytes (redacted), as uploaded otherwise. */
  @Get(':evidenceId/content')
  @Roles(...Access.read)
  async content(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Param('evidenceId', uuidPipe('evidenceId')) evidenceId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const row = await this.evidence.get(locator, evidenceId);
    await reply
      .header('content-type', row.mediaType)
      .header('content-length', row.size)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(row.filename)}`)
      .header('x-content-sha256', row.sha256)
      .send(Readable.from(this.evidence.readChunks(row.id)));
  }

  @Get(':evidenceId/findings')
  @Roles(...Access.read)
  async findings(
    @Param('id', IncidentLocatorPipe) locator: IncidentLocator,
    @Param('evidenceId', uuidPipe('evidenceId')) evidenceId: string,
  ): Promise<{ items: FindingView[]; nextCursor: null }> {
    return { items: await this.evidence.findings(locator, evidenceId), nextCursor: null };
  }
}

function jsonUpload(dto: CreateEvidenceDto) {
  const bytes = Buffer.from(dto.content, dto.encoding === 'base64' ? 'base64' : 'utf8');
  return {
    source: Readable.from([bytes]),
    kind: dto.kind,
    filename: dto.filename,
    mediaType: dto.mediaType,
    capturedFrom: dto.capturedFrom,
    capturedAt: dto.capturedAt,
  };
}
