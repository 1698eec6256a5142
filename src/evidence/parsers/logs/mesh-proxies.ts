import { hit, singleHit, type FamilyResult } from './hit.js';

/**
 * Proxies with a wording of their own that the other families do not know: the Linkerd proxy,
 * Spring Cloud Gateway (Netty) and Varnish's `FetchError` records (varnishlog).
 */
export function parseMeshProxy(text: string): FamilyResult | null {
  return linkerd(text) ?? springCloudGateway(text) ?? varnishFetchError(text);
}

function linkerd(text: string): FamilyResult | null {
  if (!/linkerd|logical service|fail-fast/.test(text)) return null;
  const failFast = /service in fail-fast|logical service [^:]+: service unavailable/.exec(text);
  // The proxy stops sending to a service whose endpoints all fail (or that has none).
  if (failFast) return singleHit('linkerd', 'UPSTREAM_DOWN', 'linkerd.fail_fast', 8, failFast.index);
  const timeout = /(?:request|response) timed out|error=.*timed out/i.exec(text);
  if (timeout && /linkerd/.test(text)) return singleHit('linkerd', 'UPSTREAM_TIMEOUT', 'linkerd.timeout', 6, timeout.index);
  return null;
}

function springCloudGateway(text: string): FamilyResult | null {
  const timeout = /gateway\.support\.TimeoutException: Response took longer than timeout|\bio\.netty\.handler\.timeout\.ReadTimeoutException\b/.exec(text);
  if (timeout) return singleHit('spring-cloud-gateway', 'UPSTREAM_TIMEOUT', 'spring_gateway.response_timeout', 8, timeout.index);
  const connectTimeout = /\bio\.netty\.channel\.ConnectTimeoutException\b/.exec(text);
  if (connectTimeout) {
    return {
      format: 'spring-cloud-gateway',
      hits: [
        hit('UPSTREAM_TIMEOUT', 'spring_gateway.connect_timeout', 6, { at: connectTimeout.index }),
        hit('NETWORK', 'spring_gateway.connect_timeout_network', 4, { at: connectTimeout.index }),
      ],
    };
  }
  return null;
}

/** varnishlog's `- FetchError <reason>`: why the backend fetch failed. */
function varnishFetchError(text: string): FamilyResult | null {
  const m = /(?:^|\s)FetchError\s+(.+)$/.exec(text);
  if (!m) return null;
  const reason = m[1]!;
  const at = m.index;
  if (/first byte timeout|between bytes timeout/i.test(reason)) return singleHit('varnish', 'UPSTREAM_TIMEOUT', 'varnish.backend_timeout', 8, at);
  if (/no backend connection|backend [^:]*: fail|Connection refused/i.test(reason)) return singleHit('varnish', 'UPSTREAM_DOWN', 'varnish.no_backend_connection', 8, at);
  if (/http (?:first )?read error|EOF|Connection reset/i.test(reason)) return singleHit('varnish', 'UPSTREAM_RESET', 'varnish.backend_read_error', 7, at);
  if (/Could not get storage/i.test(reason)) return singleHit('varnish', 'CAPACITY', 'varnish.storage_full', 6, at);
  return { format: 'varnish', hits: [] };
}
