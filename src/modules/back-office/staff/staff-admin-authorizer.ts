import { HttpStatus, Injectable } from '@nestjs/common';
import type {
  PendingAdminAuthorization,
  AdminAuthorizer,
  AdminRequest,
} from '@app/privacy/admin/admin-authorizer.js';
import { staffSessionEnded } from '../../../common/auth/auth.guards.js';
import { TokenService, type TokenClaims } from '../../../common/auth/token.service.js';
import { ProblemException } from '../../../common/problem/problem.js';
import { StaffAccounts } from './staff-accounts.service.js';

/**
 * Lets staff accounts use the privacy kernel's admin routes (record, linter, legal holds, audit
 * verification): a valid staff token of an account that is still active with the token's role, and a
 * role the kernel requires (privacy-officer or admin). The account is checked first: a deactivated
 * member gets 401 whatever their role, another active role 403. Anything that is no valid staff
 * token is left to the kernel (null), which then answers 401.
 */
@Injectable()
export class StaffAdminAuthorizer implements AdminAuthorizer {
  constructor(
    private readonly tokens: TokenService,
    private readonly accounts: StaffAccounts,
  ) {}

  authorize(request: AdminRequest, requiredRoles: string[]): PendingAdminAuthorization | null {
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (!token) return null;
    let claims: TokenClaims;
    try {
      claims = this.tokens.verify(token);
    } catch {
      return null; // not a token of ours, or expired: maybe the bootstrap token; else the kernel says 401
    }
    const role = claims.role;
    if (claims.kind !== 'staff' || !role) return null;
    const confirmed = this.accounts.isCurrent(claims.sub, role).then((current) => {
      if (!current) throw staffSessionEnded();
      if (!requiredRoles.includes(role))
        throw new ProblemException(
          HttpStatus.FORBIDDEN,
          'forbidden',
          'Forbidden',
          'Your role may not use this route: it is for the privacy officer and administrators.',
        );
    });
    return { actor: { type: 'staff', id: claims.sub, role }, confirmed };
  }
}
