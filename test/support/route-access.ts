import type { ApiKeyRole } from '../../src/auth/entities/api-key.entity.js';

export interface RouteAccess {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** As in the OpenAPI document, with `{param}` placeholders. */
  path: string;
  roles: readonly ApiKeyRole[] | 'public';
}

const READ = ['viewer', 'bot', 'responder', 'admin'] as const;
const REPORT = ['bot', 'responder', 'admin'] as const;
const RESPOND = ['responder', 'admin'] as const;
const ADMIN = ['admin'] as const;

/**
 * Who may call what (DESIGN §6). The auth spec checks every route here against every role, and checks
 * that every route the OpenAPI document lists is here, so a new route cannot ship unguarded.
 */
export const ROUTE_ACCESS: RouteAccess[] = [
  { method: 'GET', path: '/health/live', roles: 'public' },
  { method: 'GET', path: '/health/ready', roles: 'public' },
  // Verified by Slack's request signature instead of an API key.
  { method: 'POST', path: '/v1/chatops/slack/commands', roles: 'public' },
  { method: 'GET', path: '/v1/api-keys', roles: ADMIN },
  { method: 'POST', path: '/v1/api-keys', roles: ADMIN },
  { method: 'DELETE', path: '/v1/api-keys/{id}', roles: ADMIN },
  { method: 'GET', path: '/v1/incidents', roles: READ },
  { method: 'POST', path: '/v1/incidents', roles: REPORT },
  { method: 'GET', path: '/v1/incidents/{id}', roles: READ },
  { method: 'PATCH', path: '/v1/incidents/{id}', roles: RESPOND },
  { method: 'POST', path: '/v1/incidents/{id}/transitions', roles: RESPOND },
  { method: 'GET', path: '/v1/incidents/{id}/timeline', roles: READ },
  { method: 'POST', path: '/v1/incidents/{id}/timeline', roles: REPORT },
  { method: 'GET', path: '/v1/incidents/{id}/steps', roles: READ },
  { method: 'GET', path: '/v1/incidents/{id}/next-step', roles: READ },
  { method: 'POST', path: '/v1/incidents/{id}/steps/{key}/start', roles: RESPOND },
  { method: 'POST', path: '/v1/incidents/{id}/steps/{key}/complete', roles: RESPOND },
  { method: 'POST', path: '/v1/incidents/{id}/steps/{key}/skip', roles: RESPOND },
  { method: 'POST', path: '/v1/incidents/{id}/evidence', roles: REPORT },
  { method: 'GET', path: '/v1/incidents/{id}/evidence', roles: READ },
  { method: 'GET', path: '/v1/incidents/{id}/evidence/{evidenceId}', roles: READ },
  { method: 'GET', path: '/v1/incidents/{id}/evidence/{evidenceId}/content', roles: READ },
  { method: 'GET', path: '/v1/incidents/{id}/evidence/{evidenceId}/findings', roles: READ },
  { method: 'GET', path: '/v1/incidents/{id}/diagnosis', roles: READ },
  { method: 'POST', path: '/v1/analyze', roles: READ },
  { method: 'GET', path: '/v1/incidents/{id}/root-causes', roles: READ },
  { method: 'POST', path: '/v1/incidents/{id}/root-causes', roles: RESPOND },
  { method: 'POST', path: '/v1/incidents/{id}/root-causes/accept-suggestion', roles: RESPOND },
  { method: 'PATCH', path: '/v1/incidents/{id}/root-causes/{rid}', roles: RESPOND },
  { method: 'GET', path: '/v1/incidents/{id}/action-items', roles: READ },
  { method: 'POST', path: '/v1/incidents/{id}/action-items', roles: RESPOND },
  { method: 'POST', path: '/v1/incidents/{id}/action-items/propose', roles: RESPOND },
  { method: 'POST', path: '/v1/incidents/{id}/postmortem', roles: RESPOND },
  { method: 'GET', path: '/v1/incidents/{id}/postmortem', roles: READ },
  { method: 'PATCH', path: '/v1/incidents/{id}/postmortem', roles: RESPOND },
  { method: 'GET', path: '/v1/incidents/{id}/postmortem/revisions', roles: READ },
  { method: 'POST', path: '/v1/incidents/{id}/postmortem/review', roles: RESPOND },
  { method: 'POST', path: '/v1/incidents/{id}/postmortem/publish', roles: RESPOND },
  { method: 'GET', path: '/v1/incidents/{id}/similar', roles: READ },
  { method: 'GET', path: '/v1/postmortems', roles: READ },
  { method: 'POST', path: '/v1/webhooks', roles: ADMIN },
  { method: 'GET', path: '/v1/webhooks', roles: ADMIN },
  { method: 'GET', path: '/v1/webhooks/{id}', roles: ADMIN },
  { method: 'DELETE', path: '/v1/webhooks/{id}', roles: ADMIN },
  { method: 'POST', path: '/v1/webhooks/{id}/rotate-secret', roles: ADMIN },
  { method: 'GET', path: '/v1/webhooks/{id}/deliveries', roles: ADMIN },
  { method: 'GET', path: '/v1/stats', roles: READ },
  { method: 'GET', path: '/v1/stats/report', roles: READ },
  { method: 'GET', path: '/v1/action-items', roles: READ },
  { method: 'PATCH', path: '/v1/action-items/{id}', roles: RESPOND },
  { method: 'GET', path: '/v1/runbooks', roles: READ },
  { method: 'GET', path: '/v1/runbooks/{key}', roles: READ },
  { method: 'POST', path: '/v1/runbooks', roles: ADMIN },
];
