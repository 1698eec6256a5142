import type { CauseCategory } from '../../diagnosis/cause-category.js';

/** How a cause category reads in a document (DESIGN §4). */
export const CAUSE_LABELS: Record<CauseCategory, string> = {
  UPSTREAM_DOWN: 'Upstream down or unreachable',
  UPSTREAM_TIMEOUT: 'Upstream slow or timing out',
  UPSTREAM_RESET: 'Upstream connection closed or reset (keep-alive race, malformed response)',
  GATEWAY_CONFIG: 'Gateway configuration (timeouts, buffers, routing, pool)',
  TLS: 'TLS between gateway and upstream',
  DNS: 'DNS resolution',
  NETWORK: 'Network path between gateway and upstream',
  CDN_EDGE: 'CDN edge',
  CAPACITY: 'Capacity (connections, file descriptors, overload)',
  UNKNOWN: 'Unknown',
};
