import type { Gateway } from '../../../diagnosis/cause-category.js';
import type { GatewayCheck } from '../runbook-types.js';
import type { RunbookFlow, RunbookStepKey } from '../step-keys.js';
import { anyChecks } from './any.js';
import { apacheChecks } from './apache.js';
import { awsAlbChecks } from './aws-alb.js';
import { caddyChecks } from './caddy.js';
import { cloudflareChecks } from './cloudflare.js';
import { envoyChecks } from './envoy.js';
import { haproxyChecks } from './haproxy.js';
import { ingressNginxChecks } from './ingress-nginx.js';
import { nginxChecks } from './nginx.js';
import { traefikChecks } from './traefik.js';
import type { FlowChecks } from './types.js';

/**
 * Every gateway with its own checks. `other` has none: the `any` checks are what applies to it.
 * The order is the order checks are listed in a step: vendor-neutral first, then `GATEWAYS` order.
 */
export const GATEWAY_CHECK_SOURCES: ReadonlyArray<readonly [Gateway | 'any', FlowChecks]> = [
  ['any', anyChecks],
  ['nginx', nginxChecks],
  ['ingress-nginx', ingressNginxChecks],
  ['envoy', envoyChecks],
  ['haproxy', haproxyChecks],
  ['aws-alb', awsAlbChecks],
  ['cloudflare', cloudflareChecks],
  ['traefik', traefikChecks],
  ['caddy', caddyChecks],
  ['apache', apacheChecks],
];

/** All checks of one step of one flow, copied so that callers cannot alter the shared definitions. */
export function checksForStep(flow: RunbookFlow, step: RunbookStepKey): GatewayCheck[] {
  return GATEWAY_CHECK_SOURCES.flatMap(([, source]) => (source(flow)[step] ?? []).map((check) => ({ ...check })));
}
