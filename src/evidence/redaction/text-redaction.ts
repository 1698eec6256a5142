import { REDACTED, RedactionTally, kindName } from './redaction-report.js';
import { SECRET_WORD, isSecretHeaderLineName, isSecretHeaderName, isSecretJsonKey, isSecretParamName, isStrongSecretName } from './secret-names.js';

/**
 * Pattern-based redaction of secrets in free text: log lines, string values inside a HAR, and whole
 * documents that could not be parsed (the fallback). Each pattern replaces only the secret value with
 * `[REDACTED]`, so the surrounding text (and JSON structure) stays as it was.
 */

const PRIVATE_KEY = /(-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----)[\s\S]*?(-----END \2PRIVATE KEY-----)/g;

// HAR name/value objects (`{"name": "Cookie", "value": "..."}`), in either member order.
const NAME_THEN_VALUE = /("name"\s*:\s*")((?:[^"\\]|\\.){1,200})("\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)(")/g;
const VALUE_THEN_NAME = /("value"\s*:\s*")((?:[^"\\]|\\.)*)("\s*,\s*"name"\s*:\s*")((?:[^"\\]|\\.){1,200})(")/g;
// `"cookies": [ ... ]` in a HAR: every value in it is a cookie value, whatever the cookie's name.
const COOKIES_ARRAY = /("cookies"\s*:\s*\[)([^\]]*)(\])/g;
const VALUE_MEMBER = /("value"\s*:\s*")((?:[^"\\]|\\.)*)(")/g;

// `"password": "..."` in JSON, and the same inside a JSON string (`\"password\":\"...\"`).
const JSON_KEY_PLAIN = /("([\w.\-$@]{1,64})"\s*:\s*")((?:[^"\\]|\\.)*)(")/g;
const JSON_KEY_ESCAPED = /(\\"([\w.\-$@]{1,64})\\"\s*:\s*\\")((?:[^"\\]|\\[^"])*)(\\")/g;

// `Authorization: Bearer ...` on a line of text, or inside a JSON string with `\r\n` escapes.
// The name must hold a credential word, so `request headers: Authorization: ...` is matched at `Authorization`.
const HEADER_LINE =
  /(^|[\s"'{([,;>]|\\[rn])((?:[A-Za-z][\w-]{0,40}?)?(?:cookie|authori[sz]ation|token|secret|session|passw|api-?key|auth|csrf|xsrf|credential|signature|key)[\w-]{0,40})([ \t]*:[ \t]*)((?:[^\r\n"\\]|\\(?![rn"]))+)/gi;

const URL_USERINFO = /(\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}:\/\/[^/\s:@"'<>\\]{1,128}:)([^@/\s"'<>\\]{1,256})(@)/g;
// `?access_token=...`, `&sig=...`, `#id_token=...`, `;jsessionid=...`.
const URL_PARAM = /([?&;#])([\w.\-[\]%]{1,100})(=)([^&#\s"'<>\\]+)/g;
// `password=hunter2` after a space or at the start (logs, form bodies); strong names only.
const TEXT_PAIR = /(^|[\s,({[])([\w.-]{1,64})(=)([^\s&,;"'<>)\]}\\]+)/g;

// Cheap pre-checks that start with literal words, so large bodies without secrets are passed over quickly.
const HEADER_LINE_HINT = /(?:cookie|authori[sz]ation|token|secret|session|passw|api-?key|auth|csrf|xsrf|credential|signature|key)[\w-]*[ \t]*:/i;
const TEXT_PAIR_HINT = /(?:token|secret|pass|pwd|session|api[-_]?key|credential|signature|auth|jwt|otp|saml|assertion|access[-_]?key|cookie|private)[\w.-]*=/i;
const SCHEME_HINT = /\b(?:bearer|basic)\s/i;

const BEARER = /\b(Bearer)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi;
const BASIC = /\b(Basic)(\s+)([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g;
const AWS_ACCESS_KEY = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g;

function isRedacted(value: string): boolean {
  return value.startsWith(REDACTED) || value.length === 0;
}

/**
 * `name=value` found in free text (not a HAR name/value field): values this short are code
 * (`a.withCredentials=!0` in minified JavaScript), not credentials.
 */
function isTooShortForSecret(value: string): boolean {
  return value.length < 3;
}

/** `this.credentials=`, `i.withCredentials=`: a JavaScript member assignment, not a parameter. */
function isCodeMember(name: string): boolean {
  return /^(?:this|self|window|[A-Za-z_$])\./.test(name);
}

function looksLikeToken(value: string): boolean {
  // A real bearer token has digits or punctuation; "Bearer authentication" does not.
  return /[0-9._~+/=-]/.test(value);
}

function isBasicCredentials(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
}

/** Redact secrets that can sit inside any single string: tokens, keys, URL credentials and query parameters. */
export function redactInlineSecrets(text: string, tally: RedactionTally): string {
  let out = text;
  if (out.includes('PRIVATE KEY-----')) {
    out = out.replace(PRIVATE_KEY, (_m, begin: string, _type: string, end: string) => {
      tally.add('private-key');
      return `${begin}${REDACTED}${end}`;
    });
  }
  const hasWord = SECRET_WORD.test(out);
  if (hasWord && out.includes(':')) {
    if (out.includes('"')) out = redactJsonKeys(out, tally);
    if (HEADER_LINE_HINT.test(out)) out = out.replace(HEADER_LINE, (match, lead: string, name: string, sep: string, value: string) => {
      if (!isSecretHeaderLineName(name) || isRedacted(value.trim())) return match;
      tally.add(kindName('header', name));
      return `${lead}${name}${sep}${REDACTED}`;
    });
  }
  if (out.includes('://') && out.includes('@')) {
    out = out.replace(URL_USERINFO, (match, head: string, password: string, at: string) => {
      if (isRedacted(password)) return match;
      tally.add('url-password');
      return `${head}${REDACTED}${at}`;
    });
  }
  if (out.includes('=')) {
    out = out.replace(URL_PARAM, (match, lead: string, name: string, eq: string, value: string) => {
      if (isRedacted(value) || isTooShortForSecret(value) || isCodeMember(name) || !isSecretParamName(name)) return match;
      tally.add(kindName('query', name));
      return `${lead}${name}${eq}${REDACTED}`;
    });
    if (hasWord && TEXT_PAIR_HINT.test(out)) {
      out = out.replace(TEXT_PAIR, (match, lead: string, name: string, eq: string, value: string) => {
        if (isRedacted(value) || isTooShortForSecret(value) || isCodeMember(name) || !isStrongSecretName(name)) return match;
        tally.add(kindName('pair', name));
        return `${lead}${name}${eq}${REDACTED}`;
      });
    }
  }
  if (hasWord && SCHEME_HINT.test(out)) {
    out = out.replace(BEARER, (match, word: string, space: string, token: string) => {
      if (!looksLikeToken(token)) return match;
      tally.add('bearer-token');
      return `${word}${space}${REDACTED}`;
    });
    out = out.replace(BASIC, (match, word: string, space: string, token: string) => {
      if (!isBasicCredentials(token)) return match;
      tally.add('basic-credentials');
      return `${word}${space}${REDACTED}`;
    });
  }
  if (out.includes('eyJ')) {
    out = out.replace(JWT, () => {
      tally.add('jwt');
      return REDACTED;
    });
  }
  if (out.includes('AKIA') || out.includes('ASIA')) {
    out = out.replace(AWS_ACCESS_KEY, () => {
      tally.add('aws-access-key');
      return REDACTED;
    });
  }
  return out;
}

/** `"password": "..."` members in JSON text (plain or escaped inside a JSON string). */
export function redactJsonKeys(text: string, tally: RedactionTally): string {
  let out = text.replace(JSON_KEY_PLAIN, (match, head: string, key: string, value: string, tail: string) => {
    if (!isSecretJsonKey(key) || isRedacted(value)) return match;
    tally.add(kindName('json', key));
    return `${head}${REDACTED}${tail}`;
  });
  if (out.includes('\\"')) {
    out = out.replace(JSON_KEY_ESCAPED, (match, head: string, key: string, value: string, tail: string) => {
      if (!isSecretJsonKey(key) || isRedacted(value)) return match;
      tally.add(kindName('json', key));
      return `${head}${REDACTED}${tail}`;
    });
  }
  return out;
}

/**
 * Redact a piece of a document that could not be parsed as a HAR (or the document around the entries):
 * HAR name/value pairs and cookie lists as they appear in JSON text, then everything `redactInlineSecrets` finds.
 */
export function redactDocumentText(text: string, tally: RedactionTally): string {
  let out = text;
  if (out.includes('"cookies"')) {
    out = out.replace(COOKIES_ARRAY, (_m, open: string, body: string, close: string) => {
      const redactedBody = body.replace(VALUE_MEMBER, (member, head: string, value: string, tail: string) => {
        if (isRedacted(value)) return member;
        tally.add('cookie');
        return `${head}${REDACTED}${tail}`;
      });
      return `${open}${redactedBody}${close}`;
    });
  }
  if (out.includes('"name"') && out.includes('"value"')) {
    out = out.replace(NAME_THEN_VALUE, (match, head: string, name: string, middle: string, value: string, tail: string) => {
      const kind = pairKind(name);
      if (kind === null || isRedacted(value)) return match;
      tally.add(kind);
      return `${head}${name}${middle}${REDACTED}${tail}`;
    });
    out = out.replace(VALUE_THEN_NAME, (match, head: string, value: string, middle: string, name: string, tail: string) => {
      const kind = pairKind(name);
      if (kind === null || isRedacted(value)) return match;
      tally.add(kind);
      return `${head}${REDACTED}${middle}${name}${tail}`;
    });
  }
  return redactInlineSecrets(out, tally);
}

function pairKind(name: string): string | null {
  if (isSecretHeaderName(name)) return kindName('header', name);
  if (isSecretParamName(name)) return kindName('param', name);
  return null;
}

/** Redact secret query parameters (and the fragment's, and URL user-info passwords) of one URL. */
export function redactUrl(url: string, tally: RedactionTally): string {
  let out = url;
  if (out.includes('@')) {
    out = out.replace(URL_USERINFO, (match, head: string, password: string, at: string) => {
      if (isRedacted(password)) return match;
      tally.add('url-password');
      return `${head}${REDACTED}${at}`;
    });
  }
  if (!out.includes('=')) return out;
  return out.replace(URL_PARAM, (match, lead: string, name: string, eq: string, value: string) => {
    if (isRedacted(value) || !isSecretParamName(name)) return match;
    tally.add(kindName('query', name));
    return `${lead}${name}${eq}${REDACTED}`;
  });
}

/** Redact secret fields of an `application/x-www-form-urlencoded` body. */
export function redactFormText(text: string, tally: RedactionTally): string {
  return text.replace(/(^|&)([^=&]{1,100})(=)([^&]*)/g, (match, lead: string, name: string, eq: string, value: string) => {
    if (isRedacted(value) || !isSecretParamName(name.replace(/\+/g, ' '))) return match;
    tally.add(kindName('form', name));
    return `${lead}${name}${eq}${REDACTED}`;
  });
}
