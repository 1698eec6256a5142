import { hit, num, relayedStatus, str, type FamilyResult, type Hit } from './hit.js';
import { epochToMs, parseIso } from './timestamps.js';

/**
 * Cloudflare: 52x error pages (title, heading, explanation text), the `cf_ob_info=<code>:<ray>:<colo>`
 * cookie, and Logpush HTTP request records. A 52x is the edge reporting trouble reaching the
 * origin, so the finding is CDN_EDGE with the origin-side failure the code implies beside it
 * (521 refused, 522 connect timeout, 524 read timeout, 525/526 TLS …).
 */

interface EdgeCode {
  name: string;
  underlying: Array<[Hit['category'], string, number]>;
}

const EDGE_CODES: Record<number, EdgeCode> = {
  520: { name: 'origin_unknown_error', underlying: [['UPSTREAM_RESET', 'cloudflare.origin_empty_or_invalid_response', 5]] },
  521: { name: 'origin_refused', underlying: [['UPSTREAM_DOWN', 'cloudflare.origin_refused_connection', 6]] },
  522: {
    name: 'origin_connect_timeout',
    underlying: [
      ['NETWORK', 'cloudflare.origin_connect_timeout_network', 5],
      ['UPSTREAM_TIMEOUT', 'cloudflare.origin_connect_timeout', 4],
    ],
  },
  523: { name: 'origin_unreachable', underlying: [['NETWORK', 'cloudflare.origin_unreachable', 6]] },
  524: { name: 'origin_read_timeout', underlying: [['UPSTREAM_TIMEOUT', 'cloudflare.origin_read_timeout', 6]] },
  525: { name: 'origin_ssl_handshake_failed', underlying: [['TLS', 'cloudflare.origin_ssl_handshake_failed', 6]] },
  526: { name: 'origin_invalid_certificate', underlying: [['TLS', 'cloudflare.origin_invalid_certificate', 6]] },
  527: { name: 'railgun_error', underlying: [['NETWORK', 'cloudflare.railgun_origin_error', 4]] },
};

