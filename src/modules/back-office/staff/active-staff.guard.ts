import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { staffSessionEnded } from '../../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../../common/auth/token.service.js';
import { unauthorized } from '../../../common/auth/token.service.js';
import { StaffAccounts } from './staff-accounts.service.js';

/**
 * Put after StaffAuthGuard (`@UseGuards(StaffAuthGuard, ActiveStaffGuard)`): the token's account
 * must still be active and still hold the token's role. StaffAuthGuard already checks this on every
 * staff route (through STAFF_ACCOUNT_CHECK, provided by StaffAccessModule); this guard is kept as a
 * belt for routes mounted without that provider and costs nothing when the check already ran.
 */
@Injectable()
export class ActiveStaffGuard implements CanActivate {
  constructor(private readonly accounts: StaffAccounts) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest & { principal?: TokenClaims; staffAccountChecked?: boolean }>();
    const principal = request.principal;
    if (principal?.kind !== 'staff' || !principal.role) throw unauthorized();
    if (request.staffAccountChecked) return true;
    if (!(await this.accounts.isCurrent(principal.sub, principal.role))) throw staffSessionEnded();
    return true;
  }
}
