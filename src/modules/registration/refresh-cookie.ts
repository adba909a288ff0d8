import type { FastifyRequest } from 'fastify';
import { parseCookieHeader } from '../cookies/index.js';

/** The refresh token as a cookie, so a browser keeps it where no script can read it. */
export const REFRESH_COOKIE = 'sf_refresh';

/** Sent only to the sign-in routes: refresh and logout read it, nothing else ever sees it. */
export const REFRESH_COOKIE_PATH = '/api/v1/shop/auth';

export const refreshCookieOf = (request: FastifyRequest): string | undefined =>
  parseCookieHeader(request.headers.cookie).get(REFRESH_COOKIE);
