import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { StaffViewInterceptor } from './staff-view.interceptor.js';
import { STAFF_VIEW_KEY, type StaffViewMetadata } from './staff-view.metadata.js';
import type { StaffViewName } from './staff-views.js';

export interface StaffViewOptions<T> {
  /** The data subject a record is about, e.g. `(c: CustomerRecord) => customerSubject(c.id)`. */
  subject: (record: T) => string;
  /** The registry activity the read serves: checked by the processing guard and named in the audit log. */
  activity: string;
}

/**
 * Declares that a staff route answers with records of `view`: the answer (a record, an array of
 * records or a Page) is projected onto the fields the caller's role may see (STAFF_VIEWS), records of
 * subjects the processing guard refuses are withheld, and one audit entry per subject read is
 * appended before the answer leaves. The route must be behind StaffAuthGuard.
 *
 *   @StaffView('customer', { subject: (c: CustomerRecord) => customerSubject(c.id), activity: 'customer-support' })
 */
export function StaffView<T>(view: StaffViewName, options: StaffViewOptions<T>): MethodDecorator {
  const metadata: StaffViewMetadata = {
    view,
    subject: options.subject as (record: unknown) => string,
    activity: options.activity,
  };
  return applyDecorators(SetMetadata(STAFF_VIEW_KEY, metadata), UseInterceptors(StaffViewInterceptor));
}
