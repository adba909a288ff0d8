import {
  createParamDecorator,
  HttpStatus,
  Inject,
  Injectable,
  Optional,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ActorContext } from '@app/privacy';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../problem/problem.js';
import {
  CUSTOMER_SESSION_CHECK,
  STAFF_ACCOUNT_CHECK,
  type CustomerSessionCheck,
  type StaffAccountCheck,
} from './session-check.js';
import { TokenService, unauthorized, type TokenClaims } from './token.service.js';

export const STAFF_ROLES = ['fulfilment', 'support', 'privacy-officer', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

type AuthenticatedRequest = FastifyRequest & { principal?: TokenClaims; staffAccountChecked?: boolean };

export const staffSessionEnded = (): ProblemException =>
  unauthorized('Your staff session has ended (account deactivated or role changed): sign in again.');

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw unauthorized();
  return match[1];
}

/**
 * A signed-in customer; the actor of the request is the data subject themself. When the
 * registration module provides the session check, the token's session must still be running.
 */
@Injectable()
export class CustomerAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    @Optional() @Inject(CUSTOMER_SESSION_CHECK) private readonly sessions?: CustomerSessionCheck,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const claims = this.tokens.verify(bearer(request));
    if (claims.kind !== 'customer') throw unauthorized();
    request.principal = claims;
    // Set before any await: an async context entered after an await would not reach the handler.
    ActorContext.enter({ type: 'subject', id: claims.sub });
    if (!this.sessions || !claims.sid) return true;
    return this.sessions.isActive(claims.sub, claims.sid).then((active) => {
      if (!active) throw unauthorized('The session has ended; sign in again.');
      return true;
    });
  }
}

const ROLES_KEY = 'storefront:staff-roles';

/** The staff roles allowed on a route or controller (checked by StaffAuthGuard). */
export const StaffRoles = (...roles: StaffRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

/**
 * A signed-in staff member whose role the route allows; the actor of the request is that staff member.
 * When the back office provides the account check, the account must still be active and hold the
 * token's role: that is checked first, so a deactivated member gets 401 everywhere, never a 403 that
 * would tell them what they could still reach.
 */
@Injectable()
export class StaffAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
    @Optional() @Inject(STAFF_ACCOUNT_CHECK) private readonly accounts?: StaffAccountCheck,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const claims = this.tokens.verify(bearer(request));
    if (claims.kind !== 'staff' || !claims.role) throw unauthorized();
    const role = claims.role;
    const allowed = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const checkRole = (): true => {
      if (allowed && !allowed.includes(role as StaffRole)) {
        throw new ProblemException(
          HttpStatus.FORBIDDEN,
          'forbidden',
          'Forbidden',
          'Your role may not use this route.',
        );
      }
      return true;
    };
    request.principal = claims;
    // Set before any await: an async context entered after an await would not reach the handler.
    ActorContext.enter({ type: 'staff', id: claims.sub, role });
    if (!this.accounts) return checkRole();
    return this.accounts.isCurrent(claims.sub, role).then((current) => {
      if (!current) throw staffSessionEnded();
      request.staffAccountChecked = true;
      return checkRole();
    });
  }
}

/** The verified token claims of the request (after one of the guards above). */
export const Principal = createParamDecorator((_data: unknown, context: ExecutionContext): TokenClaims => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw unauthorized();
  return principal;
});
