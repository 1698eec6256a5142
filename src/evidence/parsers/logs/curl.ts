import { statusHits } from './access.js';
import { hit, type FamilyResult, type Hit } from './hit.js';

/**
 * curl's own error line, as a responder pastes it from the runbook's first step
 * (`curl -sv https://host/path`): `curl: (7) Failed to connect to host port 443 after 3 ms: …`.
 * The exit code says which stage failed; the message refines it (a connect that timed out is not
 * one that was refused). Verbose `* ` lines carry the same texts and are left to the errno and
 * TLS readers.
 */
/** The command's `curl: (N) …`, or libcurl's `cURL error N: …` as PHP's clients (Guzzle) report it. */
const CURL_RE = /\bcurl: \((\d{1,3})\) (.*)$|\bcURL error (\d{1,3}): (.*)$/;

export function parseCurl(text: string): FamilyResult | null {
  const m = CURL_RE.exec(text);
  if (!m) return null;
  const code = Number(m[1] ?? m[3]);
  const message = (m[2] ?? m[4])!;
  const at = m.index;
  const detail: Record<string, unknown> = { exitCode: code, message: message.slice(0, 200) };
  const upstream = /\bto (?:host )?([A-Za-z0-9_.:[\]-]+) port (\d+)/.exec(message);
  const target = upstream ? `${upstream[1]}:${upstream[2]}` : null;
  return { format: 'curl', hits: curlHits(code, message, at, target, detail), upstream: target };
}

function curlHits(code: number, message: string, at: number, upstream: string | null, detail: Record<string, unknown>): Hit[] {
  const add = (category: Hit['category'], signal: string, weight: number): Hit => hit(category, signal, weight, { at, upstream, detail });
  switch (code) {
    case 5:
    case 6:
      return [add('DNS', code === 5 ? 'curl.proxy_not_resolved' : 'curl.host_not_resolved', 9)];
    case 7:
      if (/No route to host|Network is unreachable|Host is unreachable/i.test(message)) return [add('NETWORK', 'curl.no_route', 9)];
      if (/timed out|Timeout was reached/i.test(message)) {
        return [add('UPSTREAM_TIMEOUT', 'curl.connect_timeout', 6), add('NETWORK', 'curl.connect_timeout_network', 4)];
      }
      // "Connection refused", or curl ≥ 7.86's "Couldn't connect to server".
      return [add('UPSTREAM_DOWN', 'curl.connect_failed', 8)];
    case 28:
      if (/Resolving timed out/i.test(message)) return [add('DNS', 'curl.resolve_timeout', 8)];
      if (/Connection timed out|connect\S* timed out|Failed to connect/i.test(message)) {
        return [add('UPSTREAM_TIMEOUT', 'curl.connect_timeout', 6), add('NETWORK', 'curl.connect_timeout_network', 4)];
      }
      // Connected and sent; the answer did not come within --max-time.
      return [add('UPSTREAM_TIMEOUT', 'curl.response_timeout', 8)];
    case 52:
      // The server closed the connection without a byte of response.
      return [add('UPSTREAM_RESET', 'curl.empty_reply', 8)];
    case 56:
    case 55:
    case 18:
      return [add('UPSTREAM_RESET', code === 18 ? 'curl.partial_transfer' : code === 55 ? 'curl.send_failure' : 'curl.receive_failure', code === 56 ? 7 : 5)];
    case 16:
    case 92:
      return [add('UPSTREAM_RESET', 'curl.http2_stream_error', 5)];
    case 35:
    case 51:
    case 53:
    case 54:
    case 58:
    case 59:
    case 60:
    case 66:
    case 77:
    case 80:
    case 82:
    case 83:
    case 90:
    case 91:
      return [add('TLS', /certificate|subject name/i.test(message) ? 'curl.tls_certificate_rejected' : 'curl.tls_handshake_failed', 9)];
    case 22: {
      // --fail: "The requested URL returned error: 502".
      const status = /returned error: (\d{3})/.exec(message);
      return status ? statusHits(Number(status[1]), at, upstream, detail) : [];
    }
    default:
      return [];
  }
}
