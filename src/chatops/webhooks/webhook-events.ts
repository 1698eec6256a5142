/** Events an outbound webhook can subscribe to. */
export const WEBHOOK_EVENTS = [
  'incident.created',
  'incident.status_changed',
  'step.completed',
  'evidence.parsed',
  'diagnosis.changed',
  'postmortem.published',
  'action_item.overdue',
] as const;

export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** Body of every delivery. `id` is stable across retries so receivers can de-duplicate. */
export interface WebhookEnvelope<T = Record<string, unknown>> {
  id: string;
  type: WebhookEventName;
  /** ISO-8601 timestamp of when the event happened. */
  createdAt: string;
  data: T;
}

const EVENT_NAMES: ReadonlySet<string> = new Set(WEBHOOK_EVENTS);

export function isWebhookEventName(x: string): x is WebhookEventName {
  return EVENT_NAMES.has(x);
}

/**
 * Deterministic JSON: the envelope's own keys in a fixed order (id, type,
 * createdAt, data), every nested object's keys sorted by code unit. The body is
 * signed byte for byte, so the same event must always serialise identically.
 * Otherwise follows JSON.stringify: toJSON() is honoured (Dates become ISO strings),
 * undefined/function/symbol properties are dropped, and in arrays become null;
 * non-finite numbers become null. Cycles and bigints throw TypeError.
 */
export function serializeEnvelope(env: WebhookEnvelope<unknown>): string {
  const fields = (['id', 'type', 'createdAt', 'data'] as const)
    .map((key) => [key, stringifyValue(env[key], new Set())] as const)
    .filter(([, json]) => json !== undefined);
  return `{${fields.map(([key, json]) => `${JSON.stringify(key)}:${json}`).join(',')}}`;
}

/** JSON text for `value`, or undefined where JSON.stringify would omit it. */
function stringifyValue(value: unknown, ancestors: Set<object>): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  // Boxed primitives serialise as their primitive, as in JSON.stringify.
  if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('cannot serialise a bigint in a webhook envelope');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';

  const container = value as object;
  if (ancestors.has(container)) throw new TypeError('cannot serialise a circular structure in a webhook envelope');
  ancestors.add(container);
  let json: string;
  if (Array.isArray(container)) {
    json = `[${container.map((item) => stringifyValue(item, ancestors) ?? 'null').join(',')}]`;
  } else {
    const record = container as Record<string, unknown>;
    const members: string[] = [];
    // Default sort compares UTF-16 code units: locale-independent, so stable everywhere.
    for (const key of Object.keys(record).sort()) {
      const member = stringifyValue(record[key], ancestors);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    json = `{${members.join(',')}}`;
  }
  ancestors.delete(container);
  return json;
}
