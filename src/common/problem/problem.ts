import { HttpException, HttpStatus } from '@nestjs/common';

/** One invalid input: where (a dotted path into the body, query or a header) and why. */
export interface FieldProblem {
  field: string;
  reason: string;
}

/** RFC 9457 problem details. Extension members sit beside the standard ones. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_PREFIX = 'urn:storefront:problem:';

export const problemType = (slug: string): string => `${TYPE_PREFIX}${slug}`;

/**
 * The one exception the application throws for an expected failure. Anything else that reaches the
 * global filter is either a framework HttpException (mapped by status) or a bug (a bare 500).
 * `detail` and extensions are shown to the client: never put personal data or internals in them.
 */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus | number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super({ slug, title, detail }, status);
  }

  toDocument(): ProblemDocument {
    // RFC 9457's own members come last: an extension can never replace them (an extension named
    // `status` once turned an order's state into the HTTP status code).
    return {
      ...this.extensions,
      type: problemType(this.slug),
      title: this.title,
      status: this.getStatus(),
      ...(this.detail ? { detail: this.detail } : {}),
    };
  }
}

export class ValidationProblem extends ProblemException {
  constructor(
    readonly errors: FieldProblem[],
    detail = 'The request is not valid; see errors for each field.',
  ) {
    super(HttpStatus.BAD_REQUEST, 'validation-error', 'Your request parameters did not validate', detail, {
      errors,
    });
  }
}

export const notFound = (what: string): ProblemException =>
  new ProblemException(HttpStatus.NOT_FOUND, 'not-found', 'Not Found', `${what} was not found.`);

export const conflict = (
  slug: string,
  detail: string,
  extensions?: Record<string, unknown>,
): ProblemException => new ProblemException(HttpStatus.CONFLICT, slug, 'Conflict', detail, extensions);
