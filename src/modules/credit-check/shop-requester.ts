import {
  createParamDecorator,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ActorContext } from '@app/privacy';
import { CustomerAuthGuard } from '../../common/auth/auth.guards.js';
import { unauthorized, type TokenClaims } from '../../common/auth/token.service.js';
import { customerSubject } from '../../common/subjects.js';
import { RateLimiter } from '../../common/throttle/rate-limiter.js';
import { GUEST_ORDER_ACCESS, type GuestOrderAccess } from './guest-order-access.port.js';

/** Who asks on a shop route: a signed-in customer, or a guest holding an order's access token. */
export type Requester = { kind: 'customer'; subjectId: string } | { kind: 'guest'; orderToken: string };

export const ORDER_TOKEN_HEADER = 'x-order-token';

type RequesterRequest = FastifyRequest & { principal?: TokenClaims; creditCheckRequester?: Requester };

/**
 * A customer's bearer token (checked by CustomerAuthGuard), or else a guest's order token, which can
 * only be checked against an order: the service does that (RequesterSubjects) once it knows the order.
 */
@Injectable()
export class CustomerOrGuestGuard implements CanActivate {
  constructor(private readonly customers: CustomerAuthGuard) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequesterRequest>();
    if (request.headers.authorization !== undefined) {
      // The actor is set by CustomerAuthGuard before its own await, so it reaches the handler.
      await this.customers.canActivate(context);
      const sub = request.principal?.sub;
      if (!sub) throw unauthorized();
      request.creditCheckRequester = { kind: 'customer', subjectId: customerSubject(sub) };
      return true;
    }
    const token = request.headers[ORDER_TOKEN_HEADER];
    if (typeof token === 'string' && token.length >= 16 && token.length <= 512) {
      request.creditCheckRequester = { kind: 'guest', orderToken: token };
      return true;
    }
    throw unauthorized('Sign in, or send the access token of your guest order in the X-Order-Token header.');
  }
}

export const CurrentRequester = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Requester => {
    const requester = context.switchToHttp().getRequest<RequesterRequest>().creditCheckRequester;
    if (!requester) throw unauthorized();
    return requester;
  },
);

/** Failed guest-token attempts per order before further attempts answer 429. */
const GUEST_TOKEN_LIMIT = { scope: 'credit-check:order-token', max: 10, windowSeconds: 900 };

/** Turns a requester into the data subject they may act for, for one order. */
@Injectable()
export class RequesterSubjects {
  constructor(
    @Inject(GUEST_ORDER_ACCESS) private readonly guests: GuestOrderAccess,
    private readonly limiter: RateLimiter,
  ) {}

  /**
   * The subject of a customer, or of the guest whose token opens `orderId`. A wrong token is a 401 and
   * counts towards a per-order limit (guessing tokens ends in 429).
   */
  async subjectFor(requester: Requester, orderId: string): Promise<string> {
    if (requester.kind === 'customer') return requester.subjectId;
    const limit = { ...GUEST_TOKEN_LIMIT, key: orderId };
    const state = await this.limiter.peek(limit);
    if (state.limited)
      await this.limiter.enforce(limit, 'Too many attempts for this order. Try again later.');
    const subject = await this.guests.subjectOfOrder(orderId, requester.orderToken);
    if (!subject) {
      await this.limiter.enforce(limit, 'Too many attempts for this order. Try again later.');
      throw unauthorized('The order token does not open this order.');
    }
    return subject;
  }

  /** Runs `work` with the subject as the actor (a guest has no token the guards could read it from). */
  asSubject<T>(requester: Requester, subjectId: string, work: () => Promise<T>): Promise<T> {
    return requester.kind === 'guest' ? ActorContext.run({ type: 'subject', id: subjectId }, work) : work();
  }
}
