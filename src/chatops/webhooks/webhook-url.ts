import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * SSRF guard for admin-registered webhook target URLs.
 *
 * A URL passing `parseWebhookUrl` is only well-formed; before every delivery the
 * caller must also run `resolveWebhookTarget` and connect to one of the returned
 * addresses (pinning), so a DNS answer that changes between check and connect
 * (DNS rebinding) cannot redirect the request inside our network. Deliveries
 * must not follow redirects, which would bypass this check.
 */

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export type WebhookUrlParseResult = { ok: true; url: URL } | { ok: false; reason: string };
export type WebhookTargetResult = { ok: true; addresses: string[] } | { ok: false; reason: string };
export type WebhookLookup = (host: string) => Promise<{ address: string; family: number }[]>;

export interface ResolveWebhookTargetOptions {
  /** Lets private/loopback targets through (local development, e2e receivers). */
  allowPrivate: boolean;
  /** Name resolver; defaults to `dns.promises.lookup(host, { all: true, verbatim: true })`. */
  lookup?: WebhookLookup;
}

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

export function parseWebhookUrl(raw: string): WebhookUrlParseResult {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'URL is empty' };
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    return { ok: false, reason: `URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'URL is not valid' };
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
    return { ok: false, reason: `scheme ${url.protocol} is not allowed; use http: or https:` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'URL must not contain credentials' };
  }
  if (url.hostname === '') return { ok: false, reason: 'URL has no host' };
  // Normalisation (e.g. IDNA, percent-encoding) can lengthen the URL we will actually store and call.
  if (url.href.length > MAX_WEBHOOK_URL_LENGTH) {
    return { ok: false, reason: `URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters` };
  }
  return { ok: true, url };
}

/** [network, prefix length] pairs of IPv4 space a webhook must never reach. */
const NON_PUBLIC_IPV4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast 255.255.255.255
];

const NON_PUBLIC_IPV4_RANGES = NON_PUBLIC_IPV4.map(([network, prefix]) => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  // `as number`: the table above holds literal dotted quads only.
  return { base: ((ipv4ToNumber(network) as number) & mask) >>> 0, mask };
});

/** Dotted quad → unsigned 32-bit number, or null if not exactly a dotted quad. */
function ipv4ToNumber(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

function isPublicIpv4Number(value: number): boolean {
  return !NON_PUBLIC_IPV4_RANGES.some(({ base, mask }) => ((value & mask) >>> 0) === base);
}

/** IPv6 text (already validated by `isIP`) → eight 16-bit groups. */
function ipv6ToGroups(ip: string): number[] | null {
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const toGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        // Trailing embedded IPv4, e.g. ::ffff:127.0.0.1
        const v4 = ipv4ToNumber(piece);
        if (v4 === null) return null;
        groups.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(piece)) return null;
        groups.push(parseInt(piece, 16));
      }
    }
    return groups;
  };
  const head = toGroups(halves[0]);
  const tail = halves.length === 2 ? toGroups(halves[1]) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

function isPublicIpv6Groups(g: number[]): boolean {
  const embeddedV4 = (hi: number, lo: number) => ((hi << 16) >>> 0) + lo;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);

  // ::ffff:a.b.c.d (IPv4-mapped) — the socket talks IPv4 to the embedded address.
  if (zeroUpTo(5) && g[5] === 0xffff) return isPublicIpv4Number(embeddedV4(g[6], g[7]));
  // ::ffff:0:a.b.c.d (IPv4-translated) — same reasoning.
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return isPublicIpv4Number(embeddedV4(g[6], g[7]));
  // ::/96 covers ::, ::1 and deprecated IPv4-compatible addresses; none is a public target.
  if (zeroUpTo(6)) return false;
  // 64:ff9b::/96 well-known NAT64 prefix: the translator forwards to the embedded IPv4.
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0) {
    return isPublicIpv4Number(embeddedV4(g[6], g[7]));
  }
  // 64:ff9b:1::/48 is the local-use NAT64 prefix (site-specific).
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return false;
  // 2002::/16 6to4: the relay forwards to the IPv4 address in groups 1–2.
  if (g[0] === 0x2002) return isPublicIpv4Number(embeddedV4(g[1], g[2]));
  if ((g[0] & 0xffc0) === 0xfe80) return false; // link-local fe80::/10
  if ((g[0] & 0xfe00) === 0xfc00) return false; // unique local fc00::/7
  if ((g[0] & 0xff00) === 0xff00) return false; // multicast ff00::/8
  if (g[0] === 0x2001 && g[1] === 0x0db8) return false; // documentation 2001:db8::/32
  // Everything outside global unicast 2000::/3 is reserved or special-purpose: fail closed.
  return (g[0] & 0xe000) === 0x2000;
}

/**
 * True only for addresses a webhook may be delivered to. Anything that is not a
 * syntactically valid IP address is not public (fail closed).
 */
export function isPublicAddress(ip: string): boolean {
  if (typeof ip !== 'string') return false;
  // A zone id (fe80::1%eth0) only ever qualifies link-scoped addresses; judge the address itself.
  const address = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  const family = isIP(address);
  if (family === 4) {
    const value = ipv4ToNumber(address);
    return value !== null && isPublicIpv4Number(value);
  }
  if (family === 6) {
    const groups = ipv6ToGroups(address);
    return groups !== null && isPublicIpv6Groups(groups);
  }
  return false;
}

function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

const defaultLookup: WebhookLookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Decides whether a delivery to `url` may proceed, returning the addresses to
 * connect to. WHATWG URL parsing has already turned odd IPv4 notations
 * (`2130706433`, `0x7f.1`, `127.1`) into dotted quads, so they are caught here.
 */
export async function resolveWebhookTarget(url: URL, opts: ResolveWebhookTargetOptions): Promise<WebhookTargetResult> {
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
    return { ok: false, reason: `scheme ${url.protocol} is not allowed; use http: or https:` };
  }
  const hostname = url.hostname.startsWith('[') && url.hostname.endsWith(']') ? url.hostname.slice(1, -1) : url.hostname;
  if (hostname === '') return { ok: false, reason: 'URL has no host' };

  if (isIP(hostname) !== 0) {
    if (!opts.allowPrivate && !isPublicAddress(hostname)) {
      return { ok: false, reason: `address ${hostname} is not a public address` };
    }
    return { ok: true, addresses: [hostname] };
  }

  if (!opts.allowPrivate && isLocalhostName(hostname)) {
    return { ok: false, reason: `host ${hostname} is a loopback name` };
  }

  let answers: { address: string; family: number }[];
  try {
    answers = await (opts.lookup ?? defaultLookup)(hostname);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const detail = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `DNS lookup for ${hostname} failed: ${detail}` };
  }
  const addresses = answers.map((answer) => answer.address);
  if (addresses.length === 0) return { ok: false, reason: `DNS lookup for ${hostname} returned no addresses` };

  if (!opts.allowPrivate) {
    // One private answer is enough to refuse: the connect could pick any of them.
    const blocked = addresses.find((address) => !isPublicAddress(address));
    if (blocked !== undefined) {
      return { ok: false, reason: `host ${hostname} resolves to non-public address ${blocked}` };
    }
  }
  return { ok: true, addresses };
}
