import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Not, type FindOptionsWhere } from 'typeorm';
import { AuditLog, JobQueue, type Actor } from '@app/privacy';
import { conflict, notFound, ValidationProblem } from '../../common/problem/problem.js';
import { CREDIT_CHECK_ACTIVITY_ID } from './credit-check.declarations.js';
import { CreditCheck, CreditReview } from './credit-check.entities.js';

/**
 * Emitted (transactional outbox) when staff decide a review: payments continues an approved order,
 * notifications tell the person. Data: CreditReviewDecided.
 */
export const CREDIT_REVIEW_DECIDED_JOB = 'credit-check.review-decided';

export interface CreditReviewDecided {
  checkId: string;
  orderId: string;
  subjectId: string;
  decision: 'approved' | 'declined';
}

export const REVIEW_REASON_MIN_LENGTH = 20;
export const REVIEW_REASON_MAX_LENGTH = 2000;

export type ReviewListFilter = 'open' | 'decided' | 'all';

/** A review as staff see it: ids and the agency's answer, no name or address (those are in the order). */
export interface CreditReviewView {
  checkId: string;
  orderId: string;
  subjectId: string;
  paymentMethod: string;
  totalCents: number;
  currency: string;
  agency: string;
  outcome: string;
  result: string | null;
  score: number | null;
  dateOfBirthSent: boolean;
  checkedAt: Date;
  status: string;
  requestedAt: Date;
  comment: string | null;
  decidedAt: Date | null;
  decision: string | null;
  reason: string | null;
  reviewerId: string | null;
}

/** The fields a staff read of a review shows, as the audit log names them. */
const READ_FIELDS = ['result', 'score', 'status', 'comment', 'decision', 'reason'];
/** The fields a decision is taken on and records, as the audit log names them. */
const DECISION_FIELDS = ['result', 'score', 'decision'];

/**
 * The human review of declined credit checks (Art. 22(3)): staff with the support or privacy-officer
 * role read the open reviews and decide each with a written reason. Every read and every decision is in
 * the audit log.
 */
@Injectable()
export class CreditReviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly jobs: JobQueue,
  ) {}

  /** Reviews oldest first (Art. 12(3): the person waits for an answer); each subject's read is audited. */
  async list(filter: ReviewListFilter, limit: number): Promise<CreditReviewView[]> {
    const where: FindOptionsWhere<CreditReview> =
      filter === 'open' ? { decidedAt: IsNull() } : filter === 'decided' ? { decidedAt: Not(IsNull()) } : {};
    const reviews = await this.dataSource.getRepository(CreditReview).find({
      where,
      relations: { check: true },
      order: { requestedAt: 'ASC', id: 'ASC' },
      take: limit,
    });
    const views = reviews.filter((r) => r.check).map((r) => toView(r, r.check as CreditCheck));
    // On record before the data is shown.
    await Promise.all(
      [...new Set(views.map((v) => v.subjectId))].map((subjectId) =>
        this.audit.append({
          subjectId,
          activityId: CREDIT_CHECK_ACTIVITY_ID,
          action: 'read',
          fields: READ_FIELDS,
        }),
      ),
    );
    return views;
  }

  /**
   * Decides an open review. On `approve` the check allows the method: payments' next requireApproval
   * answers `approved` (and CREDIT_REVIEW_DECIDED_JOB is enqueued in the same transaction).
   */
  async decide(
    checkId: string,
    decision: 'approve' | 'decline',
    reason: string,
    reviewer: Actor,
  ): Promise<CreditReviewView> {
    const text = reason.trim();
    if (text.length < REVIEW_REASON_MIN_LENGTH || text.length > REVIEW_REASON_MAX_LENGTH)
      throw new ValidationProblem([
        {
          field: 'reason',
          reason: `must be a written reason of ${REVIEW_REASON_MIN_LENGTH} to ${REVIEW_REASON_MAX_LENGTH} characters`,
        },
      ]);
    return this.dataSource.transaction(async (manager) => {
      const check = await manager
        .getRepository(CreditCheck)
        .findOne({ where: { id: checkId }, lock: { mode: 'pessimistic_write' } });
      if (!check) throw notFound('The credit check');
      const review = await manager.getRepository(CreditReview).findOne({ where: { checkId } });
      if (!review)
        throw conflict(
          'credit-review-not-requested',
          'Nobody asked for a review of this credit check; only a contested check is reviewed.',
        );
      if (review.decidedAt)
        throw conflict('credit-review-decided', 'This review is already decided.', {
          decidedAt: review.decidedAt.toISOString(),
        });

      const decided = decision === 'approve' ? 'approved' : 'declined';
      const decidedAt = new Date();
      await manager.getRepository(CreditReview).update(
        { id: review.id },
        {
          reviewerId: reviewer.id,
          reviewerRole: reviewer.role ?? null,
          decidedAt,
          decision: decided,
          reason: text,
        },
      );
      await manager
        .getRepository(CreditCheck)
        .update(
          { id: check.id },
          { status: decision === 'approve' ? 'reviewed-approved' : 'reviewed-declined' },
        );
      const event: CreditReviewDecided = {
        checkId: check.id,
        orderId: check.orderId,
        subjectId: check.subjectId,
        decision: decided,
      };
      await this.jobs.send(CREDIT_REVIEW_DECIDED_JOB, event, { db: manager });
      // Committed to the audit chain before the decision commits: a decision is never unaudited.
      await this.audit.append({
        subjectId: check.subjectId,
        activityId: CREDIT_CHECK_ACTIVITY_ID,
        action: 'review',
        fields: DECISION_FIELDS,
        actor: reviewer,
      });
      const updated = await manager
        .getRepository(CreditReview)
        .findOneOrFail({ where: { id: review.id }, relations: { check: true } });
      return toView(updated, updated.check as CreditCheck);
    });
  }
}

function toView(review: CreditReview, check: CreditCheck): CreditReviewView {
  return {
    checkId: check.id,
    orderId: check.orderId,
    subjectId: check.subjectId,
    paymentMethod: check.paymentMethod,
    totalCents: check.totalCents,
    currency: check.currency,
    agency: check.agency,
    outcome: check.outcome,
    result: check.result,
    score: check.score,
    dateOfBirthSent: check.dateOfBirthSent,
    checkedAt: check.requestedAt,
    status: check.status,
    requestedAt: review.requestedAt,
    comment: review.comment,
    decidedAt: review.decidedAt,
    decision: review.decision,
    reason: review.reason,
    reviewerId: review.reviewerId,
  };
}
