import { defineActivity, DEFAULT_STATUTORY_PERIODS, type DataCategory } from '@app/privacy';

export const PAYMENT_ACTIVITY_ID = 'payment';

/** Record types of blocks and legal holds (privacy.blocked_record). */
export const PAYMENT_RECORD = 'payment';
export const REFUND_RECORD = 'payment.refund';
export const MANDATE_RECORD = 'payment.sepa-mandate';

/** Payment records that ended without money (failed, cancelled) are erased this long after they ended. */
export const UNPAID_PAYMENT_RETENTION_DAYS = 90;
/** Provider event ids are kept this long: replay protection outlives the providers' retry windows (3 days). */
export const PAYMENT_EVENT_RETENTION_DAYS = 90;
/** Resolved staff flags are erased this long after their resolution. */
export const RESOLVED_FLAG_RETENTION_DAYS = 365;
/**
 * The full IBAN of a one-off SEPA mandate is needed until the debtor's bank can no longer take the
 * debit back (13 months for an unauthorised debit, SEPA Core rulebook) plus a month's margin; after
 * that only the masked IBAN stays with the mandate.
 */
export const SEPA_IBAN_RETENTION_DAYS = 425;

/** The statutory period (RETENTION_OPTIONS key) a paid order's payment records are kept for. */
export const ACCOUNTING_VOUCHERS = 'accounting-vouchers';
const VOUCHERS = DEFAULT_STATUTORY_PERIODS[ACCOUNTING_VOUCHERS];

export const PAYMENT_CATEGORIES = {
  amount: {
    id: 'payment.amount',
    description: 'Amount and currency of each payment and refund (the order total)',
    collection: 'not-collected-from-subject',
  },
  orderReference: {
    id: 'payment.order-reference',
    description: 'Order number and order id, so the provider and the shop can match a payment to its order',
    collection: 'not-collected-from-subject',
  },
  method: {
    id: 'order.payment-method',
    description: 'The type of payment method (card, PayPal, SEPA direct debit, invoice); no card numbers',
    collection: 'mandatory',
    reason: 'To take payment the way you chose.',
  },
  providerReference: {
    id: 'payment.provider-reference',
    description:
      "The provider's ids of the payment, capture or refund (Stripe PaymentIntent, PayPal order) and their states; " +
      'provider events (id, type, time) kept for replay protection',
    collection: 'not-collected-from-subject',
  },
  iban: {
    id: 'payment.iban',
    description: 'IBAN of the account to debit (SEPA direct debit only); stored encrypted, shown masked',
    collection: 'mandatory',
    reason: 'Only for SEPA direct debit: the shop collects the amount from this account.',
  },
  accountHolder: {
    id: 'payment.account-holder',
    description: 'Name of the account holder (SEPA direct debit only)',
    collection: 'mandatory',
    reason: 'Only for SEPA direct debit: a mandate names the debtor.',
  },
  mandate: {
    id: 'payment.sepa-mandate',
    description:
      "Mandate reference, date of signature and the shop's creditor identifier (SEPA direct debit only)",
    collection: 'not-collected-from-subject',
  },
} as const satisfies Record<string, DataCategory>;

/**
 * What each recipient may receive, in the names of PaymentDisclosure and RefundDisclosure (the
 * Discloser refuses anything else). No name, no email, no address: card and PayPal payments need none.
 */
export const STRIPE_ALLOW_LIST = [
  'amountCents',
  'currency',
  'orderNumber',
  'orderId',
  'paymentReference',
] as const;
export const PAYPAL_ALLOW_LIST = [
  'amountCents',
  'currency',
  'orderNumber',
  'orderId',
  'paymentReference',
  'captureReference',
] as const;

