import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,128}$/;
const CACHE = Symbol('storefront.requestId');

type WithId = IncomingMessage & { [CACHE]?: string };

/**
 * The correlation id of a request: the caller's `X-Request-Id` when it is a plausible id (so ids
 * cross service boundaries), otherwise a new UUID. Computed once per request and shared by Fastify
 * and the logger, so the id in the log, in problem+json and in the response header is the same.
 */
export function requestIdOf(req: IncomingMessage): string {
  const cached = (req as WithId)[CACHE];
  if (cached) return cached;
  const header = req.headers['x-request-id'];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && ACCEPTABLE.test(candidate) && !candidate.includes('@') ? candidate : randomUUID();
  (req as WithId)[CACHE] = id;
  return id;
}
