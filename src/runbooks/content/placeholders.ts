/**
 * Filling the placeholders of a check command (`GatewayCheck.command`) from an incident.
 *
 * Values come from whoever opened the incident, so every value is shell-quoted when it holds
 * anything but plainly safe characters: a URL such as `https://x/'$(rm -rf /)'` must reach the
 * responder's shell as one literal argument, never as code. Unknown values become readable
 * markers (`<host>`, `<origin-ip>` …) that the responder replaces by hand. Markers are emitted
 * single-quoted (`'<host>'`): bare, the shell would read `<host>` as redirections, and a command
 * pasted before the marker was replaced could write to a file named after the next word.
 *
 * Templates must therefore place placeholders outside quotes and comments (the content tests
 * check this for every seeded command): a quoted value inside another quote would not be safe.
 */

export const CHECK_PLACEHOLDERS = [
  'host',
  'url',
  'path',
  'method',
  'scheme',
  'port',
  'service',
  'originIp',
  'upstream',
] as const;

export type CheckPlaceholder = (typeof CHECK_PLACEHOLDERS)[number];

/** What an unknown value is shown as (inside single quotes in a filled command). */
export const PLACEHOLDER_MARKERS: Readonly<Record<CheckPlaceholder, string>> = {
  host: '<host>',
  url: '<url>',
  path: '<path>',
  method: '<method>',
  scheme: '<scheme>',
  port: '<port>',
  service: '<service>',
  originIp: '<origin-ip>',
  upstream: '<upstream>',
};

/** What the incident knows; every field may be missing. */
export interface CheckContext {
  url?: string;
  method?: string;
  service?: string;
  originIp?: string;
  upstream?: string;
}

const PLACEHOLDER_PATTERN = /\{\{([A-Za-z]+)\}\}/g;

/** Characters that need no quoting in any word position the templates use. */
const SHELL_SAFE = /^[A-Za-z0-9_.,:/@%+=-]+$/;


/** RFC 9110 token characters: anything else cannot be an HTTP method. */
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function isPlaceholder(name: string): name is CheckPlaceholder {
  return (CHECK_PLACEHOLDERS as readonly string[]).includes(name);
}

/** The placeholder names a command uses, in order of first use (unknown names included). */
export function placeholdersIn(command: string): string[] {
  const names: string[] = [];
  for (const match of command.matchAll(PLACEHOLDER_PATTERN)) {
    if (!names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

/**
 * One shell word that the shell reads back as exactly `value`: bare when every character is
 * safe, otherwise single-quoted (inside single quotes nothing expands; `'` is written `'\''`).
 */
export function shellQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A value usable in a command, or undefined. Control characters (a newline would end a comment
 * or a command) and a leading `-` (it would be read as an option) make a value unusable.
 */
function usable(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed || hasControlCharacter(trimmed) || trimmed.startsWith('-')) return undefined;
  return trimmed;
}

/**
 * The incident URL, parsed. A URL without a scheme is read as https. Credentials and the fragment
 * are dropped: the first must not end up in a shared command, the second is never sent anyway.
 */
function parseIncidentUrl(raw: string | undefined): URL | undefined {
  const trimmed = raw?.trim();
  if (!trimmed) return undefined;
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
  url.username = '';
  url.password = '';
  url.hash = '';
  return url;
}

/** Values for every placeholder; undefined where the incident does not tell. */
export function resolvePlaceholders(ctx: CheckContext): Record<CheckPlaceholder, string | undefined> {
  const url = parseIncidentUrl(ctx.url);
  const method = usable(ctx.method)?.toUpperCase();
  return {
    url: url?.href,
    host: url?.hostname,
    path: url ? `${url.pathname}${url.search}` : undefined,
    scheme: url?.protocol.slice(0, -1),
    port: url ? url.port || (url.protocol === 'https:' ? '443' : '80') : undefined,
    method: method && HTTP_TOKEN.test(method) ? method : undefined,
    service: usable(ctx.service),
    originIp: usable(ctx.originIp),
    upstream: usable(ctx.upstream),
  };
}

/**
 * Replaces `{{name}}` placeholders with shell-quoted values from the incident, or with quoted
 * markers such as `'<host>'` when the value is unknown. Unknown placeholder names are left as
 * written. The result never contains `undefined`, and a substituted value is never substituted
 * again.
 */
export function fillCheckCommand(command: string, ctx: CheckContext): string {
  const values = resolvePlaceholders(ctx);
  return command.replace(PLACEHOLDER_PATTERN, (whole: string, name: string) => {
    if (!isPlaceholder(name)) return whole;
    return shellQuote(values[name] ?? PLACEHOLDER_MARKERS[name]);
  });
}
