import { HttpStatus, Injectable } from '@nestjs/common';
import type { Actor } from '@app/privacy';
import type { AdminAuthorizer, AdminRequest } from '@app/privacy/admin/admin-authorizer.js';
import { TokenService, type TokenClaims } from '../../../common/auth/token.service.js';
import { ProblemException } from '../../../common/problem/problem.js';

/**
 * Lets staff accounts use the privacy kernel's admin routes (record, linter, legal holds, audit
 * verification): a valid staff token whose role the kernel requires (privacy-officer or admin).
 * Any other valid staff role is refused with 403; anything that is no valid staff token is left to
 * the kernel (null), which then answers 401.
 */
@Injectable()
export class StaffAdminAuthorizer implements AdminAuthorizer {
  constructor(private readonly tokens: TokenService) {}

  authorize(request: AdminRequest, requiredRoles: string[]): Actor | null {
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (!token) return null;
    let claims: TokenClaims;
    try {
      claims = this.tokens.verify(token);
    } catch {
      return null; // not a token of ours, or expired: maybe the bootstrap token; else the kernel says 401
    }
    if (claims.kind !== 'staff' || !claims.role) return null;
    if (!requiredRoles.includes(claims.role))
      throw new ProblemException(
        HttpStatus.FORBIDDEN,
        'forbidden',
        'Forbidden',
        'Your role may not use this route: it is for the privacy officer and administrators.',
      );
    return { type: 'staff', id: claims.sub, role: claims.role };
  }
}
