import { statusHits } from './access.js';
import { hit, isRecord, normalizeUpstream, num, relayedStatus, str, type FamilyResult, type Hit } from './hit.js';
import { parseIso } from './timestamps.js';

/**
 * Google Cloud's external Application Load Balancer and Amazon CloudFront, the two edges whose
 * logs name the failure in a word of their own: `jsonPayload.statusDetails` and
 * `x-edge-detailed-result-type`.
 */

type Add = (category: Hit['category'], signal: string, weight: number) => void;

/**
 * A Cloud Logging entry of the load balancer: `httpRequest` with the status and
 * `jsonPayload.statusDetails` saying who produced it (`response_sent_by_backend` when the backend
 * did, the proxy's reason otherwise). The backend keep-alive is fixed at 600 s on Google's side, so
 * a backend closing idle connections sooner shows up as `backend_connection_closed_before_data_sent_to_client`.
 */
export function parseGcpLoadBalancer(obj: Record<string, unknown>, text: string): FamilyResult | null {
  const payload = obj.jsonPayload;
  if (!isRecord(payload)) return null;
  const details = str(payload.statusDetails);
  const typed = str(payload['@type'])?.includes('loadbalancing') ?? false;
  if (details === null && !typed) return null;
  const request = isRecord(obj.httpRequest) ? obj.httpRequest : {};
  const status = num(request.status);
  const upstream = normalizeUpstream(str(request.serverIp)) ?? null;
  const at = Math.max(0, text.indexOf('statusDetails'));
  const detail: Record<string, unknown> = { status, statusDetails: details };
  const hits: Hit[] = [];
  const add: Add = (category, signal, weight) => hits.push(hit(category, signal, weight, { at, upstream, detail }));
  if (details !== null) statusDetailsHits(details, status, add);
  const timestamp = str(obj.timestamp);
  return { format: 'gcp-lb', hits, observedMs: timestamp ? parseIso(timestamp) : null, upstream, status };
}

/**
 * What each `statusDetails` says, when the load balancer produced the answer itself. Client
 * disconnects and timeouts and security-policy denials are not upstream causes and are absent.
 */
const STATUS_DETAILS: Record<string, Array<[Hit['category'], string, number]>> = {
  failed_to_connect_to_backend: [['UPSTREAM_DOWN', 'gcp_lb.failed_to_connect_to_backend', 9]],
  // No healthy backend to send to (often while a configuration change propagates).
  failed_to_pick_backend: [
    ['UPSTREAM_DOWN', 'gcp_lb.failed_to_pick_backend', 8],
    ['GATEWAY_CONFIG', 'gcp_lb.config_propagating', 3],
  ],
  backend_timeout: [['UPSTREAM_TIMEOUT', 'gcp_lb.backend_timeout', 10]],
  backend_connection_closed_before_data_sent_to_client: [
    ['UPSTREAM_RESET', 'gcp_lb.backend_closed_connection', 8],
    ['GATEWAY_CONFIG', 'gcp_lb.backend_keepalive_under_600s', 5],
  ],
  backend_connection_closed_after_partial_response_sent: [['UPSTREAM_RESET', 'gcp_lb.backend_closed_mid_response', 7]],
  failed_to_negotiate_alpn: [['TLS', 'gcp_lb.alpn_negotiation_failed', 7]],
};

function statusDetailsHits(details: string, status: number | null, add: Add): void {
  if (details === 'response_sent_by_backend') {
    // The backend answered this status itself; the load balancer relayed it.
    const relayed = relayedStatus(status);
    if (relayed) add(relayed.category, `gcp_lb.backend_returned_${status}`, relayed.weight);
    return;
  }
  for (const [category, signal, weight] of STATUS_DETAILS[details] ?? []) add(category, signal, weight);
}

// ---- CloudFront ---------------------------------------------------------------------------

/** Columns of CloudFront's standard (legacy) access log, in order; a line is these values joined by tabs. */
const CLOUDFRONT_COLUMNS = {
  date: 0,
  time: 1,
  edgeLocation: 2,
  status: 8,
  resultType: 13,
  host: 15,
  detailedResultType: 28,
} as const;
const EDGE_RESULT_TYPES = new Set(['Hit', 'RefreshHit', 'Miss', 'LimitExceeded', 'CapacityExceeded', 'Error', 'Redirect']);

/**
 * A CloudFront standard log line: tab-separated, starting `date time edge-location`. Its
 * `x-edge-detailed-result-type` (column 29) names the origin failure behind an error.
 */
