/** The cause taxonomy of DESIGN §4. Plain module: no framework imports. */
export const CAUSE_CATEGORIES = [
  'UPSTREAM_DOWN',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_RESET',
  'GATEWAY_CONFIG',
  'TLS',
  'DNS',
  'NETWORK',
  'CDN_EDGE',
  'CAPACITY',
  'UNKNOWN',
] as const;

export type CauseCategory = (typeof CAUSE_CATEGORIES)[number];

export function isCauseCategory(value: unknown): value is CauseCategory {
  return typeof value === 'string' && (CAUSE_CATEGORIES as readonly string[]).includes(value);
}

/** Gateways an incident can name (DESIGN §2). */
export const GATEWAYS = [
  'nginx',
  'ingress-nginx',
  'envoy',
  'haproxy',
  'aws-alb',
  'cloudflare',
  'traefik',
  'caddy',
  'apache',
  'other',
] as const;

export type Gateway = (typeof GATEWAYS)[number];
