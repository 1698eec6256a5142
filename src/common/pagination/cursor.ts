import { ValidationError } from '../errors/domain-errors.js';

/** Keyset position: the sort value and id of the last item of a page. */
export interface CursorPosition {
  at: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f-]{36}$/i.test(value[1])
    ) {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // fall through to the validation error below
  }
  throw new ValidationError([{ field: 'cursor', message: 'cursor is not one this API returned' }]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
