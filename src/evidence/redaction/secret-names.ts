/**
 * Which field names hold credentials. Kept in one place so the HAR redactor, the text fallback and the
 * log redactor agree. Over-redacting a harmless field costs little; leaking a session token costs a breach
 * (the 2023 Okta support-HAR incident), so the lists lean wide — but never touch headers the diagnosis
 * needs (`Server`, `Via`, `cf-ray`, `x-amz-cf-id`, `x-cache`, `x-envoy-upstream-service-time`, `:authority`).
 */

const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'cookie',
  'set-cookie',
  'set-cookie2',
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-auth',
  'x-csrf-token',
  'x-xsrf-token',
  'x-amz-security-token',
  'x-goog-api-key',
  'ocp-apim-subscription-key',
  'x-functions-key',
  'x-access-token',
  'x-refresh-token',
  'x-id-token',
  'x-session-id',
  'x-vault-token',
  'private-token',
  'x-gitlab-token',
  'x-shopify-access-token',
]);

const SECRET_HEADER_PATTERN =
  /token|secret|session|passw|apikey|api[-_]key|credential|signature|csrf|xsrf|cookie|authori[sz]ation|(?:^|[-_])auth(?:$|[-_])|private[-_]?key|access[-_]?key/i;

/** Headers whose names look secret but whose values are not credentials. */
const NOT_SECRET_HEADERS: ReadonlySet<string> = new Set([
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-request-headers',
  'sec-fetch-user',
  'x-content-type-options',
]);

export function isSecretHeaderName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  if (lower.startsWith(':')) return false;
  if (NOT_SECRET_HEADERS.has(lower)) return false;
  return SECRET_HEADERS.has(lower) || SECRET_HEADER_PATTERN.test(lower);
}

/**
 * A `Name: value` line in free text (a log line, a raw request dump) names a credential header. Stricter
 * than `isSecretHeaderName`: JavaScript like `getCookie: function` or `cookies:` must not match, so only
 * the known header names and hyphenated names that look like credentials count.
 */
export function isSecretHeaderLineName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  if (SECRET_HEADERS.has(lower)) return true;
  return lower.includes('-') && isSecretHeaderName(lower);
}

/** Names that are credentials wherever they appear (JSON keys, log `name=value` pairs). */
const STRONG_SECRET_NAMES: ReadonlySet<string> = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'token',
  'jwt',
  'otp',
  'client_secret',
  'access_token',
  'id_token',
  'refresh_token',
  'api_key',
  'apikey',
  'authorization',
  'cookie',
  'session',
  'sessionid',
  'session_id',
  'samlresponse',
  'samlrequest',
  'assertion',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'x-goog-credential',
  'awsaccesskeyid',
  'signature',
]);

const STRONG_SECRET_PATTERN =
  /token|secret|passw|apikey|api[-_]key|signature|credential|session|private[-_]?key|access[-_]?key|auth[-_]?code|authori[sz]ation/i;

/** Names that are credentials in a URL query, a form body or a HAR name/value list, but too common elsewhere. */
const WEAK_SECRET_NAMES: ReadonlySet<string> = new Set(['code', 'key', 'sig', 'auth', 'sid', 'ticket', 'pin', 'nonce_secret', 'hash', 'sas']);

export function isStrongSecretName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  if (lower.length === 0) return false;
  return STRONG_SECRET_NAMES.has(lower) || STRONG_SECRET_PATTERN.test(lower);
}

/** Query parameters, form fields, HAR `queryString`/`params` names. */
export function isSecretParamName(name: string): boolean {
  let lower = name.trim().toLowerCase();
  try {
    lower = decodeURIComponent(lower);
  } catch {
    // A malformed percent-escape: judge the raw name.
  }
  return WEAK_SECRET_NAMES.has(lower) || isStrongSecretName(lower);
}

/** Keys in JSON bodies: strong names plus credential header names (`"Authorization": "..."`). */
export function isSecretJsonKey(name: string): boolean {
  return isStrongSecretName(name) || SECRET_HEADERS.has(name.trim().toLowerCase());
}

/** A cheap pre-check: text without any of these words cannot hold a named secret. */
export const SECRET_WORD = /token|secret|passw|pwd|session|api[-_]?key|auth|cookie|csrf|xsrf|credential|signature|private|access[-_]?key|jwt|otp|saml|assertion|bearer|basic/i;
