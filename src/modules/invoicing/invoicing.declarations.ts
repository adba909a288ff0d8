import { DEFAULT_STATUTORY_PERIODS, defineActivity } from '@app/privacy';
import { ACCOUNTING_VOUCHERS } from '../orders/index.js';

export const INVOICE_ARCHIVE_ACTIVITY_ID = 'invoice-archive';
/** The record type of an archived document (PDF, e-invoice XML, Factur-X PDF) for blocking and erasure. */
export const INVOICE_DOCUMENT_RECORD = 'invoice_document';
/** The record type of a credit note (its amounts and reference; the document is an invoice_document). */
export const CREDIT_NOTE_RECORD = 'credit_note';

const VOUCHERS = DEFAULT_STATUTORY_PERIODS[ACCOUNTING_VOUCHERS];

/** What an issued document holds: the invoice's data as issued, rendered. */
export const DOCUMENT_CATEGORIES = {
  name: {
    id: 'identity.name',
    description: 'The buyer’s name as on the billing address',
    collection: 'mandatory',
    reason: 'An invoice must name its buyer (§ 14(4) Nr. 1 UStG).',
  },
  company: {
    id: 'identity.company',
    description: 'Company or practice in the billing address',
    collection: 'voluntary',
    reason: 'For business customers, an invoice names the company.',
  },
  address: {
    id: 'address.postal',
    description: 'Billing address',
    collection: 'mandatory',
    reason: 'An invoice must carry the buyer’s full address (§ 14(4) Nr. 1 UStG).',
  },
  vatId: {
    id: 'business.vat-id',
    description: 'The buyer’s VAT ID, for a zero-rated delivery to a business in another member state',
    collection: 'voluntary',
    reason: 'The invoice of an intra-EU delivery must name it (§ 14a(3) UStG).',
  },
  items: {
    id: 'order.items',
    description: 'Goods with quantities and prices',
    collection: 'mandatory',
    reason: 'An invoice lists what was supplied (§ 14(4) Nr. 5 UStG).',
  },
  amounts: {
    id: 'order.amounts',
    description: 'Net amounts, VAT per rate, totals, payment method',
    collection: 'mandatory',
    reason: 'An invoice states the consideration and the tax (§ 14(4) Nr. 7, 8 UStG).',
  },
} as const;

/**
 * The documents of invoices and credit notes: rendered when an order is paid (the invoice) and when
 * a paid order is cancelled or refunded (the credit note), archived as issued (GoBD) and given to the
 * buyer and to staff. The invoice data itself is the orders module's (`invoicing`).
 */
export const INVOICE_ARCHIVE = defineActivity({
  id: INVOICE_ARCHIVE_ACTIVITY_ID,
  name: 'Invoice and credit-note documents and their archive',
  owner: 'Accounting',
  purposes: [
    'Issue the invoice document of a paid order (§ 14 UStG) and, for business customers, the e-invoice (§ 14(1) UStG, EN 16931)',
    'Issue credit notes (Rechnungskorrektur) for cancelled and refunded orders',
    'Archive every issued document unchanged for the statutory period (§ 14b UStG, § 147 AO, GoBD)',
  ],
  legalBasis: '6(1)(c)',
  dataSubjects: ['customers', 'guests'],
  dataCategories: Object.values(DOCUMENT_CATEGORIES),
  source: { kind: 'data-subject' },
  disclosures: [],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'statutory',
      statute: VOUCHERS.statute,
      years: VOUCHERS.years,
      description:
        `Kept until the end of the ${VOUCHERS.years}th calendar year after the document date, then erased by the ` +
        'retention sweep; an erasure request blocks the documents until then (readable only for statutory retention).',
    },
  ],
  measures: [
    'Documents are stored byte for byte as issued with their SHA-256; the database refuses any change',
    'The SHA-256 of every document is written into the kernel’s hash-chained audit log',
    'Invoice and credit-note numbers are consecutive without gaps (a counter per year, in the issuing transaction)',
    'Downloaded by the buyer (signed in, or with the guest order token) and by staff with the support or admin role; staff reads are audited',
  ],
  retentionPurpose: true,
});
