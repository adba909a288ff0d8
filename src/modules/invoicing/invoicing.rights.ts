import { declareRecords } from '@app/privacy';
import { lockSubject } from './invoice-documents.js';
import { ACCOUNTING_VOUCHERS } from '../orders/index.js';
import {
  CREDIT_NOTE_RECORD,
  DOCUMENT_CATEGORIES,
  INVOICE_ARCHIVE_ACTIVITY_ID,
  INVOICE_DOCUMENT_RECORD,
} from './invoicing.declarations.js';

const voucher = {
  block: ACCOUNTING_VOUCHERS,
  reason:
    'erasure requested (Art. 17 GDPR); issued invoices and credit notes are kept unchanged for the statutory period ' +
    '(§ 14b UStG, § 147 AO)',
};

/**
 * The invoicing module's part of access, erasure and retention. An issued document is an accounting
 * voucher: an erasure request blocks it (and its credit-note row) until the end of its statutory
 * period rather than erasing it; from then on only the statutory-retention purpose reads it. Without
 * a request both go at the end of that period (the end of the calendar year of their date plus the
 * period's years, in the shop's time zone). The export lists the documents (number, kind, format,
 * date, hash): their content is the invoice data the orders module exports already.
 */
export const INVOICING_RECORDS = declareRecords({
  name: 'invoicing',
  // Serialises with archiving the subject's documents.
  lock: (subjectId, manager) => lockSubject(manager, subjectId),
  records: [
    {
      recordType: INVOICE_DOCUMENT_RECORD,
      activityId: INVOICE_ARCHIVE_ACTIVITY_ID,
      table: 'invoice_document',
      subjectColumn: 'subject_id',
      dateColumn: 'issued_at',
      onErasure: voucher,
      export: {
        columns: ['kind', 'number', 'format', 'issued_at', 'sha256'],
        orderBy: ['issued_at', 'number', 'format'],
        categories: Object.values(DOCUMENT_CATEGORIES).map((c) => c.id),
        toData: (d) => ({
          kind: d.kind as string,
          number: d.number as string,
          format: d.format as string,
          issuedAt: (d.issued_at as Date).toISOString(),
          sha256: (d.sha256 as string).trim(),
        }),
      },
      retention: {
        id: 'invoicing.invoice_document.statutory-period-ended',
        statutoryPeriod: ACCOUNTING_VOUCHERS,
      },
    },
    {
      recordType: CREDIT_NOTE_RECORD,
      activityId: INVOICE_ARCHIVE_ACTIVITY_ID,
      table: 'credit_note',
      subjectColumn: 'subject_id',
      dateColumn: 'issued_at',
      onErasure: voucher,
      retention: { id: 'invoicing.credit_note.statutory-period-ended', statutoryPeriod: ACCOUNTING_VOUCHERS },
    },
  ],
});