export function parseCloudFrontLog(text: string): FamilyResult | null {
  if (text.indexOf('\t') === -1) return null;
  const cols = text.split('\t');
  if (cols.length < 26 || !/^\d{4}-\d\d-\d\d$/.test(cols[CLOUDFRONT_COLUMNS.date]!) || !/^\d\d:\d\d:\d\d$/.test(cols[CLOUDFRONT_COLUMNS.time]!)) return null;
  const resultType = cols[CLOUDFRONT_COLUMNS.resultType]!;
  if (!EDGE_RESULT_TYPES.has(resultType) || !/^[A-Z]{3}\d+(?:-[A-Z0-9]+)?$/.test(cols[CLOUDFRONT_COLUMNS.edgeLocation]!)) return null;
  const status = num(cols[CLOUDFRONT_COLUMNS.status]);
  const detailed = cols[CLOUDFRONT_COLUMNS.detailedResultType] ?? null;
  const upstream = cols[CLOUDFRONT_COLUMNS.host] && cols[CLOUDFRONT_COLUMNS.host] !== '-' ? cols[CLOUDFRONT_COLUMNS.host]! : null;
  const at = detailed ? Math.max(0, text.indexOf(detailed)) : 0;
  const detail: Record<string, unknown> = { status, resultType, detailedResultType: detailed };
  const hits: Hit[] = [];
  const add: Add = (category, signal, weight) => hits.push(hit(category, signal, weight, { at, upstream, detail }));
  if (resultType === 'CapacityExceeded' || resultType === 'LimitExceeded') add('CAPACITY', `cloudfront.${resultType}`, 7);
  else if (resultType === 'Error' && detailed) edgeResultHits(detailed, status, add);
  return {
    format: 'cloudfront',
    hits,
    observedMs: parseIso(`${cols[CLOUDFRONT_COLUMNS.date]}T${cols[CLOUDFRONT_COLUMNS.time]}Z`),
    upstream,
    status,
  };
}

function edgeResultHits(detailed: string, status: number | null, add: Add): void {
  const signal = `cloudfront.${detailed}`;
  switch (detailed) {
    case 'OriginConnectError':
      add('UPSTREAM_DOWN', signal, 8);
      add('TLS', 'cloudfront.origin_connect_tls', 3);
      return;
    case 'OriginDnsError':
      add('DNS', signal, 9);
      return;
    case 'OriginInvalidResponseError':
    case 'OriginCommError':
    case 'OriginReadError':
    case 'OriginWriteError':
    case 'OriginZeroSizeObjectError':
    case 'OriginContentRangeLengthError':
    case 'AbortedOrigin':
      add('UPSTREAM_RESET', signal, detailed === 'OriginInvalidResponseError' ? 8 : 6);
      if (status === 504) add('UPSTREAM_TIMEOUT', 'cloudfront.origin_timeout', 6);
      return;
    case 'OriginHeaderTooBigError':
      add('UPSTREAM_RESET', signal, 7);
      return;
    case 'SlowReaderOriginError':
      add('UPSTREAM_TIMEOUT', signal, 5);
      return;
    case 'OriginError':
      for (const h of statusHits(status, 0, null, {})) add(h.category, `cloudfront.origin_error_${status}`, 2);
      return;
    case 'LambdaLimitExceededError':
      add('CAPACITY', signal, 7);
      return;
    default:
      if (detailed.startsWith('Lambda') || detailed.startsWith('Function')) add('GATEWAY_CONFIG', signal, 7);
      // Client-side results (ClientCommError, ClientHungUpRequest, InvalidRequest…) are no cause.
      return;
  }
}

/**
 * CloudFront's own error page: "The request could not be satisfied" and "Generated by
 * cloudfront (CloudFront)". For a 502 the documented causes are mostly the TLS negotiation with the
 * origin (certificate not matching the origin domain or Host, expired, incomplete chain; ciphers),
 * then an origin not answering on its port.
 */
export function parseCloudFrontPage(text: string): FamilyResult | null {
  const generated = /Generated by cloudfront \(CloudFront\)|The request could not be satisfied/i.exec(text);
  if (!generated || !/cloudfront/i.test(text)) return null;
  const code = /\b(50[234])\s+ERROR\b|\bERROR\s+(50[234])\b/i.exec(text);
  const status = code ? Number(code[1] ?? code[2]) : /wasn't able to connect to the origin|could not connect to the origin/i.test(text) ? 502 : null;
  const at = code?.index ?? generated.index;
  const detail = { status };
  const hits: Hit[] = [];
  if (status === 502) {
    hits.push(hit('CDN_EDGE', 'cloudfront.502', 8, { at, detail }));
    hits.push(hit('TLS', 'cloudfront.origin_tls_negotiation', 4, { at, detail }));
    hits.push(hit('UPSTREAM_DOWN', 'cloudfront.origin_not_reachable', 3, { at, detail }));
  } else if (status === 504) {
    hits.push(hit('CDN_EDGE', 'cloudfront.504', 8, { at, detail }));
    hits.push(hit('UPSTREAM_TIMEOUT', 'cloudfront.origin_timeout', 5, { at, detail }));
  } else if (status === 503) {
    hits.push(hit('CDN_EDGE', 'cloudfront.503', 8, { at, detail }));
    hits.push(hit('CAPACITY', 'cloudfront.capacity_or_origin_unavailable', 3, { at, detail }));
  }
  return { format: 'cloudfront-page', hits, status };
}
