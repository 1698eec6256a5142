import type { EvidenceKind } from '../../runbooks/content/runbook-types.js';
import type { Finding } from '../parsers/finding.js';
import { analyzeHaproxyConfig, looksLikeHaproxyConfig } from '../parsers/config/haproxy-config.js';
import { analyzeNginxConfig, looksLikeNginxConfig } from '../parsers/config/nginx-config.js';
import { HarParseError, parseHarStream } from '../parsers/har/index.js';
import { LogParseError, parseLogStream } from '../parsers/logs/index.js';

export type ParseOutcome =
  | { status: 'parsed'; parser: string | null; findings: Finding[]; summary: Record<string, unknown> }
  | { status: 'failed'; parser: string; error: string; findings: Finding[]; summary: Record<string, unknown> };

/**
 * Reads stored evidence with the parser its kind calls for. A file that is not what it claims is
 * `failed` with the parser's message; anything else unexpected is thrown (the caller retries).
 */
export async function parseEvidence(kind: EvidenceKind, open: () => AsyncIterable<Buffer>, head: Buffer): Promise<ParseOutcome> {
  switch (kind) {
    case 'har':
      try {
        const result = await parseHarStream(open());
        return { status: 'parsed', parser: 'har', findings: result.findings, summary: { ...result.summary } };
      } catch (error) {
        if (error instanceof HarParseError) {
          const partial = (error as HarParseError & { partial?: { findings: Finding[]; summary: object } }).partial;
          return {
            status: 'failed',
            parser: 'har',
            error: `Not a readable HAR: ${error.message}`,
            findings: partial?.findings ?? [],
            summary: partial ? { partial: true, ...partial.summary } : {},
          };
        }
        throw error;
      }
    case 'log':
    case 'command-output':
      try {
        const result = await parseLogStream(open());
        return { status: 'parsed', parser: 'log', findings: result.findings, summary: { ...result.summary } };
      } catch (error) {
        if (error instanceof LogParseError) return { status: 'failed', parser: 'log', error: `Not a text log: ${error.message}`, findings: [], summary: {} };
        throw error;
      }
    case 'screenshot': {
      const type = imageType(head);
      if (!type) return { status: 'failed', parser: 'image', error: 'Not an image: expected PNG, JPEG, GIF or WebP bytes.', findings: [], summary: {} };
      return { status: 'parsed', parser: null, findings: [], summary: { imageType: type } };
    }
    case 'config': {
      const text = await readText(open, MAX_CONFIG_BYTES);
      if (text === null) return { status: 'parsed', parser: null, findings: [], summary: { tooLargeToCheck: true } };
      if (looksLikeHaproxyConfig(text)) {
        const result = analyzeHaproxyConfig(text);
        return { status: 'parsed', parser: 'haproxy-config', findings: result.findings, summary: { ...result.summary } };
      }
      if (looksLikeNginxConfig(text)) {
        const result = analyzeNginxConfig(text);
        return { status: 'parsed', parser: 'nginx-config', findings: result.findings, summary: { ...result.summary } };
      }
      return { status: 'parsed', parser: null, findings: [], summary: {} };
    }
    default:
      // Traces and notes are kept for people to read; no parser extracts causes from them.
      return { status: 'parsed', parser: null, findings: [], summary: {} };
  }
}

export function imageType(head: Buffer): string | null {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 6 && (head.subarray(0, 6).toString('latin1') === 'GIF87a' || head.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif';
  if (head.length >= 12 && head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

/** The media type to record: the client's when given and plausible, else one from the kind. */
export function mediaTypeFor(kind: EvidenceKind, given: string | undefined, head: Buffer): string {
  if (kind === 'screenshot') return imageType(head) ?? given ?? 'application/octet-stream';
  if (given && /^[a-z]+\/[a-z0-9.+-]+/i.test(given) && given !== 'application/octet-stream') return given.slice(0, 127);
  return kind === 'har' ? 'application/json' : 'text/plain; charset=utf-8';
}

/** Configurations are small; a larger file (a dump of something else) is kept unread. */
const MAX_CONFIG_BYTES = 5 * 1024 * 1024;

async function readText(open: () => AsyncIterable<Buffer>, max: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of open()) {
    size += chunk.length;
    if (size > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
