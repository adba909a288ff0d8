import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import { ProblemException } from '../problem/problem.js';

/** Who a token speaks for. `sub` is an opaque id, never an email. */
export interface TokenClaims {
  sub: string;
  kind: 'customer' | 'staff';
  /** Staff role (fulfilment, support, privacy-officer, admin). */
  role?: string;
  /** Session (refresh-token family) the access token was issued in; lets a logout end it early. */
  sid?: string;
  iat: number;
  exp: number;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export const unauthorized = (detail = 'A valid access token is required.'): ProblemException =>
  new ProblemException(
    HttpStatus.UNAUTHORIZED,
    'unauthorized',
    'Unauthorized',
    detail,
    {},
    { 'www-authenticate': 'Bearer' },
  );

/**
 * Short-lived signed access tokens (JWT, HS256). Stateless on purpose: any instance behind the load
 * balancer verifies them with the shared secret (docs/architecture.md).
 */
@Injectable()
export class TokenService {
  private readonly secret: Buffer;

  constructor(private readonly config: AppConfig) {
    if (config.AUTH_TOKEN_SECRET) {
      this.secret = Buffer.from(config.AUTH_TOKEN_SECRET, 'utf8');
    } else {
      // Development only (production requires the key): tokens stop working at the next start.
      this.secret = randomBytes(32);
      new Logger('TokenService').warn(
        'AUTH_TOKEN_SECRET is not set: using a random key for this process only',
      );
    }
  }

  sign(
    claims: Omit<TokenClaims, 'iat' | 'exp'>,
    ttlSeconds = this.config.ACCESS_TOKEN_TTL_SECONDS,
  ): { token: string; expiresIn: number } {
    const now = Math.floor(Date.now() / 1000);
    const payload = b64url(JSON.stringify({ ...claims, iat: now, exp: now + ttlSeconds }));
    const signature = this.signature(`${HEADER}.${payload}`);
    return { token: `${HEADER}.${payload}.${signature}`, expiresIn: ttlSeconds };
  }

  /** The claims of a valid, unexpired token; a 401 problem otherwise (never saying which check failed). */
  verify(token: string): TokenClaims {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) throw unauthorized();
    const expected = Buffer.from(this.signature(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw unauthorized();
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      throw unauthorized();
    }
    if (typeof claims.exp !== 'number' || claims.exp <= Math.floor(Date.now() / 1000))
      throw unauthorized('The access token has expired.');
    if (claims.kind !== 'customer' && claims.kind !== 'staff') throw unauthorized();
    return claims;
  }

  private signature(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url');
  }
}
