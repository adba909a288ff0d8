import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CustomerAuthGuard } from '../../common/auth/auth.guards.js';
import { unauthorized, type TokenClaims } from '../../common/auth/token.service.js';
import { isUuid } from './order-reader.js';

type MaybeAuthenticatedRequest = FastifyRequest & { principal?: TokenClaims };

/**
 * Routes open to guests and customers alike: without an Authorization header the request is a
 * guest's; with one it must be a valid customer token (the same check as CustomerAuthGuard, which
 * this delegates to), never silently treated as a guest.
 */
@Injectable()
export class OptionalCustomerAuthGuard implements CanActivate {
  constructor(private readonly customers: CustomerAuthGuard) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<MaybeAuthenticatedRequest>();
    if (request.headers.authorization === undefined) return true;
    return this.customers.canActivate(context);
  }
}

/** The signed-in customer's id, or undefined for a guest (after OptionalCustomerAuthGuard). */
export const OptionalCustomerId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const principal = context.switchToHttp().getRequest<MaybeAuthenticatedRequest>().principal;
    if (principal?.kind !== 'customer') return undefined;
    // Customer tokens carry the account id (registration's session service signs { sub: customerId }).
    if (!isUuid(principal.sub)) throw unauthorized();
    return principal.sub;
  },
);
