import type { FastifyRequest } from 'fastify';

/** What the registration rules need to know about the calling client: ids, never stored in clear. */
export interface Client {
  /** The client's IP (behind a proxy only with TRUST_PROXY): a throttling key, hashed by the RateLimiter. */
  ip: string;
  /** The request's correlation id (evidence for a consent, never personal data). */
  requestId: string;
}

export const clientOf = (request: FastifyRequest): Client => ({
  ip: request.ip,
  requestId: String(request.id),
});
