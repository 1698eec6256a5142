import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

export interface PostOutcome {
  /** The HTTP status, when an answer came. */
  status?: number;
  /** What went wrong when no answer came (network error, timeout). */
  error?: string;
  durationMs: number;
}

/**
 * POSTs a JSON body to a target whose addresses were checked a moment ago, connecting only to those
 * addresses (a DNS answer that changes between the check and the connect cannot move the request)
 * and following no redirects. Never rejects: failures come back as `error`.
 */
export function postPinned(url: URL, body: string, headers: Record<string, string>, addresses: string[], timeoutMs: number): Promise<PostOutcome> {
  const started = Date.now();
  const familyOf = (address: string) => (isIP(address) === 6 ? 6 : 4);
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) {
      // Node's LookupFunction type declares only the single-address form of the callback.
      (callback as unknown as (error: null, all: Array<{ address: string; family: number }>) => void)(
        null,
        addresses.map((address) => ({ address, family: familyOf(address) })),
      );
    } else {
      callback(null, addresses[0], familyOf(addresses[0]));
    }
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers },
        lookup: pinned,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        response.resume(); // the answer's body is not used; drain it so the socket is released
        response.on('end', () => resolve({ status: response.statusCode, durationMs: Date.now() - started }));
        response.on('error', (error) => resolve({ status: response.statusCode, error: error.message, durationMs: Date.now() - started }));
      },
    );
    request.on('error', (error: Error) => {
      const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
      resolve({ error: timedOut ? `timed out after ${timeoutMs} ms` : error.message, durationMs: Date.now() - started });
    });
    request.end(body);
  });
}