/** Sentences that only Cloudflare's 52x pages print. */
const PAGE_SENTENCES: Array<[RegExp, number]> = [
  [/Web server is returning an unknown error|unknown connection issue between Cloudflare and the origin/i, 520],
  [/The web server is not returning a connection|Web server is down\b.*cloudflare/i, 521],
  [/initial connection between Cloudflare's network and the origin web server timed out/i, 522],
  [/Cloudflare (?:is unable|could not) (?:to )?reach the origin/i, 523],
  [/origin web server timed out before responding/i, 524],
  [/(?:unable|could not) (?:to )?establish an SSL connection to the origin/i, 525],
  [/could not validate the SSL certificate on the origin/i, 526],
  [/Railgun Listener to origin/i, 527],
];

/**
 * The title Cloudflare gives each 52x page. Its pages say "521: Web server is down" (after the site's
 * name, or alone) or "Web server is down | example.com | Cloudflare"; either form names the code.
 */
const PAGE_TITLES: Record<number, string> = {
  520: 'Web server is returning an unknown error',
  521: 'Web server is down',
  522: 'Connection timed out',
  523: 'Origin is unreachable',
  524: 'A timeout occurred',
  525: 'SSL handshake failed',
  526: 'Invalid SSL certificate',
  527: 'Railgun (?:Listener to origin )?error',
};
const TITLE_ALTERNATIVES = Object.values(PAGE_TITLES).join('|');
/** "521: Web server is down": a code and a title (checked to be that code's). */
const CODE_TITLE_RE = new RegExp(`\\b(52[0-7]):?\\s+(${TITLE_ALTERNATIVES})\\b`, 'i');
/** "Web server is down | example.com | Cloudflare". */
const TITLE_CLOUDFLARE_RE = new RegExp(`\\b(${TITLE_ALTERNATIVES})\\s*\\|[^|\\n]*\\|\\s*Cloudflare\\b`, 'i');

/** The page's heading then its code, as a copy of the page's text reads: "Invalid SSL certificate Error code 526". */
const TITLE_THEN_CODE_RE = new RegExp(`\\b(${TITLE_ALTERNATIVES})\\s+Error code:?\\s*(52[0-7])\\b`, 'i');

/** Each code's title as a whole-string pattern, to tell which code a matched title belongs to. */
const EXACT_TITLES = new Map(Object.entries(PAGE_TITLES).map(([code, title]) => [Number(code), new RegExp(`^(?:${title})$`, 'i')]));

/** The 52x a page title names, with where it starts; null when the text has no such title. */
function titleCode(text: string): { code: number; at: number } | null {
  const withCode = CODE_TITLE_RE.exec(text);
  if (withCode) {
    const code = Number(withCode[1]);
    if (EXACT_TITLES.get(code)?.test(withCode[2]!)) return { code, at: withCode.index };
  }
  const headed = TITLE_THEN_CODE_RE.exec(text);
  if (headed) {
    const code = Number(headed[2]);
    if (EXACT_TITLES.get(code)?.test(headed[1]!)) return { code, at: headed.index };
  }
  const named = TITLE_CLOUDFLARE_RE.exec(text);
  if (named) {
    for (const [code, exact] of EXACT_TITLES) if (exact.test(named[1]!)) return { code, at: named.index };
  }
  return null;
}

const CODE_RE = /(?:\bError(?: code)?:?\s*|\|\s*|\bcf_ob_info=|\bcode:\s*)(52[0-7])(?=\b|:)/i;
const CONTEXT_RE = /cloudflare|Ray ID|cf_ob_info|cf-ray|<title>|^\s*Error(?: code)? 52[0-7]\b/i;

export function parseCloudflarePage(text: string): FamilyResult | null {
  let code: number | null = null;
  let at = 0;
  const m = CODE_RE.exec(text);
  if (m && CONTEXT_RE.test(text)) {
    code = Number(m[1]);
    at = m.index;
  } else {
    const titled = titleCode(text);
    if (titled) ({ code, at } = titled);
    else {
      for (const [re, c] of PAGE_SENTENCES) {
        const s = re.exec(text);
        if (s) {
          code = c;
          at = s.index;
          break;
        }
      }
    }
  }
  if (code === null) return originDnsPage(text);
  const ray = /Ray ID:?\s*([0-9a-f]{16})/i.exec(text)?.[1] ?? /cf_ob_info=\d+:([0-9a-f]+)/i.exec(text)?.[1];
  const at2 = /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/.exec(text);
  return {
    format: 'cloudflare-page',
    hits: edgeHits(code, at, ray ? { rayId: ray } : {}),
    observedMs: at2 ? parseIso(`${at2[1]}Z`) : null,
  };
}

/**
 * Cloudflare's 1xxx pages that say why the origin could not be reached: its DNS record (1000, 1001,
 * 1016), a Cloudflare Tunnel whose connector is gone (1033), a Worker in front that failed (1101,
 * 1102). The origin-side cause comes first, the edge beside it.
 */
const ONE_THOUSANDS: Record<string, { pattern: RegExp; hits: Array<[Hit['category'], string, number]> }> = {
  '1016': { pattern: /Origin DNS error/i, hits: [['DNS', 'cloudflare.origin_dns_error', 8], ['CDN_EDGE', 'cloudflare.1016', 4]] },
  '1001': { pattern: /DNS resolution error/i, hits: [['DNS', 'cloudflare.origin_dns_error', 8], ['CDN_EDGE', 'cloudflare.1001', 4]] },
  '1000': { pattern: /DNS points to prohibited IP/i, hits: [['GATEWAY_CONFIG', 'cloudflare.dns_points_to_prohibited_ip', 7], ['DNS', 'cloudflare.1000', 4]] },
  '1033': { pattern: /(?:Argo|Cloudflare) Tunnel error/i, hits: [['UPSTREAM_DOWN', 'cloudflare.tunnel_connector_down', 8], ['CDN_EDGE', 'cloudflare.1033', 3]] },
  '1101': { pattern: /Worker threw exception/i, hits: [['GATEWAY_CONFIG', 'cloudflare.worker_exception', 6]] },
  '1102': { pattern: /Worker exceeded resource limits/i, hits: [['CAPACITY', 'cloudflare.worker_resource_limits', 6]] },
};

function originDnsPage(text: string): FamilyResult | null {
  const m = /\bError (1\d{3})\b/.exec(text);
  const known = m ? ONE_THOUSANDS[m[1]!] : undefined;
  if (m && known && known.pattern.test(text)) {
    return { format: 'cloudflare-page', hits: known.hits.map(([category, signal, weight]) => hit(category, signal, weight, { at: m.index })) };
  }
  const dns = /\b(Origin DNS error)\b.*cloudflare/i.exec(text);
  if (!dns) return null;
  return { format: 'cloudflare-page', hits: ONE_THOUSANDS['1016']!.hits.map(([category, signal, weight]) => hit(category, signal, weight, { at: dns.index })) };
}

export function edgeHits(code: number, at: number, detail: Record<string, unknown>): Hit[] {
  const edge = EDGE_CODES[code];
  if (!edge) return [];
  const hits: Hit[] = [hit('CDN_EDGE', `cloudflare.${code}`, 8, { at, detail: { ...detail, code, meaning: edge.name } })];
  for (const [category, signal, weight] of edge.underlying) hits.push(hit(category, signal, weight, { at, detail: { ...detail, code } }));
  return hits;
}

/** Cloudflare Logpush `http_requests` record. */
export function parseCloudflareLogpush(obj: Record<string, unknown>, text: string): FamilyResult | null {
  if (!('EdgeResponseStatus' in obj) && !('RayID' in obj && 'ClientRequestHost' in obj)) return null;
  const edge = num(obj.EdgeResponseStatus);
  const origin = num(obj.OriginResponseStatus);
  const start = obj.EdgeStartTimestamp;
  let ms: number | null = null;
  if (typeof start === 'number') ms = epochToMs(start);
  else if (typeof start === 'string') ms = /^\d+$/.test(start) ? epochToMs(Number(start)) : parseIso(start);
  const upstream = str(obj.OriginIP) || str(obj.ClientRequestHost) || null;
  const at = Math.max(0, text.indexOf('EdgeResponseStatus'));
  const detail: Record<string, unknown> = {
    edgeStatus: edge,
    ...(origin !== null ? { originStatus: origin } : {}),
    ...(str(obj.RayID) ? { rayId: str(obj.RayID) } : {}),
    ...(str(obj.EdgeColoCode) ? { colo: str(obj.EdgeColoCode) } : {}),
  };
  const hits: Hit[] = [];
  if (edge !== null && edge >= 520 && edge <= 527) {
    hits.push(...edgeHits(edge, at, detail));
  } else if (edge !== null && edge >= 502 && edge <= 504) {
    const relayed = origin !== null && origin === edge ? relayedStatus(edge) : null;
    if (relayed) {
      // The origin itself answered with this status; Cloudflare relayed it.
      hits.push(hit(relayed.category, `cloudflare.origin_returned_${edge}`, relayed.weight, { at, upstream, detail }));
    } else if (origin === null || origin === 0) {
      // No origin response recorded: the edge generated the error itself.
      hits.push(hit('CDN_EDGE', `cloudflare.edge_${edge}`, 4, { at, upstream, detail }));
    }
  }
  return { format: 'cloudflare-logpush', hits, observedMs: ms, upstream, status: edge };
}
