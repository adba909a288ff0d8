import { defineActivity } from '@app/privacy';

/** How long a copy of a sent notice is kept (the retention policy and the declaration say the same). */
export const OUTBOUND_MESSAGE_RETENTION_DAYS = 30;

/**
 * Service notices to account holders (welcome, security notices). Contract-based: an account needs
 * them; marketing is a different activity on consent (`marketing-email`).
 */
export const CUSTOMER_NOTIFICATIONS = defineActivity({
  id: 'customer-notifications',
  name: 'Service notices to customers by email',
  purposes: [
    'Send the notices a customer account needs: the welcome after registration, and security notices ' +
      '(password or email address changed, a new registration attempted with an address that already has an account)',
  ],
  legalBasis: '6(1)(b)',
  dataSubjects: ['customers'],
  dataCategories: [
    {
      id: 'contact.email',
      description: 'Email address the notice is sent to (the account address, read when the notice is sent)',
      collection: 'mandatory',
      reason: 'Without an address the shop cannot tell you about your account.',
    },
    {
      id: 'identity.name',
      description: 'First and last name, for the salutation',
      collection: 'mandatory',
      reason: 'To address you by name.',
    },
    {
      id: 'notification.content',
      description: 'Subject line and text of each notice as sent',
      collection: 'not-collected-from-subject',
    },
  ],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider', 'mail-provider'],
  retention: [
    {
      kind: 'duration',
      days: OUTBOUND_MESSAGE_RETENTION_DAYS,
      description: `A copy of each notice is kept ${OUTBOUND_MESSAGE_RETENTION_DAYS} days after sending (proof of delivery, support questions), then deleted.`,
    },
  ],
  measures: [
    'Jobs carry ids only, never an address or a name: the address is read when the notice is sent, so a person erased before then receives nothing',
    'Each job writes at most one message (idempotency key), however often pg-boss delivers it',
    'Notice texts carry no passwords, tokens or payment data',
    'Copies are swept automatically after the retention period',
  ],
});
