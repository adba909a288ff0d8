import {
  HttpStatus,
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ActorContext } from '../context/actor-context.js';
import { PrivacyError } from '../errors.js';
import { PRIVACY_OPTIONS, type PrivacyKernelOptions } from '../privacy.options.js';
import {
  ADMIN_AUTHORIZER,
  BOOTSTRAP_ADMIN_TOKEN_ENABLED,
  KERNEL_ADMIN_ROLES,
  type AdminAuthorizer,
  type AdminRequest,
} from './admin-authorizer.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

const unauthorized = (): PrivacyError =>
  new PrivacyError(
    HttpStatus.UNAUTHORIZED,
    'unauthorized',
    'Unauthorized',
    'A valid staff access token of a privacy officer or administrator is required.',
    {},
    { 'www-authenticate': 'Bearer' },
  );

/**
 * Guards the kernel's admin routes. It asks the application's AdminAuthorizer first (staff accounts
 * with role privacy-officer or admin); the bootstrap admin token (`Authorization: Bearer …`) is
 * accepted only while BOOTSTRAP_ADMIN_TOKEN_ENABLED is provided as true. Nobody passes otherwise.
 */
@Injectable()
export class PrivacyAdminGuard implements CanActivate {
  constructor(
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyKernelOptions,
    @Optional() @Inject(ADMIN_AUTHORIZER) private readonly authorizer?: AdminAuthorizer,
    @Optional() @Inject(BOOTSTRAP_ADMIN_TOKEN_ENABLED) private readonly bootstrapTokenEnabled?: boolean,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const answer = this.authorizer?.authorize(request, [...KERNEL_ADMIN_ROLES]) ?? null;
    if (answer && 'confirmed' in answer) {
      // Entered before the lookup: an actor entered after an await would not reach the handler.
      ActorContext.enter(answer.actor);
      return answer.confirmed.then(() => true);
    }
    if (answer) {
      ActorContext.enter(answer);
      return true;
    }
    if (this.bootstrapTokenEnabled === true && this.matchesBootstrapToken(request)) {
      ActorContext.enter({ type: 'staff', id: 'bootstrap-admin', role: 'admin' });
      return true;
    }
    throw unauthorized();
  }

  private matchesBootstrapToken(request: AdminRequest): boolean {
    const expected = this.options.bootstrapAdminToken;
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined;
    // Compared as digests: equal length, constant time, whatever the length of the guess.
    return Boolean(expected && token && timingSafeEqual(digest(token), digest(expected)));
  }
}

/** The former name, kept for the controllers and module that guard with it. */
export { PrivacyAdminGuard as BootstrapAdminGuard };
