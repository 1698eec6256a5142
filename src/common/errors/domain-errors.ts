/**
 * Errors services throw; one filter maps them to application/problem+json.
 * Each carries an HTTP status and optional extra members for the problem body.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    public extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  /** Adds members to the problem body. */
  withExtra(extra: Record<string, unknown>): this {
    this.extra = { ...this.extra, ...extra };
    return this;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super(404, 'Not Found', `${what} ${id} was not found.`);
  }
}

/** State transition or step order not allowed (409) with the allowed moves. */
export class ConflictError extends DomainError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(409, 'Conflict', detail, extra);
  }
}

/** The client's `version` is not the current one: somebody else changed the resource first. */
export class StaleVersionError extends DomainError {
  constructor(expected: number, current: number) {
    super(
      409,
      'Stale version',
      `The resource was changed by someone else: you sent version ${expected}, the current version is ${current}. Reload it and apply your change again.`,
      { currentVersion: current },
    );
  }
}

export interface FieldError {
  field: string;
  message: string;
}

export class ValidationError extends DomainError {
  constructor(errors: FieldError[], detail?: string) {
    super(400, 'Bad Request', detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
}

export class UnprocessableError extends DomainError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(422, 'Unprocessable Content', detail, extra);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super(413, 'Payload Too Large', `The body exceeds the limit of ${limitBytes} bytes.`, { limitBytes });
  }
}
