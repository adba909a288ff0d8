import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError, HTTP_STATUS_OF_KIND } from '@app/core';
import { PROBLEM_CONTENT_TYPE, ProblemException, problemType, type ProblemDocument } from './problem.js';

interface ProblemAnswer {
  document: ProblemDocument;
  headers: Record<string, string>;
  /** true when the error is a bug (or an outage) rather than a client's mistake. */
  unexpected: boolean;
}

/** Fastify's own errors (body parsing, limits) carry a status code and an FST_ code. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

const FRAMEWORK_PROBLEMS: Record<string, { slug: string; title: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    slug: 'malformed-json',
    title: 'Malformed JSON',
    detail: 'The request body is not valid JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    slug: 'malformed-json',
    title: 'Malformed JSON',
    detail: 'The request body is empty but declared as JSON.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    slug: 'payload-too-large',
    title: 'Payload Too Large',
    detail: 'The request body exceeds the size limit.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    slug: 'unsupported-media-type',
    title: 'Unsupported Media Type',
    detail: 'The request body has a content type this route does not accept.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    slug: 'bad-request',
    title: 'Bad Request',
    detail: 'The Content-Length header does not match the body.',
  },
};

interface ProblemShaped {
  slug: string;
  title: string;
  detail: string;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

function isProblemShaped(body: unknown): body is ProblemShaped {
  return (
    typeof body === 'object' &&
    body !== null &&
    'slug' in body &&
    'title' in body &&
    typeof body.slug === 'string'
  );
}

function isFrameworkError(error: unknown): error is FrameworkError & { statusCode: number } {
  const status = (error as FrameworkError | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

const titleFor = (status: number): string => STATUS_CODES[status] ?? 'Error';

/** Socket errors and PostgreSQL's connection/shutdown classes (08, 57P0x, 53300 too many connections). */
const DB_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '53300',
  '57P01',
  '57P02',
  '57P03',
]);
const DB_UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery)|Client has encountered a connection error/i;

/**
 * Whether an error means the database cannot be reached right now (restart, outage), as opposed to a
 * bug: the answer is then 503 with Retry-After, and the pool reconnects by itself once it is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message, driverError, cause } = e as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && (DB_UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    // TypeORM releases a query runner whose connection broke (its client's 'error' event); the next
    // statement of that transaction, or its COMMIT, then fails with this. The server rolled it back.
    if ((e as { name?: unknown }).name === 'QueryRunnerAlreadyReleasedError') return true;
    if (typeof message === 'string' && DB_UNAVAILABLE_MESSAGES.test(message)) return true;
    e = driverError ?? cause;
  }
  return false;
}

export function toProblem(error: unknown): ProblemAnswer {
  // What services throw: a typed domain error, mapped to its status here at the edge.
  if (error instanceof DomainError) {
    const status = HTTP_STATUS_OF_KIND[error.kind];
    return {
      // RFC 9457's own members last: an extension never replaces them.
      document: {
        ...error.extensions,
        type: problemType(error.code),
        title: error.title,
        status,
        ...(error.detail ? { detail: error.detail } : {}),
      },
      headers: error.headers,
      unexpected: status >= 500 && error.kind !== 'unavailable',
    };
  }
  if (error instanceof ProblemException) {
    return { document: error.toDocument(), headers: error.headers, unexpected: false };
  }
  // Nest wraps Fastify's own client errors (malformed JSON, body too large) in an HttpException.
  if (error instanceof HttpException && isFrameworkError(error.cause)) return toProblem(error.cause);
  if (error instanceof HttpException && isProblemShaped(error.getResponse())) {
    // The privacy kernel's errors (it cannot import ProblemException) carry the same fields.
    const body = error.getResponse() as ProblemShaped;
    const status = error.getStatus();
    return {
      document: {
        type: problemType(body.slug),
        title: body.title,
        status,
        detail: body.detail,
        ...(body.extensions ?? {}),
      },
      headers: body.headers ?? {},
      unexpected: status >= 500,
    };
  }
  if (error instanceof HttpException) {
    const status: number = error.getStatus();
    const body = error.getResponse();
    // Framework exceptions (NotFoundException, a guard's ForbiddenException, terminus' 503) keep their status;
    // their message is a fixed framework text, never user input.
    const message = typeof body === 'object' && body !== null && 'message' in body ? body.message : body;
    const detail = typeof message === 'string' && status < 500 ? message : undefined;
    const unavailable = status === (HttpStatus.SERVICE_UNAVAILABLE as number);
    const extensions =
      unavailable && typeof body === 'object' && body !== null && 'details' in body
        ? { checks: body.details }
        : {};
    return {
      document: {
        type: 'about:blank',
        title: titleFor(status),
        status,
        ...(detail ? { detail } : {}),
        ...extensions,
      },
      headers: {},
      unexpected: status >= 500 && !unavailable,
    };
  }
  if (isFrameworkError(error)) {
    const known = error.code ? FRAMEWORK_PROBLEMS[error.code] : undefined;
    const status = error.statusCode;
    return {
      document: known
        ? { type: problemType(known.slug), title: known.title, status, detail: known.detail }
        : { type: 'about:blank', title: titleFor(status), status },
      headers: {},
      unexpected: false,
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      document: {
        type: problemType('service-unavailable'),
        title: 'Service Unavailable',
        status: 503,
        detail:
          'The service is briefly unavailable. Nothing was changed unless you were told so; try again shortly.',
      },
      headers: { 'retry-after': '5' },
      unexpected: false,
    };
  }
  return {
    document: {
      type: problemType('internal-error'),
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred. Quote the request id when you contact us.',
    },
    headers: {},
    unexpected: true,
  };
}

const logger = new Logger('Problem');

/** Writes the answer; shared by the Nest filter and Fastify's own error handler. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { document, headers, unexpected } = toProblem(error);
  if (unexpected) {
    // The stack and the message go to the log (scrubbed of personal data there), never to the client.
    logger.error({ err: error, requestId: request.id }, 'unexpected error');
  } else if (document.status === 503) {
    logger.warn({ requestId: request.id }, 'answered 503: a dependency is unavailable');
  }
  if (reply.sent) return;
  void reply
    .status(document.status)
    .headers({
      ...headers,
      'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
      'cache-control': 'no-store',
    })
    .send(JSON.stringify({ ...document, requestId: request.id }));
}

/** The global filter: every error leaves the service as RFC 9457 problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
