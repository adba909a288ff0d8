import { defineActivity } from '@app/privacy';

/** Former staff stay attributable in the audit log this long after deactivation, then are anonymised. */
export const STAFF_ACCOUNT_RETENTION_DAYS = 3 * 365;

/**
 * Employees' back-office accounts. § 26 BDSG is named for context only: since CJEU C-34/21 (2023) it
 * is no independent legal basis, so the processing rests on the employment contract, Art. 6(1)(b).
 */
export const STAFF_ACCOUNTS = defineActivity({
  id: 'staff-accounts',
  name: 'Back-office staff accounts and roles',
  owner: 'Shop management (administrators)',
  purposes: [
    'Give each employee access to the back office with the role their job needs (fulfilment, support, privacy officer, administrator)',
    'Hold every access to customer data accountable to a named employee (access audit log)',
    'Performance of the employment contract, Art. 6(1)(b) GDPR (cf. § 26 BDSG, which after CJEU C-34/21 is no independent basis)',
  ],
  legalBasis: '6(1)(b)',
  dataSubjects: ['employees of the shop (back-office staff)'],
  dataCategories: [
    { id: 'staff.email', description: 'work email address, the sign-in name', collection: 'mandatory' },
    { id: 'staff.name', description: 'display name', collection: 'mandatory' },
    {
      id: 'staff.password-hash',
      description: 'Argon2id hash of the password (the password itself is never stored)',
      collection: 'mandatory',
    },
    { id: 'staff.role', description: 'role in the back office', collection: 'mandatory' },
    {
      id: 'staff.login-activity',
      description: 'time of the last sign-in, account creation and deactivation',
      collection: 'not-collected-from-subject',
    },
  ],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'the account is deactivated (employment or the need for access ends)',
      graceDays: STAFF_ACCOUNT_RETENTION_DAYS,
      description:
        'Kept three years after deactivation so that accesses recorded in the audit log stay attributable to a ' +
        'person (regular limitation period, § 195 BGB); then email, name and password hash are erased and only ' +
        'the id and role remain as the actor of the audit entries.',
    },
  ],
  measures: [
    'Passwords hashed with Argon2id; breached and short passwords refused',
    'Short-lived signed access tokens; sign-in locked for a while after repeated failures',
    'Deactivation and role changes take effect on the next request to back-office routes',
    'Only administrators manage accounts; the last active administrator cannot be removed',
    'Reads of staff records by administrators are recorded in the access audit log',
  ],
});

/** Staff reading customers' data to answer them and to fulfil their orders. */
export const CUSTOMER_SUPPORT = defineActivity({
  id: 'customer-support',
  name: 'Back-office access to customer data (support and fulfilment)',
  owner: 'Customer service and fulfilment',
  purposes: [
    "Answer customers' questions and complaints about their account and orders",
    'Pick, pack and label the orders of customers (fulfilment)',
    'Find the data a data-subject request is about (privacy officer)',
  ],
  legalBasis: '6(1)(b)',
  dataSubjects: ['customers'],
  dataCategories: [
    { id: 'identity.name', description: 'first and last name', collection: 'mandatory' },
    { id: 'address.postal', description: 'delivery and billing addresses', collection: 'mandatory' },
    {
      id: 'contact.email',
      description: 'email address (not shown to fulfilment)',
      collection: 'mandatory',
    },
    {
      id: 'contact.phone',
      description: 'phone number (not shown to fulfilment)',
      collection: 'voluntary',
    },
    { id: 'identity.company', description: 'company', collection: 'voluntary' },
    {
      id: 'identity.date-of-birth',
      description: 'date of birth, where given for a credit check (shown to the privacy officer only)',
      collection: 'voluntary',
    },
  ],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event:
        'no copy is kept: the customer record is only read, under the retention of the registration activity',
      description:
        'Reads keep no copy of the data; what remains is the access audit entry (who, whose, which fields, when), ' +
        'without values.',
    },
  ],
  measures: [
    'Field masking by role from one policy table (fulfilment never receives email, phone, payment or credit data)',
    'Every read is recorded in the hash-chained access audit log with the fields returned',
    'Searching by email only for roles that may see email addresses',
    'Customers under restriction (Art. 18) or objection are withheld',
    'Short-lived staff tokens; deactivated staff lose access at once',
  ],
});
