import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CustomerAuthGuard } from '../../common/auth/auth.guards.js';
import { unauthorized, type TokenClaims } from '../../common/auth/token.service.js';
import type { Payer } from './order-gateway.js';

type MaybeAuthenticatedRequest = FastifyRequest & { principal?: TokenClaims };

/**
 * The payment routes are open to the customer who placed the order (bearer token) and to the guest
 * who holds the order's access token (`X-Order-Token`, as on GET /api/v1/shop/orders/:id). With an
 * Authorization header the token must be a valid customer token: never silently a guest.
 */
@Injectable()
export class PayerGuard implements CanActivate {
  constructor(private readonly customers: CustomerAuthGuard) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<MaybeAuthenticatedRequest>();
    if (request.headers.authorization !== undefined) return this.customers.canActivate(context);
    if (typeof request.headers['x-order-token'] !== 'string' || request.headers['x-order-token'] === '')
      throw unauthorized('Sign in, or send the X-Order-Token you received when you placed the order.');
    return true;
  }
}

/** Who pays, after PayerGuard. */
export const CurrentPayer = createParamDecorator((_data: unknown, context: ExecutionContext): Payer => {
  const request = context.switchToHttp().getRequest<MaybeAuthenticatedRequest>();
  if (request.principal?.kind === 'customer') return { customerId: request.principal.sub };
  const token = request.headers['x-order-token'];
  if (typeof token !== 'string' || token === '') throw unauthorized();
  return { orderToken: token };
});
