import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  BlockedRecord,
  ErasureContext,
  ErasureOutcome,
  ExportRecord,
  ExportSection,
  PersonalDataEraser,
  PersonalDataExporter,
} from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import { inquirySubject, normaliseEmail } from '../../common/subjects.js';
import {
  INQUIRIES_ACTIVITY_ID,
  INQUIRY_ANSWER_RECORD,
  INQUIRY_CATEGORIES,
  INQUIRY_RECORD,
} from './inquiries.declarations.js';
import { InquiryDeletion } from './inquiry-deletion.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The inquiry id of a subject `inquiry:<uuid>`, or undefined for any other subject. */
export function inquiryIdOf(subjectId: string): string | undefined {
  const id = subjectId.startsWith('inquiry:') ? subjectId.slice('inquiry:'.length) : '';
  return UUID.test(id) ? id.toLowerCase() : undefined;
}

interface InquiryRow {
  id: string;
  name: string;
  email: string;
  company: string | null;
  phone: string | null;
  message: string;
  product_sku: string | null;
  status: string;
  created_at: Date;
  answered_at: Date | null;
  closed_at: Date | null;
  delete_after: Date | null;
  withdrawn_at: Date | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * Access (Art. 15, 20) and erasure (Art. 17) for inquiries. Each inquiry is its own data subject,
 * `inquiry:<id>` (there is no account to tie it to); `subjectsByEmail` finds a person's inquiries
 * for the data-subject-rights module, which then exports or erases each subject.
 */
@Injectable()
export class InquiriesRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'inquiries';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deletion: InquiryDeletion,
  ) {}

  /** The subject ids of every inquiry sent with this email address (compared normalised). */
  async subjectsByEmail(email: string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      'select id from inquiry where email_normalized = $1 order by created_at, id',
      [normaliseEmail(email)],
    );
    return rows.map((r) => inquirySubject(r.id));
  }

  export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    return this.exportMany([subjectId], manager);
  }

  /** `export` for several inquiries of one person (one subject id each), in two queries. */
  async exportMany(subjectIds: readonly string[], manager: EntityManager): Promise<ExportSection> {
    const ids = subjectIds.map(inquiryIdOf).filter((id): id is string => id !== undefined);
    const categories = new Set<string>();
    const records: ExportRecord[] = [];
    if (ids.length === 0) return { activities: [INQUIRIES_ACTIVITY_ID], categories: [], records };
    const inquiries = await manager.query<InquiryRow[]>(
      `select id, name, email, company, phone, message, product_sku, status, created_at, answered_at,
              closed_at, delete_after, withdrawn_at
         from inquiry where id = any($1::uuid[]) order by created_at, id`,
      [ids],
    );
    // The answers are the shop's letters to the person: part of the copy. Who answered is staff data.
    const answers = await manager.query<
      { id: string; inquiry_id: string; body: string; created_at: Date; delivered_at: Date | null }[]
    >(
      'select id, inquiry_id, body, created_at, delivered_at from inquiry_answer where inquiry_id = any($1::uuid[]) order by created_at, id',
      [ids],
    );
    for (const inquiry of inquiries) {
      const own = answers.filter((a) => a.inquiry_id === inquiry.id);
      categories.add(INQUIRY_CATEGORIES.name);
      categories.add(INQUIRY_CATEGORIES.email);
      categories.add(INQUIRY_CATEGORIES.message);
      if (inquiry.company !== null) categories.add(INQUIRY_CATEGORIES.company);
      if (inquiry.phone !== null) categories.add(INQUIRY_CATEGORIES.phone);
      if (inquiry.product_sku !== null) categories.add(INQUIRY_CATEGORIES.product);
      if (own.length > 0) categories.add(INQUIRY_CATEGORIES.answer);
      records.push(
        {
          recordType: INQUIRY_RECORD,
          recordId: inquiry.id,
          activityId: INQUIRIES_ACTIVITY_ID,
          data: {
            name: inquiry.name,
            email: inquiry.email,
            company: inquiry.company,
            phone: inquiry.phone,
            message: inquiry.message,
            productSku: inquiry.product_sku,
            status: inquiry.status,
            createdAt: inquiry.created_at.toISOString(),
            answeredAt: iso(inquiry.answered_at),
            closedAt: iso(inquiry.closed_at),
            withdrawnAt: iso(inquiry.withdrawn_at),
            deleteAfter: iso(inquiry.delete_after),
          },
        },
        ...own.map((a) => ({
          recordType: INQUIRY_ANSWER_RECORD,
          recordId: a.id,
          activityId: INQUIRIES_ACTIVITY_ID,
          data: {
            inquiryId: inquiry.id,
            text: a.body,
            createdAt: a.created_at.toISOString(),
            deliveredAt: iso(a.delivered_at),
          },
        })),
      );
    }
    return { activities: [INQUIRIES_ACTIVITY_ID], categories: [...categories], records };
  }

  /**
   * Deletes the inquiry and its answers; no statute keeps inquiries. Under a legal hold it is kept,
   * withdrawn from support's view and due at once, so the sweep deletes it after the release.
   */
  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const id = inquiryIdOf(subjectId);
    if (!id) return [];
    const { manager, now } = context;
    const [inquiry] = await manager.query<{ id: string; created_at: Date }[]>(
      'select id, created_at from inquiry where id = $1 for update',
      [id],
    );
    if (!inquiry) return [];
    const holdId = context.heldBy({
      activityId: INQUIRIES_ACTIVITY_ID,
      recordType: INQUIRY_RECORD,
      recordId: inquiry.id,
      occurredAt: inquiry.created_at,
    });
    if (holdId) {
      await manager.query(
        'update inquiry set withdrawn_at = coalesce(withdrawn_at, $2), delete_after = $2 where id = $1',
        [inquiry.id, now],
      );
      return [
        {
          recordType: INQUIRY_RECORD,
          recordId: inquiry.id,
          outcome: 'held',
          activityId: INQUIRIES_ACTIVITY_ID,
          holdId,
          recordDate: inquiry.created_at,
        },
      ];
    }
    const answers = await manager.query<{ id: string }[]>(
      'select id from inquiry_answer where inquiry_id = $1',
      [inquiry.id],
    );
    await this.deletion.erase([inquiry.id], manager);
    return [
      { recordType: INQUIRY_RECORD, recordId: inquiry.id, outcome: 'erased' },
      ...answers.map((a) => ({
        recordType: INQUIRY_ANSWER_RECORD,
        recordId: a.id,
        outcome: 'erased' as const,
      })),
    ];
  }

  /** Inquiries are never blocked (no statute keeps them); erases whatever was blocked all the same. */
  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const inquiries = records.filter((r) => r.recordType === INQUIRY_RECORD).map((r) => r.recordId);
    const answers = records.filter((r) => r.recordType === INQUIRY_ANSWER_RECORD).map((r) => r.recordId);
    await this.deletion.erase(
      inquiries.filter((id) => UUID.test(id)),
      manager,
    );
    if (answers.length > 0) {
      await manager.query('delete from inquiry_answer where id = any($1::uuid[])', [
        answers.filter((id) => UUID.test(id)),
      ]);
    }
  }
}
