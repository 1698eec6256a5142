import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, Roles } from '../common/http/decorators.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './dto/api-key.dto.js';
import type { Principal } from './principal.js';
import { uuidPipe } from '../common/http/id-pipes.js';

@ApiTags('api-keys')
@ApiBearerAuth()
@Roles(...Access.admin)
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Creates a key. The secret is in this answer only. */
  @Post()
  create(@Body() dto: CreateApiKeyDto, @CurrentPrincipal() principal: Principal): Promise<CreatedApiKeyView> {
    return this.apiKeys.create(dto.name, dto.role, principal.keyId);
  }

  @Get()
  async list(): Promise<{ items: ApiKeyView[]; nextCursor: null }> {
    return { items: await this.apiKeys.list(), nextCursor: null };
  }

  /** Revokes a key; it stays listed with `revokedAt`. */
  @Delete(':id')
  @HttpCode(200)
  revoke(@Param('id', uuidPipe('id')) id: string): Promise<ApiKeyView> {
    return this.apiKeys.revoke(id);
  }
}
