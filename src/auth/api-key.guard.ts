import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ALLOWED_ROLES, PUBLIC_ROUTE } from '../common/http/decorators.js';
import type { ApiKeyRole } from './entities/api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import type { Principal } from './principal.js';

/** Global guard: every route needs a valid key unless marked @Public(); @Roles() says which roles may call it. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('An API key is required: send "Authorization: Bearer <key>".');
    const key = await this.apiKeys.verify(match[1]);
    if (!key) throw new UnauthorizedException('The API key is unknown or revoked.');
    const allowed = this.reflector.getAllAndOverride<ApiKeyRole[]>(ALLOWED_ROLES, targets) ?? ['admin'];
    if (!allowed.includes(key.role)) {
      throw new ForbiddenException(`A ${key.role} key may not do this; it needs one of: ${allowed.join(', ')}.`);
    }
    const actorHeader = request.headers['x-actor'];
    const actor = typeof actorHeader === 'string' && actorHeader.trim() ? actorHeader.trim().slice(0, 100) : key.name;
    request.principal = { keyId: key.id, keyName: key.name, role: key.role, actor };
    return true;
  }
}
