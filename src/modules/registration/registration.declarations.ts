import { defineActivity, type DataCategory } from '@app/privacy';

/**
 * The data a customer account holds and why each item is asked. The registration form, its OpenAPI
 * schema and `GET /api/v1/shop/customers/fields` are all generated from these, so what the person
 * is told is mandatory is what the code requires (Art. 13(2)(e)).
 */
export const REGISTRATION_CATEGORIES = {
  email: {
    id: 'contact.email',
    description: 'Email address',
    collection: 'mandatory',
    reason:
      'It is your sign-in name, and the address for notices about your account (never for advertising without your consent).',
  },
  password: {
    id: 'account.password-hash',
    description: 'Password, stored only as a salted Argon2id hash',
    collection: 'mandatory',
    reason: 'It protects your account; the shop never stores it in readable form.',
  },
  name: {
    id: 'identity.name',
    description: 'First and last name',
    collection: 'mandatory',
    reason: 'To address you and to fill in your orders and invoices.',
  },
  phone: {
    id: 'contact.phone',
    description: 'Phone number',
    collection: 'voluntary',
    reason: 'Only if you want the shop to be able to call you about your orders; you may leave it out.',
  },
  dateOfBirth: {
    id: 'identity.date-of-birth',
    description: 'Date of birth',
    collection: 'voluntary',
    reason:
      'Only if you want to pay by invoice or direct debit, where the credit check needs it; you may leave it out.',
  },
  company: {
    id: 'identity.company',
    description: 'Company',
    collection: 'voluntary',
    reason: 'For business customers, to appear on invoices; you may leave it out.',
  },
  address: {
    id: 'address.postal',
    description: 'Postal addresses in the address book',
    collection: 'voluntary',
    reason: 'To fill in delivery and billing addresses for you; you may enter them with each order instead.',
  },
  session: {
    id: 'account.session',
    description:
      'Sign-in sessions: when each began, was last used and ends (refresh tokens stored only as hashes)',
    collection: 'not-collected-from-subject',
  },
} as const satisfies Record<string, DataCategory>;

export type RegistrationCategory = keyof typeof REGISTRATION_CATEGORIES;

/** The fields of the registration form and the data category each one is. */
export const REGISTRATION_FORM: readonly { field: string; category: RegistrationCategory }[] = [
  { field: 'email', category: 'email' },
  { field: 'password', category: 'password' },
  { field: 'firstName', category: 'name' },
  { field: 'lastName', category: 'name' },
  { field: 'phone', category: 'phone' },
  { field: 'dateOfBirth', category: 'dateOfBirth' },
  { field: 'company', category: 'company' },
];

/** "Mandatory. <why>" or "Voluntary. <why>": the schema description of a form field. */
export function fieldDoc(category: RegistrationCategory, extra = ''): string {
  const c: DataCategory = REGISTRATION_CATEGORIES[category];
  const kind = c.collection === 'mandatory' ? 'Mandatory' : 'Voluntary (may be left out)';
  return `${kind}. ${c.reason ?? c.description}${extra ? ` ${extra}` : ''}`;
}

export const REGISTRATION = defineActivity({
  id: 'registration',
  name: 'Customer account',
  purposes: [
    'Open and keep a customer account: sign-in, profile, address book, order history',
    'Let customers rectify their data themselves (Art. 16)',
  ],
  legalBasis: '6(1)(b)',
  dataSubjects: ['customers'],
  dataCategories: Object.values(REGISTRATION_CATEGORIES),
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'the account is closed or its erasure requested (Art. 17)',
      description:
        'Kept while the account exists; then erased (no statute requires keeping account data; orders and invoices are ' +
        'kept by order processing for their statutory periods).',
    },
    {
      kind: 'event',
      event: 'a sign-in session ends (expiry, sign-out, password change, or reuse of a rotated token)',
      graceDays: 30,
      description: 'Ended sessions are deleted 30 days after they ended.',
    },
  ],
  measures: [
    'Passwords hashed with Argon2id (19 MiB, 2 iterations); breached and short passwords refused',
    'Sign-in throttled per account and per client (429 with Retry-After); answers never reveal whether an address has an account',
    'Short-lived signed access tokens; opaque refresh tokens stored as SHA-256 hashes, rotated on each use, a reused token ends its whole session',
    'Each customer reads and changes only their own data; every rectification is written to the hash-chained audit log (field names only)',
    'Voluntary fields can be removed again at any time (PATCH with null)',
    'Marketing consent is kept in the consent ledger, never as a column of the account',
  ],
});

/** The consent purpose (ledger) and activity id of marketing emails. */
export const MARKETING_EMAIL_PURPOSE = 'marketing-email';

/**
 * The words the person agrees to. A new text needs a new version: the ledger stores the version
 * and a hash of the text with every grant, which proves what was agreed (Art. 7(1)).
 */
export const MARKETING_EMAIL_WORDING = {
  version: 'marketing-email-2025-01',
  text:
    'Ja, ich möchte per E-Mail über neue Produkte, Angebote und Aktionen des Shops informiert werden. ' +
    'Meine Einwilligung kann ich jederzeit mit Wirkung für die Zukunft widerrufen, zum Beispiel in meinem Kundenkonto.',
} as const;

export const MARKETING_EMAIL = defineActivity({
  id: 'marketing-email',
  name: 'Marketing emails to customers who asked for them',
  purposes: ['Tell customers who opted in about new products, offers and promotions by email'],
  legalBasis: '6(1)(a)',
  consentPurpose: MARKETING_EMAIL_PURPOSE,
  dataSubjects: ['customers'],
  dataCategories: [
    {
      id: 'contact.email',
      description: 'Email address of the account',
      collection: 'voluntary',
      reason: 'Marketing emails are sent only with your consent, which you may withdraw at any time.',
    },
    {
      id: 'identity.name',
      description: 'First and last name, for the salutation',
      collection: 'voluntary',
      reason: 'To address you by name.',
    },
  ],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'consent withdrawn',
      description:
        'Marketing stops at once when consent is withdrawn; the consent history is kept as proof (Art. 7(1)).',
    },
  ],
  measures: [
    'Consent recorded in the append-only consent ledger with time, wording version and hash, channel and evidence',
    'Withdrawal as easy as granting: one request in the account, effective immediately (Art. 7(3))',
    'Consent is never a condition of registration or of an order (Art. 7(4))',
  ],
});
