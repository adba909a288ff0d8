import type { StaffViewName } from './staff-views.js';

export const STAFF_VIEW_KEY = 'storefront:staff-view';

/** What @StaffView stores on a handler for StaffViewInterceptor. */
export interface StaffViewMetadata {
  view: StaffViewName;
  subject: (record: unknown) => string;
  activity: string;
}

/**
 * The one page shape of masked lists: `items` are masked one by one; `nextCursor` and `total` pass
 * unchanged (they are not personal data); any other key of a page is dropped.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}
