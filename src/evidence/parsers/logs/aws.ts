import { hit, normalizeUpstream, relayedStatus, singleHit, type FamilyResult, type Hit } from './hit.js';
import { tokenize } from './envoy.js';
import { parseIso } from './timestamps.js';

/**
 * AWS load balancer access logs (load-balancer-access-logs.md). The triage rule: when the LB
 * answered 5xx and `target_status_code` is "-", the LB generated the error (connection level);
 * when the target's status is there, the target produced it and the LB relayed it. A
 * processing time of -1 means the LB could not dispatch or the target closed the connection.
 *
 * ALB: `type time elb client:port target:port req_t target_t resp_t elb_status target_status received sent "request" …`
 * CLB: `time elb client:port backend:port req_t backend_t resp_t elb_status backend_status received sent "request" …`
 * Byte counts are always numbers in real logs; a line where they are not is not parsed as one.
 */

const TIMES_RE = /(\S+) (-1|\d+(?:\.\d+)?) (-1|\d+(?:\.\d+)?) (-1|\d+(?:\.\d+)?) (\d{3}|-) (\d{3}|-) (\d+) (\d+) (?="|$)/;

interface LbRecord {
  kind: 'alb' | 'clb';
  target: string | null;
  requestTime: number;
  targetTime: number;
  responseTime: number;
  elbStatus: number | null;
  targetStatus: number | null;
  errorReason: string | null;
  at: number;
}

const ISO_Z_RE = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z /;

export function parseAwsLb(text: string): FamilyResult | null {
  // Both formats carry an ISO instant in UTC among their first fields.
  const iso = ISO_Z_RE.exec(text);
  if (!iso || iso.index > 300) return null;
  // ALB lines start with the request type, CLB lines with the time; either may follow a
  // `file:` prefix when the line was grepped out of many files.
  const before = text.slice(0, iso.index);
  const albType = /(?:^|[^\s]*:)(https?|h2|grpcs|wss?) $/.exec(before);
  if (!albType && !/^(?:[^\s]*:)?$/.test(before)) return null;
  const timeText = iso[0].trimEnd();
  let from = iso.index + iso[0].length;
  if (!albType) {
    // CLB: skip the load balancer's name.
    const sp = text.indexOf(' ', from);
    if (sp < 0) return null;
    from = sp + 1;
  }
  const times = TIMES_RE.exec(text.slice(from));
  if (!times) return null;
  const kind = albType ? 'alb' : 'clb';
  const rest = text.slice(from + times.index + times[0].length);
  let errorReason: string | null = null;
  if (kind === 'alb') {
    const tokens = tokenize(rest);
    const reason = tokens[12];
    if (reason !== undefined) {
      const r = reason.replace(/^"|"$/g, '');
      if (r && r !== '-') errorReason = r;
    }
  }
  const rec: LbRecord = {
    kind,
    target: normalizeUpstream(times[1]),
    requestTime: Number(times[2]),
    targetTime: Number(times[3]),
    responseTime: Number(times[4]),
    elbStatus: times[5] === '-' ? null : Number(times[5]),
    targetStatus: times[6] === '-' ? null : Number(times[6]),
    errorReason,
    at: from + times.index + times[1]!.length + 1,
  };
  return {
    format: kind === 'alb' ? 'aws-alb' : 'aws-clb',
    hits: lbHits(rec),
    observedMs: parseIso(timeText),
    upstream: rec.target,
    status: rec.elbStatus,
  };
}

function lbHits(rec: LbRecord): Hit[] {
  const hits: Hit[] = [];
  const p = rec.kind;
  const detail: Record<string, unknown> = {
    elbStatus: rec.elbStatus,
    targetStatus: rec.targetStatus,
    requestProcessingTime: rec.requestTime,
    targetProcessingTime: rec.targetTime,
    responseProcessingTime: rec.responseTime,
  };
  if (rec.errorReason) detail.errorReason = rec.errorReason;
  const add = (category: Hit['category'], signal: string, weight: number): void => {
    hits.push(hit(category, signal, weight, { at: rec.at, upstream: rec.target, detail }));
  };
  if (rec.errorReason) errorReasonHits(rec.errorReason, add);
  const elb = rec.elbStatus;
  if (elb === null || elb < 500) return hits;
  if (rec.targetStatus !== null) {
    // The target answered; the LB relayed it.
    const relayed = relayedStatus(rec.targetStatus);
    if (relayed) add(relayed.category, `${p}.target_returned_${rec.targetStatus}`, relayed.weight);
    return hits;
  }
  if (hits.length > 0) return hits;
  if (elb === 504) {
    add('UPSTREAM_TIMEOUT', `${p}.target_timeout`, 9);
  } else if (elb === 503) {
    if (p === 'alb') add('UPSTREAM_DOWN', 'alb.no_healthy_targets', 8);
    else {
      // Classic ELB 503: no healthy instances, or its surge queue is full.
      add('UPSTREAM_DOWN', 'clb.no_healthy_backends', 6);
      add('CAPACITY', 'clb.surge_queue_full', 5);
    }
  } else if (elb === 502) {
    if (rec.target !== null && rec.targetTime >= 0 && rec.responseTime === -1) {
      // The request reached the target, which closed the connection without answering: the
      // documented sign of a target keep-alive shorter than the LB's idle timeout.
      add('GATEWAY_CONFIG', `${p}.target_keepalive_shorter_than_idle_timeout`, 7);
      add('UPSTREAM_RESET', `${p}.target_closed_connection`, 6);
    } else if (rec.target !== null) {
      add('UPSTREAM_DOWN', `${p}.target_connection_failed`, 6);
      add('TLS', `${p}.target_tls_handshake_failed`, 2);
    } else {
      add('UPSTREAM_DOWN', `${p}.no_target_reached`, 5);
    }
  }
  return hits;
}

/** ALB `error_reason` codes (Lambda targets and the authenticate action). */
function errorReasonHits(reason: string, add: (category: Hit['category'], signal: string, weight: number) => void): void {
  const signal = `alb.error_reason.${reason}`;
  if (/^Lambda(?:InvalidResponse|ResponseTooLarge|Unhandled)/.test(reason)) add('UPSTREAM_RESET', signal, 7);
  else if (/^Lambda(?:Throttling|EC2Throttled|ENILimitReached|SubnetIPAddressLimitReached)/.test(reason)) add('CAPACITY', signal, 8);
  else if (/^LambdaConnectionTimeout|Timeout$/.test(reason)) add('UPSTREAM_TIMEOUT', signal, 8);
  else if (/^Lambda(?:ConnectionError|ServiceException)/.test(reason)) add('UPSTREAM_DOWN', signal, 7);
  else if (/^Lambda/.test(reason)) add('GATEWAY_CONFIG', signal, 7);
  else if (/^Auth/.test(reason)) add('GATEWAY_CONFIG', signal, 4);
}

/**
 * API Gateway's execution log and Lambda's own report lines: the serverless path's equivalents of a
 * proxy's error log. API Gateway gives up on an integration after 29 s by default and answers 502
 * when a Lambda proxy response is malformed. (Its client-facing bodies: parseApiGatewayBody.)
 */
export function parseAwsServerless(text: string): FamilyResult | null {
  const execution = /Execution failed due to (a timeout error|configuration error: ([^\n]*))/.exec(text);
  if (execution) {
    if (execution[1] === 'a timeout error') return singleHit('aws-api-gateway', 'UPSTREAM_TIMEOUT', 'apigw.integration_timeout', 9, execution.index);
    const reason = execution[2] ?? '';
    if (/Malformed Lambda proxy response/i.test(reason)) return singleHit('aws-api-gateway', 'UPSTREAM_RESET', 'apigw.malformed_lambda_response', 8, execution.index);
    return singleHit('aws-api-gateway', 'GATEWAY_CONFIG', 'apigw.integration_misconfigured', 8, execution.index);
  }
  const taskTimeout = /\bTask timed out after [\d.]+ seconds/.exec(text);
  if (taskTimeout) return singleHit('aws-lambda', 'UPSTREAM_TIMEOUT', 'lambda.task_timeout', 9, taskTimeout.index);
  const killed = /Runtime exited with error: (?:signal: killed|exit status 137)|Runtime\.OutOfMemory/.exec(text);
  if (killed) return singleHit('aws-lambda', 'CAPACITY', 'lambda.out_of_memory', 8, killed.index);
  const throttled = /TooManyRequestsException: Rate Exceeded|\bRate Exceeded\b.*Lambda|ReservedFunctionConcurrentInvocationLimitExceeded/.exec(text);
  if (throttled) return singleHit('aws-lambda', 'CAPACITY', 'lambda.throttled', 7, throttled.index);
  return null;
}

/** API Gateway's client-facing JSON bodies: `{"message": "Endpoint request timed out"}` (504) and its generic 502/500. */
export function parseApiGatewayBody(obj: Record<string, unknown>): FamilyResult | null {
  const keys = Object.keys(obj);
  if (keys.length !== 1 || typeof obj.message !== 'string') return null;
  if (obj.message === 'Endpoint request timed out') {
    return singleHit('aws-api-gateway', 'UPSTREAM_TIMEOUT', 'apigw.endpoint_timeout', 8, 0);
  }
  if (obj.message === 'Internal server error') {
    // The integration failed or answered badly; the execution log says which.
    return singleHit('aws-api-gateway', 'UPSTREAM_RESET', 'apigw.internal_server_error', 2, 0);
  }
  return null;
}
