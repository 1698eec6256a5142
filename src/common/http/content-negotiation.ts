import Negotiator from 'negotiator';

/**
 * The media type to answer with, from the client's `Accept` (q-values, wildcards, order) and what the
 * route can produce; the first offered type when the header is missing or names nothing on offer
 * (answering 406 would break clients that send `Accept: text/plain` by habit).
 */
export function negotiateMediaType<T extends string>(accept: string | undefined, offered: readonly [T, ...T[]]): T {
  if (!accept) return offered[0];
  const chosen = new Negotiator({ headers: { accept } }).mediaType(offered);
  return (offered as readonly string[]).includes(chosen ?? '') ? (chosen as T) : offered[0];
}
