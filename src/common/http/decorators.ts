import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ApiKeyRole } from '../../auth/entities/api-key.entity.js';
import type { Principal } from '../../auth/principal.js';

export const PUBLIC_ROUTE = 'stepwise:public';
export const ALLOWED_ROLES = 'stepwise:roles';

/** No API key needed (health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Roles that may call the route. Routes without it are admin-only, so a forgotten decorator fails closed. */
export const Roles = (...roles: ApiKeyRole[]) => SetMetadata(ALLOWED_ROLES, roles);

/** Who may do what (DESIGN §6). */
export const Access = {
  read: ['viewer', 'bot', 'responder', 'admin'],
  report: ['bot', 'responder', 'admin'],
  respond: ['responder', 'admin'],
  admin: ['admin'],
} as const satisfies Record<string, readonly ApiKeyRole[]>;

/** OpenAPI description of an incident's `:id` path parameter (`@ApiParam(INCIDENT_ID_PARAM)`). */
export const INCIDENT_ID_PARAM = { name: 'id', required: true, description: 'Incident UUID or ref (INC-42)', schema: { type: 'string' } } as const;

/** The authenticated API key of the request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!request.principal) throw new Error('CurrentPrincipal used on a public route');
  return request.principal;
});
