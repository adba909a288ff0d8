import { defineActivity } from '@app/privacy';

/** The registry id of the contact form and product inquiries. */
export const INQUIRIES_ACTIVITY_ID = 'inquiries';

/** The record type legal holds, sweeps and erasure reports name for one inquiry. */
export const INQUIRY_RECORD = 'inquiry';
/** The record type of one staff answer to an inquiry (erased with its inquiry). */
export const INQUIRY_ANSWER_RECORD = 'inquiry_answer';

/**
 * How long a closed inquiry waits at most for its answer to be delivered (by the notifications
 * outbox) before it is deleted anyway: an answer that cannot be sent in a week will not be.
 */
export const ANSWER_DELIVERY_WAIT_DAYS = 7;

/** The data categories, as the entity columns name them with `@PersonalData`. */
export const INQUIRY_CATEGORIES = {
  name: 'inquiry.name',
  email: 'contact.email',
  company: 'identity.company',
  phone: 'contact.phone',
  message: 'inquiry.message',
  product: 'product',
  answer: 'inquiry.answer',
} as const;

/**
 * Contact form and product inquiries (privacy policy: "contact form and product inquiries"). No
 * account is needed; the person gets a withdrawal token with the receipt and can have the inquiry
 * deleted at once with it. The inquiry is never passed to anyone: `disclosures` stays empty and the
 * Discloser refuses any handoff for this activity (a recipient added here is a new, versioned
 * declaration that the linter and the declaration test look at).
 */
export const INQUIRIES = defineActivity({
  id: INQUIRIES_ACTIVITY_ID,
  name: 'Contact form and product inquiries',
  owner: 'Customer support',
  purposes: [
    'Answer questions people send through the contact form, about the shop or a product, before or outside a contract',
  ],
  legalBasis: '6(1)(b)',
  dataSubjects: ['people who send an inquiry (prospective customers, customers, practices)'],
  dataCategories: [
    {
      id: INQUIRY_CATEGORIES.name,
      description: 'Name as given in the form',
      collection: 'mandatory',
      reason: 'To address the answer to the person',
    },
    {
      id: INQUIRY_CATEGORIES.email,
      description: 'Email address',
      collection: 'mandatory',
      reason: 'To send the answer',
    },
    {
      id: INQUIRY_CATEGORIES.company,
      description: 'Company or practice',
      collection: 'voluntary',
      reason: 'Helps to answer questions about professional use of the devices',
    },
    {
      id: INQUIRY_CATEGORIES.phone,
      description: 'Telephone number (stored in E.164 form)',
      collection: 'voluntary',
      reason: 'Only if the person prefers a call back',
    },
    {
      id: INQUIRY_CATEGORIES.message,
      description: 'The message text',
      collection: 'mandatory',
      reason: 'The question itself',
    },
    {
      id: INQUIRY_CATEGORIES.product,
      description: 'The product (SKU) the inquiry is about',
      collection: 'voluntary',
    },
    {
      id: INQUIRY_CATEGORIES.answer,
      description: "The shop's answer to the inquiry",
      collection: 'not-collected-from-subject',
    },
  ],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: [],
  retention: [
    {
      kind: 'event',
      event: 'handled',
      graceDays: 0,
      description:
        'Deleted when the inquiry is handled: closing it by support starts a grace of INQUIRY_DELETE_GRACE_DAYS ' +
        '(default 0 days: deleted in the same step). An answer still waiting to be sent keeps the inquiry until it ' +
        `is sent, at most ${ANSWER_DELIVERY_WAIT_DAYS} days. An inquiry covered by a legal hold is deleted after ` +
        'the hold is released.',
    },
    {
      kind: 'event',
      event: 'withdrawn',
      graceDays: 0,
      description:
        'Deleted at once when the person withdraws it with the withdrawal token of the receipt (or asks for ' +
        'erasure); no statute requires keeping inquiries.',
    },
  ],
  measures: [
    'Never disclosed to any recipient: no allow-list exists, so every handoff fails closed',
    'Public form throttled per client (shared counters, client addresses stored only as hashes)',
    'Withdrawal by an unguessable token (256 bits) stored only as a SHA-256 hash, sent in a header, never in a URL',
    'Read only by staff with the support or admin role; every read of an inquiry is written to the hash-chained audit log',
    'Lists show no personal data; names, addresses and messages are never logged',
    'Hard deletion (no soft delete), answers deleted with their inquiry',
  ],
});
