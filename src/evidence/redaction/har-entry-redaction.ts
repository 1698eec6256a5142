import { REDACTED, RedactionTally, kindName } from './redaction-report.js';
import { isSecretHeaderName, isSecretJsonKey, isSecretParamName } from './secret-names.js';
import { redactFormText, redactInlineSecrets } from './text-redaction.js';

/**
 * Redact one parsed HAR entry in place. Credential headers, cookie values and secret-named query, form and
 * JSON fields are replaced by `[REDACTED]` by name; every other string in the entry (URLs, `Referer`,
 * `Location`, bodies, `_initiator` stacks, comments) goes through the pattern redaction for tokens in text.
 * Returns whether anything changed, so an unchanged entry can be written back byte for byte.
 */
export function redactHarEntry(entry: Record<string, unknown>, tally: RedactionTally): boolean {
  const before = tally.count;
  const request = asRecord(entry['request']);
  const response = asRecord(entry['response']);
  /** Objects whose `text` (a body) was handled with its MIME type in mind. */
  const bodies = new Set<Record<string, unknown>>();
  if (request) {
    redactHeaders(request['headers'], tally);
    redactCookies(request['cookies'], tally);
    redactNamedValues(request['queryString'], 'query', tally);
    const postData = asRecord(request['postData']);
    if (postData) {
      redactPostData(postData, tally);
      bodies.add(postData);
    }
  }
  if (response) {
    redactHeaders(response['headers'], tally);
    redactCookies(response['cookies'], tally);
    const content = asRecord(response['content']);
    if (content) {
      redactContent(content, tally);
      bodies.add(content);
    }
  }
  walkStrings(entry, tally, bodies, 0);
  return tally.count !== before;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** HAR lists; IE 11's exporter writes a single cookie as an object instead of a one-element array. */
function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return asRecord(value) ? [value] : [];
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && value !== REDACTED;
}

function redactHeaders(headers: unknown, tally: RedactionTally): void {
  for (const item of asList(headers)) {
    const header = asRecord(item);
    if (!header || typeof header['name'] !== 'string') continue;
    if (isSecretHeaderName(header['name']) && isPresent(header['value'])) {
      header['value'] = REDACTED;
      tally.add(kindName('header', header['name']));
    }
  }
}

function redactCookies(cookies: unknown, tally: RedactionTally): void {
  for (const item of asList(cookies)) {
    const cookie = asRecord(item);
    if (cookie && isPresent(cookie['value'])) {
      cookie['value'] = REDACTED;
      tally.add('cookie');
    }
  }
}

function redactNamedValues(list: unknown, prefix: string, tally: RedactionTally): void {
  for (const item of asList(list)) {
    const pair = asRecord(item);
    if (!pair || typeof pair['name'] !== 'string') continue;
    if (isSecretParamName(pair['name']) && isPresent(pair['value'])) {
      pair['value'] = REDACTED;
      tally.add(kindName(prefix, pair['name']));
    }
  }
}

// `Content-Disposition: form-data; name="password"` then a blank line, then the value.
const MULTIPART_FIELD = /(form-data;\s*name="([^"]{1,100})"[^\r\n]*\r?\n(?:[A-Za-z-]+:[^\r\n]*\r?\n)*\r?\n)([^\r\n]*)/g;

function redactPostData(postData: Record<string, unknown>, tally: RedactionTally): void {
  redactNamedValues(postData['params'], 'form', tally);
  const text = postData['text'];
  if (typeof text !== 'string' || text.length === 0) return;
  const mimeType = typeof postData['mimeType'] === 'string' ? postData['mimeType'].toLowerCase() : '';
  let out = text;
  if (mimeType.includes('x-www-form-urlencoded') || (!mimeType && /^[\w.%+-]+=[^&]*(?:&[\w.%+-]+=[^&]*)*$/.test(text))) {
    out = redactFormText(out, tally);
  }
  if (mimeType.includes('multipart/form-data') || out.includes('form-data;')) {
    out = out.replace(MULTIPART_FIELD, (match, head: string, name: string, value: string) => {
      if (!isSecretParamName(name) || !isPresent(value)) return match;
      tally.add(kindName('form', name));
      return `${head}${REDACTED}`;
    });
  }
  postData['text'] = redactInlineSecrets(out, tally);
}

const TEXTUAL_MIME = /^text\/|json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|yaml|csv|html/i;
/** Larger base64 bodies are left alone: decoding them costs more than the rare token inside is worth. */
const MAX_DECODED_BODY_CHARS = 16 * 1024 * 1024;

function redactContent(content: Record<string, unknown>, tally: RedactionTally): void {
  const text = content['text'];
  if (typeof text !== 'string' || text.length === 0) return;
  const mimeType = typeof content['mimeType'] === 'string' ? content['mimeType'] : '';
  const base64 = typeof content['encoding'] === 'string' && content['encoding'].toLowerCase() === 'base64';
  if (!base64) {
    content['text'] = redactInlineSecrets(text, tally);
    return;
  }
  if (!TEXTUAL_MIME.test(mimeType) || text.length > MAX_DECODED_BODY_CHARS) return;
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  const before = tally.count;
  const redacted = redactInlineSecrets(decoded, tally);
  if (tally.count !== before) content['text'] = Buffer.from(redacted, 'utf8').toString('base64');
}

/** Assignment that also works for a key named `__proto__` (JSON.parse makes it an own property). */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Every string value not handled above; keys named like secrets lose their string values. */
function walkStrings(node: unknown, tally: RedactionTally, bodies: ReadonlySet<Record<string, unknown>>, depth: number): void {
  if (depth > 64) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const value: unknown = node[i];
      if (typeof value === 'string') node[i] = redactInlineSecrets(value, tally);
      else if (value !== null && typeof value === 'object') walkStrings(value, tally, bodies, depth + 1);
    }
    return;
  }
  const record = asRecord(node);
  if (!record) return;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (typeof value === 'string') {
      if (key === 'text' && bodies.has(record)) continue;
      if (isSecretJsonKey(key) && isPresent(value)) {
        setOwn(record, key, REDACTED);
        tally.add(kindName('json', key));
      } else {
        const redacted = redactInlineSecrets(value, tally);
        if (redacted !== value) setOwn(record, key, redacted);
      }
    } else if (value !== null && typeof value === 'object') {
      walkStrings(value, tally, bodies, depth + 1);
    }
  }
}
