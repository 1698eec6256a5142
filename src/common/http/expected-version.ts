import { ValidationError } from '../errors/domain-errors.js';

/** Updates carry the version they were based on: body `version` or `If-Match: "<version>"` (DESIGN §6). */
export function expectedVersion(bodyVersion: number | undefined, ifMatch: string | undefined): number {
  if (bodyVersion !== undefined) return bodyVersion;
  if (ifMatch !== undefined) {
    const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
    if (!match) throw new ValidationError([{ field: 'If-Match', message: 'If-Match must be the version number, e.g. "3"' }]);
    return Number(match[1]);
  }
  throw new ValidationError([
    { field: 'version', message: 'version is required (the version you read), as a body field or an If-Match header' },
  ]);
}
