import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type {
  BlockedRecord,
  CustomRetentionPolicy,
  DueRecord,
  ErasureContext,
  ErasureOutcome,
  ExportSection,
  JsonObject,
  PersonalDataEraser,
  PersonalDataExporter,
} from '@app/privacy';
import { CREDIT_CHECK_ACTIVITY_ID, CREDIT_CHECK_CATEGORIES } from './credit-check.declarations.js';
import { CREDIT_CHECK_RECORD, CREDIT_REVIEW_RECORD, CreditCheck } from './credit-check.entities.js';
import { CreditCheckService } from './credit-check.service.js';

/** Rows past their erasure date taken per sweep; the daily sweep takes the rest the next day. */
const SWEEP_BATCH = 5000;

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * Art. 15/20 and Art. 17 for the credit-check tables. Nothing here falls under a statutory retention
 * duty, so erasure erases (except what a legal hold covers).
 */
@Injectable()
export class CreditCheckRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'credit-check';

  constructor(private readonly checks: CreditCheckService) {}

  export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    return this.exportMany([subjectId], manager);
  }

  /** `export` for several subject ids of one person, in one query per table. */
  async exportMany(subjectIds: readonly string[], manager: EntityManager): Promise<ExportSection> {
    const rows = await manager.getRepository(CreditCheck).find({
      where: { subjectId: In([...subjectIds]) },
      relations: { review: true },
      order: { requestedAt: 'ASC', id: 'ASC' },
    });
    const logic = this.checks.logic();
    const categories = new Set<string>();
    const records = rows.map((row) => {
      categories.add(CREDIT_CHECK_CATEGORIES.result);
      if (row.review) categories.add(CREDIT_CHECK_CATEGORIES.review);
      const view = this.checks.view(row);
      const data: JsonObject = {
        orderId: view.orderId,
        paymentMethod: view.paymentMethod,
        amount: { totalCents: view.totalCents, currency: view.currency },
        agency: view.agency,
        agencyReference: row.agencyReference,
        dataSentToAgency: [
          'name',
          'billing address',
          ...(row.dateOfBirthSent ? ['date of birth (not stored by the shop)'] : []),
        ],
        outcome: view.outcome,
        result: view.result,
        score: view.score,
        requestedAt: iso(view.requestedAt),
        answeredAt: iso(view.answeredAt),
        status: view.status,
        explanation: view.explanation,
        erasedAfter: iso(view.deleteAfter),
        review: view.review
          ? {
              requestedAt: iso(view.review.requestedAt),
              comment: view.review.comment,
              decidedAt: iso(view.review.decidedAt),
              decision: view.review.decision,
              reason: view.review.reason,
            }
          : null,
        automatedDecisionLogic: logic,
        factorsWeighed: this.checks.factors(view),
      };
      return {
        recordType: CREDIT_CHECK_RECORD,
        recordId: row.id,
        activityId: CREDIT_CHECK_ACTIVITY_ID,
        data,
      };
    });
    return {
      activities: rows.length > 0 ? [CREDIT_CHECK_ACTIVITY_ID] : [],
      categories: [...categories],
      records,
    };
  }

  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const { manager } = context;
    const rows: { id: string; requested_at: Date; review_id: string | null }[] = await manager.query(
      `select c.id, c.requested_at, r.id as review_id
         from credit_check c left join credit_review r on r.check_id = c.id
        where c.subject_id = $1
        for update of c`,
      [subjectId],
    );
    const outcomes: ErasureOutcome[] = [];
    const erasable: string[] = [];
    for (const row of rows) {
      const holdId = context.heldBy({
        activityId: CREDIT_CHECK_ACTIVITY_ID,
        recordType: CREDIT_CHECK_RECORD,
        recordId: row.id,
        occurredAt: row.requested_at,
      });
      if (holdId) {
        outcomes.push({
          recordType: CREDIT_CHECK_RECORD,
          recordId: row.id,
          outcome: 'held',
          activityId: CREDIT_CHECK_ACTIVITY_ID,
          holdId,
          recordDate: row.requested_at,
        });
        continue;
      }
      erasable.push(row.id);
      outcomes.push({ recordType: CREDIT_CHECK_RECORD, recordId: row.id, outcome: 'erased' });
      if (row.review_id)
        outcomes.push({ recordType: CREDIT_REVIEW_RECORD, recordId: row.review_id, outcome: 'erased' });
    }
    // The review goes with its check (on delete cascade).
    if (erasable.length > 0)
      await manager.query('delete from credit_check where id = any($1::uuid[])', [erasable]);
    return outcomes;
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = records.filter((r) => r.recordType === CREDIT_CHECK_RECORD).map((r) => r.recordId);
    if (ids.length > 0) await manager.query('delete from credit_check where id = any($1::uuid[])', [ids]);
    const reviews = records.filter((r) => r.recordType === CREDIT_REVIEW_RECORD).map((r) => r.recordId);
    if (reviews.length > 0)
      await manager.query('delete from credit_review where id = any($1::uuid[])', [reviews]);
  }
}

/** Each check (with its review) is erased on its own erasure date, set when it was made. */
export const CREDIT_CHECK_RETENTION: CustomRetentionPolicy = {
  id: 'credit-check.results',
  activityId: CREDIT_CHECK_ACTIVITY_ID,
  category: CREDIT_CHECK_CATEGORIES.result,
  recordType: CREDIT_CHECK_RECORD,
  action: 'erase',
  async findExpired(now: Date, manager: EntityManager): Promise<DueRecord[]> {
    const rows: { id: string; subject_id: string; requested_at: Date }[] = await manager.query(
      `select id, subject_id, requested_at from credit_check
        where delete_after < $1 order by delete_after, id limit ${SWEEP_BATCH}`,
      [now],
    );
    return rows.map((r) => ({ recordId: r.id, subjectId: r.subject_id, occurredAt: r.requested_at }));
  },
  async erase(recordIds: string[], manager: EntityManager): Promise<void> {
    await manager.query('delete from credit_check where id = any($1::uuid[])', [recordIds]);
  },
};
