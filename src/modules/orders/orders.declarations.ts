import { defineActivity, DEFAULT_STATUTORY_PERIODS, type DataCategory } from '@app/privacy';

/** Cancelled orders that were never paid are erased this many days after the cancellation. */
export const CANCELLED_ORDER_RETENTION_DAYS = 90;

/** Idempotency keys of order placement are kept this long (a client retries within minutes). */
export const IDEMPOTENCY_KEY_RETENTION_DAYS = 30;

/** The statutory period (RETENTION_OPTIONS key) paid orders and their invoices are kept for. */
export const ACCOUNTING_VOUCHERS = 'accounting-vouchers';

const VOUCHERS = DEFAULT_STATUTORY_PERIODS[ACCOUNTING_VOUCHERS];

export const ORDER_CATEGORIES = {
  name: {
    id: 'identity.name',
    description: 'First and last name of the recipient (delivery address) and of the buyer (billing address)',
    collection: 'mandatory',
    reason: 'The parcel must name its recipient and the invoice its buyer.',
  },
  company: {
    id: 'identity.company',
    description: 'Company in the delivery or billing address',
    collection: 'voluntary',
    reason: 'For business customers, to appear on the parcel and the invoice; you may leave it out.',
  },
  email: {
    id: 'contact.email',
    description: "Email address of a guest (a customer's comes from the account)",
    collection: 'mandatory',
    reason: 'To confirm the order and send the link to follow it.',
  },
  address: {
    id: 'address.postal',
    description: 'Delivery and billing address (billing defaults to delivery)',
    collection: 'mandatory',
    reason: 'Needed to deliver the order and to write the invoice.',
  },
  items: {
    id: 'order.items',
    description: 'Ordered products, quantities and prices',
    collection: 'mandatory',
    reason: 'What you buy.',
  },
  paymentMethod: {
    id: 'order.payment-method',
    description:
      'The type of payment method chosen (card, PayPal, SEPA direct debit, invoice); no card or account numbers',
    collection: 'mandatory',
    reason: 'To take payment the way you chose.',
  },
  amounts: {
    id: 'order.amounts',
    description: 'Order totals and VAT, payment date, the payment provider and its payment reference',
    collection: 'not-collected-from-subject',
  },
} as const satisfies Record<string, DataCategory>;

const MEASURES = [
  'Orders are read only by their customer (signed-in) or by the holder of the signed order link (guests); others get 404',
  'Guest order links are HMAC-signed, expire, and travel in a header, never in a URL',
  'Guests are data subjects by a keyed hash of their email; logs and audit entries carry ids, never emails or addresses',
  'Placement is one database transaction: no half-written order, no oversold stock',
  'Staff change an order only through the state machine, by role; every change is kept with actor and time',
  'Blocked (erasure-requested) orders are excluded from every route; only the statutory-retention purpose reads them',
  'Request bodies are never logged; logs redact names, emails and addresses',
];

/** Orders and their fulfilment (activity `order-processing`). */
export const ORDER_PROCESSING = defineActivity({
  id: 'order-processing',
  name: 'Orders and their fulfilment',
  purposes: [
    'Conclude and perform the sales contract: take the order, reserve the goods, take payment, deliver',
    'Handle cancellations and refunds',
    "Handle a consumer's withdrawal (§§ 355-357 BGB): record the lines withdrawn, receive and inspect the returned " +
      'goods, refund line by line (returns and their history are kept with the order)',
    'Let a guest follow their order through the link sent at checkout',
    'Email the order confirmation (with the withdrawal instructions, Art. 246a EGBGB) and the notices of payment, ' +
      'shipment, cancellation, refund and return',
  ],
  legalBasis: '6(1)(b)',
  dataSubjects: ['customers', 'guests'],
  dataCategories: Object.values(ORDER_CATEGORIES),
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider', 'mail-provider'],
  retention: [
    {
      kind: 'event',
      event: 'the order is cancelled before payment',
      graceDays: CANCELLED_ORDER_RETENTION_DAYS,
      description: `An order never paid is erased ${CANCELLED_ORDER_RETENTION_DAYS} days after its cancellation, at once on an erasure request.`,
    },
    {
      kind: 'statutory',
      statute: VOUCHERS.statute,
      years: VOUCHERS.years,
      description:
        'A paid order is an accounting voucher: kept until the end of the ' +
        `${VOUCHERS.years}th calendar year after its invoice, then erased; on an erasure request it is blocked ` +
        '(restricted to the statutory-retention purpose) until then.',
    },
    {
      kind: 'duration',
      days: IDEMPOTENCY_KEY_RETENTION_DAYS,
      description: `Idempotency keys of order placement (they link a retry to its order) are erased after ${IDEMPOTENCY_KEY_RETENTION_DAYS} days.`,
    },
  ],
  measures: MEASURES,
  retentionPurpose: true,
});

