import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { declareRecords, type ExportSection, type JsonObject, type PersonalDataExporter } from '@app/privacy';
import { CREDIT_CHECK_ACTIVITY_ID, CREDIT_CHECK_CATEGORIES } from './credit-check.declarations.js';
import { CREDIT_CHECK_RECORD, CREDIT_REVIEW_RECORD, CreditCheck } from './credit-check.entities.js';
import { CreditCheckService } from './credit-check.service.js';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * Art. 15/20 for the credit-check tables: each check with its review, and the logic of the automated
 * decision and the factors it weighed (Art. 15(1)(h)), which only the service can explain.
 */
@Injectable()
export class CreditCheckRights implements PersonalDataExporter {
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
}

/**
 * Erasure and retention of the checks. Nothing here falls under a statutory retention duty, so
 * erasure erases (except what a legal hold covers); the review goes with its check (on delete
 * cascade). Without a request each check is erased on its own erasure date, set when it was made.
 */
export const CREDIT_CHECK_RECORDS = declareRecords({
  name: 'credit-check',
  records: [
    {
      recordType: CREDIT_CHECK_RECORD,
      activityId: CREDIT_CHECK_ACTIVITY_ID,
      table: 'credit_check',
      subjectColumn: 'subject_id',
      dateColumn: 'requested_at',
      onErasure: 'erase',
      dependents: [{ recordType: CREDIT_REVIEW_RECORD, table: 'credit_review', parentColumn: 'check_id' }],
      retention: {
        id: 'credit-check.results',
        category: CREDIT_CHECK_CATEGORIES.result,
        dueColumn: 'delete_after',
        // The daily sweep takes the rest the next day.
        batch: 5000,
      },
    },
  ],
});
