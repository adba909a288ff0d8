import { Inject, Injectable, type CanActivate, type ExecutionContext, HttpStatus } from '@nestjs/common';
import { timingSafeEqual, createHash } from 'node:crypto';
import { ActorContext } from '../context/actor-context.js';
import { PrivacyError } from '../errors.js';
import { PRIVACY_OPTIONS, type PrivacyKernelOptions } from '../privacy.options.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Guards the kernel's admin routes with the bootstrap admin token (`Authorization: Bearer …`)
 * until staff accounts exist. Without a configured token nobody passes.
 */
@Injectable()
export class BootstrapAdminGuard implements CanActivate {
  constructor(@Inject(PRIVACY_OPTIONS) private readonly options: PrivacyKernelOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    const expected = this.options.bootstrapAdminToken;
    if (!expected || !token || !timingSafeEqual(digest(token), digest(expected))) {
      throw new PrivacyError(
        HttpStatus.UNAUTHORIZED,
        'unauthorized',
        'Unauthorized',
        'A valid admin token is required.',
        {},
        {
          'www-authenticate': 'Bearer',
        },
      );
    }
    ActorContext.enter({ type: 'staff', id: 'bootstrap-admin', role: 'admin' });
    return true;
  }
}
