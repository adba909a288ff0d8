import { defineActivity, type DataCategory, type Disclosure } from '@app/privacy';
import { LOGISTICS_PARTNER } from './carrier-handoff.recipients.js';

/** The consent-ledger purpose written at checkout (orders: CARRIER_NOTIFICATIONS_PURPOSE). */
export const CARRIER_NOTIFICATIONS = 'carrier-notifications';

/**
 * What a carrier or logistics partner receives, as field paths of the disclosed payload
 * (ParcelRecipient in carrier.port.ts). The minimum to deliver (docs/legal-facts.md: carriers need only name
 * and address): no company, no billing address, no items, no amounts, no customer id.
 */
export const CARRIER_ALLOW_LIST = [
  'name',
  'street',
  'houseNumber',
  'addressLine2',
  'postalCode',
  'city',
  'country',
  'parcel.weight',
  'parcel.reference',
] as const;

/** Only with the customer's consent to carrier notifications (German supervisory authorities, 2018). */
export const CARRIER_CONSENTED_FIELDS = ['email', 'phone'] as const;

export const HANDOFF_CATEGORIES = {
  name: {
    id: 'identity.name',
    description: 'Name of the recipient of the parcel (from the delivery address of the order)',
    collection: 'mandatory',
    reason: 'The carrier must know whom to deliver to.',
  },
  address: {
    id: 'address.postal',
    description:
      'Delivery address of the order (street, house number, address addition, postal code, city, country)',
    collection: 'mandatory',
    reason: 'The carrier must know where to deliver.',
  },
  email: {
    id: 'contact.email',
    description:
      'Email address of the buyer, passed to the carrier only when the buyer agreed to carrier notifications at checkout',
    collection: 'voluntary',
    reason:
      'Lets the carrier announce the delivery day; only with your consent, which you can withdraw at any time.',
  },
  phone: {
    id: 'contact.phone',
    description:
      'Phone number of the recipient, passed only with the consent to carrier notifications and only where the order ' +
      'holds one (checkout does not ask for one today)',
    collection: 'voluntary',
  },
  tracking: {
    id: 'shipment.tracking',
    description:
      "The carrier's shipment number (tracking number) and the shipment's progress (handed over, picked up, delivered)",
    collection: 'not-collected-from-subject',
  },
  label: {
    id: 'shipment.label',
    description: "The carrier's shipping label (a PDF printing name and delivery address), kept for reprints",
    collection: 'not-collected-from-subject',
  },
} as const satisfies Record<string, DataCategory>;

/** Days a label is kept after the handover by default (CARRIER_LABEL_RETENTION_DAYS). */
export const DEFAULT_LABEL_RETENTION_DAYS = 30;

const disclosure = (recipient: string, purpose: string): Disclosure => ({
  recipient,
  fields: [...CARRIER_ALLOW_LIST],
  consentedFields: [{ purpose: CARRIER_NOTIFICATIONS, fields: [...CARRIER_CONSENTED_FIELDS] }],
  purpose,
});

/**
 * Hand the parcel to DHL, Hermes or dpd (their APIs), or let a carrier or logistics partner fetch the
 * shipments assigned to it (partner API, signed webhooks). The activity `carrier-handoff`.
 */
export const CARRIER_HANDOFF = defineActivity({
  id: 'carrier-handoff',
  name: 'Handing parcels to carriers and logistics partners',
  owner: 'Logistics',
  purposes: [
    'Deliver the order: create the shipment and its label at the carrier the shop chose for the delivery country',
    'Let carriers and logistics partners fetch (partner API) or receive (signed webhooks) the shipments assigned to them, and report pick-up and delivery',
    'Let the carrier notify the buyer of the delivery, only where the buyer agreed to it',
  ],
  legalBasis: '6(1)(b)',
  dataSubjects: ['customers', 'guests'],
  dataCategories: Object.values(HANDOFF_CATEGORIES),
  source: { kind: 'data-subject' },
  disclosures: [
    disclosure(
      'dhl',
      'DHL delivers the parcel (DHL Parcel DE Shipping API) and may use the data only to deliver.',
    ),
    disclosure('hermes', 'Hermes delivers the parcel (HSI API) and may use the data only to deliver.'),
    disclosure(
      'dpd',
      'dpd delivers the parcel (dpd Cloud Web Service) and may use the data only to deliver.',
    ),
    disclosure(
      LOGISTICS_PARTNER.id,
      'A logistics partner fetches or receives the shipments assigned to it and may use the data only to deliver.',
    ),
  ],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'the order is erased (its shipment is part of it)',
      description:
        'A shipment (carrier, tracking number, progress) is kept as long as its order; an erasure request blocks it ' +
        'with its order until the end of the statutory period of the invoice, and it is erased with the order.',
    },
    {
      kind: 'duration',
      days: DEFAULT_LABEL_RETENTION_DAYS,
      description:
        `The shipping label is erased ${DEFAULT_LABEL_RETENTION_DAYS} days after the handover (CARRIER_LABEL_RETENTION_DAYS), ` +
        'at once on an erasure request.',
    },
    {
      kind: 'duration',
      days: 90,
      description:
        'The delivery log of partner webhooks (ids, event, HTTP status, no personal data) is deleted after ' +
        'PARTNER_WEBHOOK_LOG_RETENTION_DAYS (default 90) days.',
    },
    {
      kind: 'event',
      event: 'the shipment is delivered',
      graceDays: 14,
      description:
        'Partners receive no personal data of a shipment from PARTNER_PERSONAL_DATA_DAYS (default 14) days after its ' +
        'delivery on: the partner API answers without it and says so.',
    },
  ],
  measures: [
    'Data leaves only through the kernel Discloser: the allow-list per recipient, email and phone only with consent; any other field fails closed and nothing is sent',
    'Every handoff, every partner read and every webhook delivery is in the disclosure log (when, to whom, which fields, about whom); partner reads also in the access audit log',
    'The shipment table keeps no copy of name or address: each handoff reads them from the order, so a rectification reaches the next handoff',
    'Transactional outbox: packing an order and enqueuing its handoff commit together; the order number is the carrier-side reference, so a retry after a crash adopts the shipment instead of creating a second one',
    'Partner API keys are scoped; a partner sees only the shipments assigned to it (others answer 404), and no personal data after delivery plus the configured days',
    'Webhooks are signed (HMAC-SHA256 over timestamp and body, timestamp tolerance against replays); their secrets are stored encrypted (AES-256-GCM)',
    'Error texts of carriers are not stored (they echo addresses); logs and attempt records carry ids and HTTP statuses only',
  ],
});
