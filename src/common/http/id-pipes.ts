import { ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { ValidationError } from '../errors/domain-errors.js';

/** A malformed id is a 400 naming the parameter, never a database error. */
export function uuidPipe(field: string): PipeTransform<string, Promise<string | null | undefined>> {
  return new ParseUUIDPipe({
    version: undefined,
    exceptionFactory: () => new ValidationError([{ field, message: `${field} must be a UUID` }]),
  });
}

export type IncidentLocator = { id: string } | { refNumber: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REF = /^INC-(\d{1,9})$/i;

/** Incidents are addressed by uuid or by their human ref (`INC-42`). */
export class IncidentLocatorPipe implements PipeTransform<string, IncidentLocator> {
  transform(value: string): IncidentLocator {
    if (UUID.test(value)) return { id: value.toLowerCase() };
    const ref = REF.exec(value);
    if (ref) return { refNumber: Number(ref[1]) };
    throw new ValidationError([{ field: 'id', message: 'id must be an incident UUID or a ref like INC-42' }]);
  }
}
