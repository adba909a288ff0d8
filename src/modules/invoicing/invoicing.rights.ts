import { Injectable } from '@nestjs/common';
import type {
  BlockedRecord,
  DueRecord,
  ErasureContext,
  ErasureOutcome,
  ExportSection,
  PersonalDataEraser,
  PersonalDataExporter,
  RetentionPolicy,
  StatutoryPeriods,
} from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { lockSubject } from './invoice-documents.js';
import { ACCOUNTING_VOUCHERS } from '../orders/index.js';
import {
  CREDIT_NOTE_RECORD,
  DOCUMENT_CATEGORIES,
  INVOICE_ARCHIVE_ACTIVITY_ID,
  INVOICE_DOCUMENT_RECORD,
} from './invoicing.declarations.js';

const BATCH = 1000;
const BLOCK_REASON =
  'erasure requested (Art. 17 GDPR); issued invoices and credit notes are kept unchanged for the statutory period ' +
  '(§ 14b UStG, § 147 AO)';

/**
 * The invoicing module's part of access and erasure. An issued document is an accounting voucher:
 * an erasure request blocks it (and its credit-note row) until the end of its statutory period
 * rather than erasing it; from then on only the statutory-retention purpose reads it. The export
 * lists the documents (number, kind, format, date, hash): their content is the invoice data the
 * orders module exports already.
 */
@Injectable()
export class InvoicingRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'invoicing';

  export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    return this.exportMany([subjectId], manager);
  }

  /** `export` for several subject ids of one person, in one query. */
  async exportMany(subjectIds: readonly string[], manager: EntityManager): Promise<ExportSection> {
    const documents: {
      id: string;
      kind: string;
      number: string;
      format: string;
      issued_at: Date;
      sha256: string;
    }[] = await manager.query(
      `select id, kind, number, format, issued_at, sha256 from invoice_document where subject_id = any($1::text[]) order by issued_at, number, format`,
      [[...subjectIds]],
    );
    return {
      activities: documents.length > 0 ? [INVOICE_ARCHIVE_ACTIVITY_ID] : [],
      categories: documents.length > 0 ? Object.values(DOCUMENT_CATEGORIES).map((c) => c.id) : [],
      records: documents.map((d) => ({
        recordType: INVOICE_DOCUMENT_RECORD,
        recordId: d.id,
        activityId: INVOICE_ARCHIVE_ACTIVITY_ID,
        data: {
          kind: d.kind,
          number: d.number,
          format: d.format,
          issuedAt: d.issued_at.toISOString(),
          sha256: d.sha256.trim(),
        },
      })),
    };
  }

  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    await lockSubject(context.manager, subjectId);
    const outcomes: ErasureOutcome[] = [];
    for (const [table, recordType] of [
      ['invoice_document', INVOICE_DOCUMENT_RECORD],
      ['credit_note', CREDIT_NOTE_RECORD],
    ] as const) {
      const rows: { id: string; issued_at: Date }[] = await context.manager.query(
        `select id, issued_at from ${table} where subject_id = $1 order by id`,
        [subjectId],
      );
      for (const row of rows) {
        const { statute, until } = context.retain(ACCOUNTING_VOUCHERS, row.issued_at);
        outcomes.push({
          recordType,
          recordId: row.id,
          outcome: 'blocked',
          activityId: INVOICE_ARCHIVE_ACTIVITY_ID,
          statute,
          until,
          recordDate: row.issued_at,
          reason: BLOCK_REASON,
        });
      }
    }
    return outcomes;
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = (type: string) => records.filter((r) => r.recordType === type).map((r) => r.recordId);
    const documents = ids(INVOICE_DOCUMENT_RECORD);
    const credits = ids(CREDIT_NOTE_RECORD);
    if (documents.length > 0)
      await manager.query('delete from invoice_document where id = any($1::uuid[])', [documents]);
    if (credits.length > 0)
      await manager.query('delete from credit_note where id = any($1::uuid[])', [credits]);
  }
}

/**
 * Without an erasure request: documents and credit notes go at the end of their statutory period
 * (the end of the calendar year of their date plus the period's years, in the shop's time zone).
 */
export function invoicingRetentionPolicies(periods: StatutoryPeriods): RetentionPolicy[] {
  const policy = (table: 'invoice_document' | 'credit_note', recordType: string): RetentionPolicy => ({
    id: `invoicing.${table}.statutory-period-ended`,
    activityId: INVOICE_ARCHIVE_ACTIVITY_ID,
    recordType,
    action: 'erase',
    async findExpired(now, manager): Promise<DueRecord[]> {
      const rows: { id: string; subject_id: string; issued_at: Date }[] = await manager.query(
        `select id, subject_id, issued_at from ${table}
          where issued_at < make_timestamptz(extract(year from $1::timestamptz at time zone $2)::int - $3, 1, 1, 0, 0, 0, $2)
          order by issued_at limit $4`,
        [now, periods.timeZone, periods.period(ACCOUNTING_VOUCHERS).years, BATCH],
      );
      return rows.map((r) => ({ recordId: r.id, subjectId: r.subject_id, occurredAt: r.issued_at }));
    },
    async erase(ids, manager) {
      await manager.query(`delete from ${table} where id = any($1::uuid[])`, [ids]);
    },
  });
  return [policy('invoice_document', INVOICE_DOCUMENT_RECORD), policy('credit_note', CREDIT_NOTE_RECORD)];
}