/** Taking payment (activity `payment`): Stripe, PayPal, SEPA direct debit and invoice. */
export const PAYMENT = defineActivity({
  id: PAYMENT_ACTIVITY_ID,
  name: 'Taking payment for orders (card via Stripe, PayPal, SEPA direct debit, invoice)',
  owner: 'Finance / accounts receivable',
  purposes: [
    'Take payment for an order with the method the customer chose, and refund it',
    'Match payments reported by the payment providers to orders, and flag mismatches for staff',
    'Collect SEPA direct debits under a mandate the customer gave',
  ],
  legalBasis: '6(1)(b)',
  dataSubjects: ['customers', 'guests'],
  dataCategories: Object.values(PAYMENT_CATEGORIES),
  source: { kind: 'data-subject' },
  disclosures: [
    {
      recipient: 'stripe',
      fields: [...STRIPE_ALLOW_LIST],
      purpose:
        'Card payments: Stripe charges the card the customer enters in Stripe.js (the shop never sees it). ' +
        'Stripe receives the amount, the currency and, as metadata, the order number and id; refunds name the ' +
        'PaymentIntent. Stripe is an independent controller for the card data it collects.',
    },
    {
      recipient: 'stripe-us',
      fields: [...STRIPE_ALLOW_LIST],
      purpose:
        'Onward transfer by Stripe Payments Europe to Stripe, Inc. (US) under the EU-US Data Privacy Framework; ' +
        'the shop sends nothing to Stripe, Inc. directly.',
    },
    {
      recipient: 'paypal',
      fields: [...PAYPAL_ALLOW_LIST],
      purpose:
        'PayPal payments: PayPal receives the amount, the currency, the order id (custom_id) and number (invoice_id), ' +
        'with NO_SHIPPING so it neither asks for nor returns a shipping address; captures and refunds name the ' +
        "PayPal order and capture. PayPal is an independent controller for the buyer's PayPal account.",
    },
  ],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'statutory',
      statute: VOUCHERS.statute,
      years: VOUCHERS.years,
      description:
        "A paid order's payment, refunds and SEPA mandate are accounting vouchers: kept until the end of the " +
        `${VOUCHERS.years}th calendar year after the payment; on an erasure request they are blocked until then.`,
    },
    {
      kind: 'event',
      event: 'the payment ended without money (failed or cancelled)',
      graceDays: UNPAID_PAYMENT_RETENTION_DAYS,
      description: `Erased ${UNPAID_PAYMENT_RETENTION_DAYS} days after it ended, at once on an erasure request.`,
    },
    {
      kind: 'duration',
      days: SEPA_IBAN_RETENTION_DAYS,
      description:
        `The full IBAN of a SEPA mandate is erased ${SEPA_IBAN_RETENTION_DAYS} days after the mandate was signed ` +
        '(after the 13 months in which a debit can be taken back); the masked IBAN stays with the mandate.',
    },
    {
      kind: 'duration',
      days: PAYMENT_EVENT_RETENTION_DAYS,
      description: `Provider event ids (replay protection) are erased after ${PAYMENT_EVENT_RETENTION_DAYS} days.`,
    },
    {
      kind: 'event',
      event: 'staff resolved a payment flag',
      graceDays: RESOLVED_FLAG_RETENTION_DAYS,
      description: `Flags for staff (ids and amounts only) are erased ${RESOLVED_FLAG_RETENTION_DAYS} days after they were resolved.`,
    },
  ],
  measures: [
    'Card data never reaches the shop: cards are entered in Stripe.js, the shop handles only the PaymentIntent',
    'Providers receive only the allow-listed fields; the Discloser refuses any other and logs every disclosure',
    'PayPal orders are created with NO_SHIPPING; the payer name, email and address PayPal returns are discarded, never stored',
    'Webhooks are accepted only with a valid signature over the exact bytes received (Stripe: HMAC-SHA256 with a ' +
      '5-minute tolerance; PayPal: SHA256withRSA with a certificate fetched only from PayPal hosts over HTTPS)',
    'Each provider event is applied once (its id is stored); an order is marked paid once, in the same transaction',
    'An amount or currency that does not match the order never marks it paid: it is flagged for staff',
    'IBANs are encrypted (AES-256-GCM, key outside the database, bound to their mandate) and shown masked only',
    'Idempotency keys are passed on to the providers, so a retried request never charges twice',
    'Logs and error bodies carry ids only, never an IBAN, a name or an email',
  ],
  retentionPurpose: true,
});
