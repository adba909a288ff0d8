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

/**
 * Runs after CustomerAuthGuard, which already refuses a token whose session has ended (signed out,
 * password changed, token theft, account erased) through this module's CUSTOMER_SESSION_CHECK. Here
 * the token must also name a session at all: account routes accept only tokens issued at sign-in.
 */
@Injectable()
export class ActiveSessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context
      .switchToHttp()
      .getRequest<FastifyRequest & { principal?: TokenClaims }>().principal;
    if (!principal || principal.kind !== 'customer' || !principal.sid) throw unauthorized();
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