/** Invoices and their statutory keeping (activity `order-processing`, Art. 6(1)(c)). */
export const INVOICING = defineActivity({
  id: 'invoicing',
  name: 'Invoices and accounting vouchers',
  purposes: [
    'Issue an invoice for every paid order (§ 14 UStG)',
    'Keep invoices and the orders they rest on for the statutory period (§ 257 HGB, § 147 AO)',
  ],
  legalBasis: '6(1)(c)',
  dataSubjects: ['customers', 'guests'],
  dataCategories: [
    ORDER_CATEGORIES.name,
    ORDER_CATEGORIES.company,
    ORDER_CATEGORIES.address,
    ORDER_CATEGORIES.items,
    ORDER_CATEGORIES.paymentMethod,
    ORDER_CATEGORIES.amounts,
  ],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'statutory',
      statute: VOUCHERS.statute,
      years: VOUCHERS.years,
      description:
        `Kept until the end of the ${VOUCHERS.years}th calendar year after the invoice date, then erased by the ` +
        'retention sweep; an erasure request blocks the invoice until then instead of erasing it (Art. 17(3)(b)).',
    },
  ],
  measures: [
    'Invoice numbers are consecutive without gaps (one counter per year, incremented in the issuing transaction)',
    'An issued invoice cannot be changed (database trigger); it is a snapshot of the billing address and lines',
    ...MEASURES.slice(4),
  ],
  retentionPurpose: true,
});

/**
 * The statutory period for the serial ↔ buyer link of medical devices: MDR Art. 25(2) requires every
 * economic operator (a distributor too) to be able to identify to whom it supplied a device, for the
 * period of Art. 10(8) (at least 10 years after the device was placed on the market; 15 for
 * implantables, which this shop does not sell); Art. 27(8) has them store the UDI of devices they
 * supplied. Counted like the other statutory periods: to the end of the 10th calendar year after
 * the piece left (its scan at packing).
 */
export const DEVICE_RECORDS_PERIOD = {
  statute: 'Art. 25(2), Art. 27(8) with Art. 10(8) Regulation (EU) 2017/745 (MDR)',
  years: 10,
  description:
    'who a medical device (by UDI or serial number) was supplied to, for field safety actions and recalls',
} as const;

export const DEVICE_SERIAL_CATEGORY = {
  id: 'order.device-serials',
  description:
    'The UDI or serial number of each medical device sold, with the order line and buyer it went to',
  collection: 'not-collected-from-subject',
} as const satisfies DataCategory;

/** Device traceability: serial ↔ buyer for recalls (MDR). */
export const DEVICE_TRACEABILITY = defineActivity({
  id: 'device-traceability',
  name: 'Traceability of medical devices (UDI / serial numbers)',
  purposes: [
    'Record the UDI or serial number of each medical device at packing, per order line',
    'Find the buyers of affected devices in a recall or field safety corrective action (MDR Art. 14(4), 25, 27)',
  ],
  legalBasis: '6(1)(c)',
  dataSubjects: ['customers', 'guests'],
  dataCategories: [DEVICE_SERIAL_CATEGORY, ORDER_CATEGORIES.items],
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'statutory',
      statute: DEVICE_RECORDS_PERIOD.statute,
      years: DEVICE_RECORDS_PERIOD.years,
      description:
        `Kept until the end of the ${DEVICE_RECORDS_PERIOD.years}th calendar year after the device was supplied. ` +
        'An erasure request does not delete the link between a serial number and its buyer: it is blocked ' +
        '(restricted to this statutory purpose, Art. 17(3)(b) GDPR) until then, and erased by the retention sweep.',
    },
  ],
  measures: [
    'Only staff (support, admin, privacy officer) search serial numbers; every search is audited per buyer',
    'Serial numbers are scanned by fulfilment at packing; a serial for a line that is no device is refused',
    'Blocked links are found only by the recall search (the statutory purpose) and shown as blocked',
  ],
  retentionPurpose: true,
});
