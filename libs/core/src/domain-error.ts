/**
 * Typed domain errors: what a service throws for an expected failure. A service says what went wrong
 * in the shop's terms (an order that cannot move, a consent that is missing); the HTTP edge maps the
 * error's kind to a status and renders problem+json (src/common/problem). Callers that handle a
 * failure test the class with `instanceof`, never a slug or a message.
 *
 * `detail` and `extensions` reach the client: never put personal data or internals in them.
 */

/** What sort of failure, which the edge maps to an HTTP status. */
export type DomainErrorKind =
  | 'invalid-input' // 400: a field is wrong; `errors` names it
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not-found' // 404: also what another party's record looks like
  | 'conflict' // 409: the state of a record does not allow it
  | 'gone' // 410
  | 'too-large' // 413
  | 'unsupported-media-type' // 415
  | 'unprocessable' // 422: well-formed but against a rule
  | 'rate-limited' // 429
  | 'unavailable' // 503: a dependency is down; try again
  | 'failed'; // 500: an expected failure of our own (a refused disclosure) that is not the client's fault

/** One invalid input: where (a dotted path into the body, query or a header) and why. */
export interface FieldProblem {
  field: string;
  reason: string;
}

export interface DomainErrorOptions {
  detail?: string;
  /** Extra members of the problem document (never personal data). */
  extensions?: Record<string, unknown>;
  /** Response headers the failure calls for (Retry-After, WWW-Authenticate). */
  headers?: Record<string, string>;
}

export class DomainError extends Error {
  readonly detail: string | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly kind: DomainErrorKind,
    /** Stable and machine-readable: the problem type's last segment, e.g. `forbidden-transition`. */
    readonly code: string,
    /** Short and fixed per code: the problem's title. */
    readonly title: string,
    options: DomainErrorOptions = {},
  ) {
    super(options.detail ?? title);
    this.name = new.target.name;
    this.detail = options.detail;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

/** Input that breaks a rule, field by field. */
export class InvalidInputError extends DomainError {
  constructor(
    readonly errors: FieldProblem[],
    detail = 'The request is not valid; see errors for each field.',
    code = 'validation-error',
  ) {
    super('invalid-input', code, 'Your request parameters did not validate', {
      detail,
      extensions: { errors },
    });
  }
}

/** A record that does not exist, or that this actor may not know exists. */
export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not-found', 'not-found', 'Not Found', { detail: `${what} was not found.` });
  }
}

/** The record's state does not allow the operation. */
export class ConflictError extends DomainError {
  constructor(code: string, detail: string, extensions?: Record<string, unknown>) {
    super('conflict', code, 'Conflict', { detail, extensions });
  }
}

/** Well-formed input that a business rule refuses. */
export class RuleViolationError extends DomainError {
  constructor(code: string, title: string, detail: string, extensions?: Record<string, unknown>) {
    super('unprocessable', code, title, { detail, extensions });
  }
}

/** The actor is known but may not do this. */
export class ForbiddenError extends DomainError {
  constructor(detail: string, code = 'forbidden', extensions?: Record<string, unknown>) {
    super('forbidden', code, 'Forbidden', { detail, extensions });
  }
}

/** The status the HTTP edge answers for each kind. */
export const HTTP_STATUS_OF_KIND: Readonly<Record<DomainErrorKind, number>> = {
  'invalid-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  gone: 410,
  'too-large': 413,
  'unsupported-media-type': 415,
  unprocessable: 422,
  'rate-limited': 429,
  unavailable: 503,
  failed: 500,
};
