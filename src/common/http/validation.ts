import type { ValidationError as ClassValidationError } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type FieldError, ValidationError } from '../errors/domain-errors.js';

/** class-validator's nested errors as `{ field: "symptom.statusCode", message }` pairs. */
export function flattenErrors(errors: ClassValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field, message: message.startsWith('property ') ? message.replace(/^property (\S+)/, `${field}`) : message });
    }
    if (error.children?.length) out.push(...flattenErrors(error.children, field));
  }
  return out;
}

/** Validates a plain object (e.g. multipart fields) with a DTO class, as the global pipe does for bodies. */
export function validatePlain<T extends object>(cls: new () => T, plain: Record<string, unknown>): T {
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new ValidationError(flattenErrors(errors));
  return instance;
}
