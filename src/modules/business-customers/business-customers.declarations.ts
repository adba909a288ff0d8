import { defineActivity, defineRecipient } from '@app/privacy';

export const BUSINESS_CUSTOMERS_ACTIVITY_ID = 'business-customers';
export const VIES_RECIPIENT_ID = 'vies';
/** The record type of a business profile (keyed by the customer id) for blocking and erasure reports. */
export const BUSINESS_CUSTOMER_RECORD = 'business_customer';

/** What VIES receives: the VAT ID, split as its interface takes it. Nothing else about the customer. */
export const VIES_ALLOW_LIST = ['countryCode', 'vatNumber'];

export const BUSINESS_CATEGORIES = {
  company: 'identity.company',
  vatId: 'business.vat-id',
  viesAnswer: 'business.vies-answer',
} as const;

export const VIES = defineRecipient({
  id: VIES_RECIPIENT_ID,
  name: "VIES, the European Commission's VAT information exchange system (via the member states' tax authorities)",
  role: 'recipient',
  country: 'BE',
  contractReference: 'Art. 31 Regulation (EU) No 904/2010 (public VAT number validation)',
  description:
    'Confirms whether a VAT ID is registered and valid; receives only the VAT ID and the shop’s own VAT ID as requester.',
});

/**
 * Business customers: a practice or company with its VAT ID, confirmed with VIES so that deliveries
 * to other member states can be zero-rated (§ 6a UStG); the confirmation is the evidence (§ 17a UStDV).
 */
export const BUSINESS_CUSTOMERS = defineActivity({
  id: BUSINESS_CUSTOMERS_ACTIVITY_ID,
  name: 'Business customers and their VAT IDs',
  owner: 'Accounting',
  purposes: [
    'Sell to businesses at net prices and the prices of their customer group',
    'Confirm VAT IDs with VIES and keep the confirmation as evidence for zero-rated intra-EU deliveries',
  ],
  legalBasis: '6(1)(c)',
  dataSubjects: ['customers who buy as a business (sole traders such as doctors in private practice)'],
  dataCategories: [
    {
      id: BUSINESS_CATEGORIES.company,
      description: 'Company or practice name',
      collection: 'mandatory',
      reason: 'A business customer is known by its company; invoices name it.',
    },
    {
      id: BUSINESS_CATEGORIES.vatId,
      description: 'VAT identification number (USt-IdNr.) and its country',
      collection: 'voluntary',
      reason: 'Needed only for zero-rated deliveries to another member state; without it VAT is charged.',
    },
    {
      id: BUSINESS_CATEGORIES.viesAnswer,
      description: "VIES' answer: valid or not, the registered name, the consultation number and date",
      collection: 'not-collected-from-subject',
    },
  ],
  source: { kind: 'data-subject' },
  disclosures: [
    {
      recipient: VIES_RECIPIENT_ID,
      fields: VIES_ALLOW_LIST,
      purpose: 'Confirm that the VAT ID is valid before zero-rating a delivery (§ 6a(1) Nr. 2, (3) UStG).',
    },
  ],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'event',
      event: 'the customer account is erased',
      graceDays: 0,
      description:
        'The business profile and the VIES answers are erased with the account. The VAT ID and the consultation ' +
        'number an invoice relied on are copied onto that order and invoice and kept with them for their statutory period.',
    },
  ],
  measures: [
    "Data leaves only through the kernel's Discloser: VIES receives the VAT ID and nothing else",
    'A VIES outage or fault never confirms a VAT ID: the delivery is taxed until VIES confirms it',
    'Each VIES answer is kept as received with its SHA-256, as evidence; names and VAT IDs are never logged',
    'Read by the customer themself and by staff with the support or admin role',
  ],
});
