import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';

/** What the person's user agent signals about their data on this request. */
export interface PrivacySignalState {
  /**
   * `Sec-GPC: 1` (Global Privacy Control): an objection by automated means (Art. 21(5) GDPR) to
   * optional processing on legitimate interests and to marketing, for this request's person.
   */
  globalPrivacyControl: boolean;
}

const storage = new AsyncLocalStorage<PrivacySignalState>();

/**
 * Continuation-local signals of the current request, read by the ProcessingGuard: every (f)-based
 * activity without compelling grounds that runs while handling a request with `Sec-GPC: 1` is refused,
 * without each module having to pass the header along.
 */
export const PrivacySignals = {
  run<T>(signals: PrivacySignalState, work: () => T): T {
    return storage.run(signals, work);
  },
  current(): PrivacySignalState | undefined {
    return storage.getStore();
  },
  enter(signals: PrivacySignalState): void {
    storage.enterWith(signals);
  },
};

/** The routes a person calls for themself (the shop's API): only there is the signal theirs. */
const PERSON_ROUTES = '/api/v1/shop/';

/**
 * Reads `Sec-GPC` (W3C Global Privacy Control: the value "1" means on) before any other guard runs,
 * on the shop's routes only: on a staff or partner route the header would be the staff member's
 * browser speaking, not the person whose data is processed.
 */
@Injectable()
export class PrivacySignalsGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<{ url?: string; headers?: Record<string, unknown> }>();
    const own = (request.url ?? '').startsWith(PERSON_ROUTES);
    PrivacySignals.enter({ globalPrivacyControl: own && request.headers?.['sec-gpc'] === '1' });
    return true;
  }
}
