import {
  applyDecorators,
  Injectable,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CustomerAuthGuard } from '../../common/auth/auth.guards.js';
import { unauthorized, type TokenClaims } from '../../common/auth/token.service.js';
import { CustomerSessions } from './customer-sessions.js';

/**
 * Runs after CustomerAuthGuard: the access token must belong to a session that is still running.
 * A signed-out, ended (password change, token theft) or erased session stops its access tokens at
 * once instead of when they expire (at most ACCESS_TOKEN_TTL_SECONDS later).
 */
@Injectable()
export class ActiveSessionGuard implements CanActivate {
  constructor(private readonly sessions: CustomerSessions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context
      .switchToHttp()
      .getRequest<FastifyRequest & { principal?: TokenClaims }>().principal;
    if (!principal || principal.kind !== 'customer' || !principal.sid) throw unauthorized();
    if (!(await this.sessions.isActive(principal.sub, principal.sid)))
      throw unauthorized('The session has ended. Sign in again.');
    return true;
  }
}

/**
 * For routes of a signed-in customer: a valid access token of a running session. `@Principal()`
 * then gives its claims: `sub` is the customer id (subject `customer:<sub>`), `sid` the session.
 */
export const SignedInCustomer = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    UseGuards(CustomerAuthGuard, ActiveSessionGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No valid access token, or its session has ended' }),
  );
