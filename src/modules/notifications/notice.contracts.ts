import type { EntityManager } from 'typeorm';

/**
 * What a notice job carries: ids and flags only. A name or an address in a job would outlive an
 * erasure in pg-boss's tables and be sent to someone who asked to be forgotten; so the worker
 * reads the recipient when it sends, and `NotificationOutbox.notify` refuses anything else.
 */
export type NoticeData = Record<string, string | number | boolean>;

/** Whom a notice is for: a kind of recipient (`customer`) and its id there. */
export interface NoticeRecipientRef {
  kind: string;
  id: string;
}

/** The job enqueued for one notice. */
export interface NoticeJob {
  template: string;
  recipient: NoticeRecipientRef;
  data: NoticeData;
}

/** The recipient as read at sending time. */
export interface NoticeRecipient {
  /** The data subject the message belongs to, e.g. `customer:<uuid>`. */
  subjectId: string;
  email: string;
  /** For the salutation; null when the recipient has no name on record. */
  displayName: string | null;
  /** The language the recipient reads notices in; German when not known. */
  locale?: NoticeLocale;
  /**
   * What the resolver read with the recipient for the template (an order's number, lines and
   * totals): read when the notice is sent, like the address, never carried in the job.
   */
  details?: unknown;
}

export const NOTICE_LOCALES = ['de', 'en'] as const;
export type NoticeLocale = (typeof NOTICE_LOCALES)[number];

/**
 * Reads a recipient of one kind when a notice is sent; null when the person no longer exists (erased,
 * or blocked): then nothing is sent. Registered by the module that owns the recipients' table.
 */
export type NoticeRecipientResolver = (id: string, manager: EntityManager) => Promise<NoticeRecipient | null>;

/** A rendered notice. */
export interface RenderedNotice {
  subject: string;
  text: string;
}

/**
 * A notice text, owned by the module that sends it (registration owns the welcome notice). Rendered
 * when the notice is sent, from the recipient as it is then and the job's ids.
 */
export interface NoticeTemplate {
  /** Unique, e.g. `registration.welcome`. */
  id: string;
  render(recipient: NoticeRecipient, data: NoticeData): RenderedNotice;
}
