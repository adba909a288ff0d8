import { createHmac } from 'node:crypto';

/**
 * Data-subject ids as the privacy kernel sees them: an opaque, stable string per person, never an
 * email or a name (they land in the audit and disclosure logs, which outlive erasure).
 */
export const customerSubject = (customerId: string): string => `customer:${customerId}`;
export const inquirySubject = (inquiryId: string): string => `inquiry:${inquiryId}`;

/**
 * A guest has no account; their orders are linked by a keyed hash of the normalised email, so the
 * same guest is one subject across orders without the email itself appearing in the logs.
 */
export const guestSubject = (normalisedEmail: string, key: string): string =>
  `guest:${createHmac('sha256', key).update(normalisedEmail).digest('hex').slice(0, 32)}`;

/** Emails compare case-insensitively and without surrounding spaces (RFC 5321 local parts are case-sensitive in theory, never in practice). */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
