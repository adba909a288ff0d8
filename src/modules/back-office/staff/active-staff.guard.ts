import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { TokenClaims } from '../../../common/auth/token.service.js';
import { unauthorized } from '../../../common/auth/token.service.js';
import { StaffAccounts } from './staff-accounts.service.js';

/**
 * Put after StaffAuthGuard (`@UseGuards(StaffAuthGuard, ActiveStaffGuard)`): the token's account
 * must still be active and still hold the token's role. Tokens are stateless and live minutes, but
 * a deactivated employee or a demoted administrator must lose access to customer data at once, not
 * when the token runs out. One indexed lookup per request.
 */
@Injectable()
export class ActiveStaffGuard implements CanActivate {
  constructor(private readonly accounts: StaffAccounts) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context
      .switchToHttp()
      .getRequest<FastifyRequest & { principal?: TokenClaims }>().principal;
    if (principal?.kind !== 'staff' || !principal.role) throw unauthorized();
    if (!(await this.accounts.isCurrent(principal.sub, principal.role)))
      throw unauthorized(
        'Your staff session has ended (account deactivated or role changed): sign in again.',
      );
    return true;
  }
}
