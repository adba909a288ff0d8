import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { Discloser, ProcessingGuard, ProcessingRefused, SubjectControls } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import { conflict, notFound, ValidationProblem } from '../../common/problem/problem.js';
import {
  CREDIT_RISK_METHODS,
  METHODS_WITHOUT_CREDIT_RISK,
  PAYMENT_METHODS,
  type CreditApproval,
  type CreditApprovalResult,
  type MethodWithoutCreditRisk,
  type OrderForCreditApproval,
  type PaymentMethod,
} from './credit-approval.port.js';
import {
  CREDIT_AGENCY,
  CreditAgencyUnavailable,
  type CreditAgency,
  type CreditAgencyAnswer,
  type CreditAgencyRequest,
  type TrafficLight,
} from './credit-agency.port.js';
import {
  CREDIT_AGENCY_RECIPIENT_ID,
  CREDIT_CHECK_ACTIVITY_ID,
  CREDIT_CHECK_MAX_RETENTION_DAYS,
} from './credit-check.declarations.js';
import { CreditCheck, CreditReview } from './credit-check.entities.js';
import {
  checkNeed,
  decide,
  describeLogic,
  factorsWeighed,
  type CheckOutcome,
  type CreditCheckPolicy,
} from './credit-check.policy.js';

const DAY_MS = 86_400_000;

/** Namespace of the per-order advisory lock (any int4 constant; the order id is hashed into the second key). */
const ORDER_LOCK_NAMESPACE = 73_019_141;

export const REVIEW_COMMENT_MAX_LENGTH = 2000;

export function policyFromConfig(config: AppConfig): CreditCheckPolicy {
  return {
    minAmountCents: config.CREDIT_CHECK_MIN_AMOUNT_CENTS,
    yellowMaxCents: config.CREDIT_CHECK_YELLOW_MAX_CENTS,
    retentionDays: Math.min(config.CREDIT_CHECK_RETENTION_DAYS, CREDIT_CHECK_MAX_RETENTION_DAYS),
  };
}

const offerMethods = (): MethodWithoutCreditRisk[] => [...METHODS_WITHOUT_CREDIT_RISK];

/** What the person sees of one of their checks (shop route, Art. 15 copy). */
export interface CreditCheckView {
  id: string;
  orderId: string;
  paymentMethod: string;
  totalCents: number;
  currency: string;
  agency: string;
  result: string | null;
  score: number | null;
  outcome: CheckOutcome;
  dateOfBirthSent: boolean;
  status: string;
  explanation: string;
  offerMethods: MethodWithoutCreditRisk[];
  /** Whether the person may still ask for a human review. */
  reviewAvailable: boolean;
  requestedAt: Date;
  answeredAt: Date | null;
  deleteAfter: Date;
  review: {
    requestedAt: Date;
    comment: string | null;
    decidedAt: Date | null;
    decision: string | null;
    reason: string | null;
  } | null;
  /** Meaningful information about the logic involved (Art. 15(1)(h)), with the amounts in force. */
  logic: string;
}

/**
 * Credit checks before SEPA direct debit or invoice (registry activity `credit-check`), with the Art. 22
 * safeguards: a decline is never the end of an order (card and PayPal are offered, a human review can be
 * asked for), and an objection stops every further check before anything is sent.
 */
@Injectable()
export class CreditCheckService implements CreditApproval {
  private readonly logger = new Logger(CreditCheckService.name);
  readonly policy: CreditCheckPolicy;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CREDIT_AGENCY) private readonly agency: CreditAgency,
    private readonly discloser: Discloser,
    private readonly guard: ProcessingGuard,
    private readonly controls: SubjectControls,
    config: AppConfig,
  ) {
    this.policy = policyFromConfig(config);
  }

  // ---- the CREDIT_APPROVAL port (payments) ------------------------------------------------------------

  async requireApproval(order: OrderForCreditApproval): Promise<CreditApprovalResult> {
    assertOrder(order);
    const need = checkNeed(this.policy, order.paymentMethod, order.totalCents);
    if (need === 'no-credit-risk') return { status: 'not-required' };
    if (need === 'below-threshold')
      return {
        status: 'not-required',
        explanation: 'No credit check is needed for an order of this amount.',
      };

    const refusal = await this.refusal(order.subjectId);
    if (refusal) return refusal;

    // One check at a time per order: a second call waits and then reuses the first one's answer instead
    // of sending the person's data to the agency twice. The lock is held for the agency's answer
    // (bounded by CREDIT_AGENCY_TIMEOUT_MS); the disclosure log is written outside this transaction, so
    // what was sent stays on record even if the check cannot be stored.
    return this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1::int, hashtext($2))', [
        ORDER_LOCK_NAMESPACE,
        order.id,
      ]);
      const latest = await manager.getRepository(CreditCheck).findOne({
        where: { orderId: order.id },
        relations: { review: true },
        order: { requestedAt: 'DESC' },
      });
      if (latest && this.reusable(latest, order)) return this.answerFor(latest);
      return this.runCheck(order, latest, manager);
    });
  }

  // ---- the person's side ------------------------------------------------------------------------------

  /** One check as its subject sees it; 404 for anyone else's. */
  async viewForSubject(checkId: string, subjectId: string): Promise<CreditCheckView> {
    const check = await this.dataSource.getRepository(CreditCheck).findOne({
      where: { id: checkId },
      relations: { review: true },
    });
    if (!check || check.subjectId !== subjectId) throw notFound('The credit check');
    return this.view(check);
  }

  /** The order a check belongs to (for guests, whose access is per order); 404 when there is none. */
  async orderOf(checkId: string): Promise<string> {
    const check = await this.dataSource
      .getRepository(CreditCheck)
      .findOne({ where: { id: checkId }, select: { id: true, orderId: true } });
    if (!check) throw notFound('The credit check');
    return check.orderId;
  }

  /**
   * The person contests a declined check and asks for a human (Art. 22(3)). Asking twice answers the
   * review already open.
   */
  async requestReview(checkId: string, subjectId: string, comment?: string): Promise<CreditCheckView> {
    const text = comment?.trim() || null;
    if (text && text.length > REVIEW_COMMENT_MAX_LENGTH)
      throw new ValidationProblem([
        { field: 'comment', reason: `must be at most ${REVIEW_COMMENT_MAX_LENGTH} characters` },
      ]);
    const check = await this.dataSource.transaction(async (manager) => {
      const row = await manager
        .getRepository(CreditCheck)
        .findOne({ where: { id: checkId }, lock: { mode: 'pessimistic_write' } });
      if (!row || row.subjectId !== subjectId) throw notFound('The credit check');
      switch (row.status) {
        case 'declined': {
          const now = new Date();
          await manager.getRepository(CreditReview).insert({
            checkId: row.id,
            requestedAt: now,
            requestedBy: subjectId,
            comment: text,
          });
          await manager.getRepository(CreditCheck).update({ id: row.id }, { status: 'review-requested' });
          break;
        }
        case 'review-requested':
          break;
        case 'approved':
          throw conflict(
            'credit-check-approved',
            'This credit check allowed the payment method: there is no decision to review.',
          );
        case 'reviewed-approved':
        case 'reviewed-declined':
          throw conflict(
            'credit-review-decided',
            'A member of staff has already reviewed this credit check.',
          );
      }
      return manager
        .getRepository(CreditCheck)
        .findOneOrFail({ where: { id: row.id }, relations: { review: true } });
    });
    return this.view(check);
  }

  /** Art. 21: no credit check for this person any more; only methods without credit risk. */
  async object(subjectId: string, channel: string): Promise<void> {
    await this.controls.object(subjectId, CREDIT_CHECK_ACTIVITY_ID, channel);
  }

  async withdrawObjection(subjectId: string): Promise<void> {
    await this.controls.withdrawObjection(subjectId, CREDIT_CHECK_ACTIVITY_ID);
  }

  hasObjected(subjectId: string): Promise<boolean> {
    return this.controls.hasObjected(subjectId, CREDIT_CHECK_ACTIVITY_ID);
  }

  /**
   * The latest check of an order and whether it allows the method: for payments and back office to read
   * without calling requireApproval (which may ask the agency).
   */
  async latestForOrder(orderId: string): Promise<CreditApprovalResult | null> {
    const latest = await this.dataSource.getRepository(CreditCheck).findOne({
      where: { orderId },
      relations: { review: true },
      order: { requestedAt: 'DESC' },
    });
    return latest ? this.answerFor(latest) : null;
  }

  /** What weighed in this check's decision (Art. 15(1)(h)). */
  factors(view: CreditCheckView): string[] {
    return factorsWeighed(this.policy, {
      method: view.paymentMethod as PaymentMethod,
      totalCents: view.totalCents,
      currency: view.currency,
      outcome: view.outcome,
      result: view.result as TrafficLight | null,
      score: view.score,
      dateOfBirthSent: view.dateOfBirthSent,
      reviewDecision: view.review?.decision ?? null,
    });
  }

  /** The logic text with the amounts in force (Art. 15(1)(h)). */
  logic(): string {
    return describeLogic(this.policy);
  }

  view(check: CreditCheck): CreditCheckView {
    const review = check.review ?? null;
    return {
      id: check.id,
      orderId: check.orderId,
      paymentMethod: check.paymentMethod,
      totalCents: check.totalCents,
      currency: check.currency,
      agency: check.agency,
      result: check.result,
      score: check.score,
      outcome: check.outcome,
      dateOfBirthSent: check.dateOfBirthSent,
      status: check.status,
      explanation: this.answerFor(check).explanation ?? check.explanation,
      offerMethods: check.status === 'approved' || check.status === 'reviewed-approved' ? [] : offerMethods(),
      reviewAvailable: check.status === 'declined',
      requestedAt: check.requestedAt,
      answeredAt: check.answeredAt,
      deleteAfter: check.deleteAfter,
      review: review
        ? {
            requestedAt: review.requestedAt,
            comment: review.comment,
            decidedAt: review.decidedAt,
            decision: review.decision,
            reason: review.reason,
          }
        : null,
      logic: this.logic(),
    };
  }

  // ---- internals --------------------------------------------------------------------------------------

  /** An objection (Art. 21) or a restriction (Art. 18) means: no check, only methods without credit risk. */
  private async refusal(subjectId: string): Promise<CreditApprovalResult | null> {
    try {
      await this.guard.assertMayProcess(CREDIT_CHECK_ACTIVITY_ID, subjectId);
      return null;
    } catch (error) {
      if (error instanceof ProcessingRefused) return refusedAnswer(error);
      throw error;
    }
  }

  /**
   * Whether the order's latest check still answers this request without asking the agency again: the
   * same person, method and amount, and a check that got an answer (a failed one is tried again; one that
   * lacked the date of birth only once the person gives it).
   */
  private reusable(latest: CreditCheck, order: OrderForCreditApproval): boolean {
    if (
      latest.subjectId !== order.subjectId ||
      latest.paymentMethod !== order.paymentMethod ||
      latest.totalCents !== order.totalCents ||
      latest.currency !== order.currency
    )
      return false;
    if (latest.status !== 'declined') return true;
    if (latest.outcome === 'answered') return true;
    if (latest.outcome === 'date-of-birth-required') return !order.dateOfBirth || latest.dateOfBirthSent;
    return false;
  }

  private async runCheck(
    order: OrderForCreditApproval,
    previous: CreditCheck | null,
    manager: EntityManager,
  ): Promise<CreditApprovalResult> {
    const id = randomUUID();
    const requestedAt = new Date();
    const { billing } = order;
    const request: CreditAgencyRequest = {
      reference: id,
      firstName: billing.firstName.trim(),
      lastName: billing.lastName.trim(),
      street: billing.street.trim(),
      ...(billing.houseNumber?.trim() ? { houseNumber: billing.houseNumber.trim() } : {}),
      postalCode: billing.postalCode.trim(),
      city: billing.city.trim(),
      country: billing.country.trim().toUpperCase(),
    };

    let answer: CreditAgencyAnswer | undefined;
    let outcome: CheckOutcome = 'agency-unavailable';
    let dateOfBirthSent = false;
    if (this.agency.configured) {
      try {
        // The date of birth goes out only after the agency said, for this order, that it needs it.
        const alreadyDemanded =
          previous?.outcome === 'date-of-birth-required' && previous.subjectId === order.subjectId;
        if (alreadyDemanded && order.dateOfBirth) {
          dateOfBirthSent = true;
          answer = await this.send(order.subjectId, { ...request, dateOfBirth: order.dateOfBirth });
        } else {
          answer = await this.send(order.subjectId, request);
          if (answer.requiresDateOfBirth && order.dateOfBirth) {
            dateOfBirthSent = true;
            answer = await this.send(order.subjectId, { ...request, dateOfBirth: order.dateOfBirth });
          }
        }
        outcome = answer.requiresDateOfBirth ? 'date-of-birth-required' : 'answered';
      } catch (error) {
        // An objection or restriction recorded since the guard was asked: the Discloser refused, nothing left.
        if (error instanceof ProcessingRefused) return refusedAnswer(error);
        if (!(error instanceof CreditAgencyUnavailable)) throw error;
        this.logger.warn(`credit check ${id}: ${error.message}; declined, alternatives offered`);
      }
    }

    const result = outcome === 'answered' && answer && !answer.requiresDateOfBirth ? answer.result : null;
    const decision = decide(this.policy, {
      method: order.paymentMethod,
      totalCents: order.totalCents,
      outcome,
      result,
      dateOfBirthSent,
    });
    const check = manager.getRepository(CreditCheck).create({
      id,
      orderId: order.id,
      subjectId: order.subjectId,
      paymentMethod: order.paymentMethod as CreditCheck['paymentMethod'],
      totalCents: order.totalCents,
      currency: order.currency,
      agency: this.agency.name,
      agencyReference: answer?.agencyReference ?? null,
      outcome,
      result,
      score: result !== null && answer?.score !== undefined ? answer.score : null,
      dateOfBirthSent,
      requestedAt,
      answeredAt: answer ? new Date() : null,
      status: decision.status,
      explanation: decision.explanation,
      deleteAfter: new Date(requestedAt.getTime() + this.policy.retentionDays * DAY_MS),
    });
    await manager.getRepository(CreditCheck).insert(check);
    return this.answerFor(check);
  }

  /** The one way the person's data reaches the agency: through the registry's allow-list, logged. */
  private send(subjectId: string, payload: CreditAgencyRequest): Promise<CreditAgencyAnswer> {
    return this.discloser.disclose({
      activityId: CREDIT_CHECK_ACTIVITY_ID,
      recipientId: CREDIT_AGENCY_RECIPIENT_ID,
      subjectId,
      payload,
      send: (p) => this.agency.check(p),
    });
  }

  private answerFor(check: CreditCheck): CreditApprovalResult {
    switch (check.status) {
      case 'approved':
        return { status: 'approved', checkId: check.id, explanation: check.explanation };
      case 'reviewed-approved':
        return {
          status: 'approved',
          checkId: check.id,
          explanation: 'A member of staff reviewed the credit check and allowed the payment method.',
        };
      case 'review-requested':
        return {
          status: 'review-requested',
          checkId: check.id,
          offerMethods: offerMethods(),
          explanation:
            'A member of staff is reviewing the credit check. Meanwhile you can pay by card or PayPal instead.',
        };
      case 'reviewed-declined':
        return {
          status: 'declined',
          checkId: check.id,
          offerMethods: offerMethods(),
          explanation:
            'A member of staff reviewed the credit check and upheld the decision (the reason is shown with the ' +
            'credit check). You can pay by card or PayPal instead.',
        };
      case 'declined':
        return {
          status: 'declined',
          checkId: check.id,
          offerMethods: offerMethods(),
          explanation: check.explanation,
          ...(check.outcome === 'date-of-birth-required' && !check.dateOfBirthSent
            ? { dateOfBirthRequested: true }
            : {}),
        };
    }
  }
}

function refusedAnswer(error: ProcessingRefused): CreditApprovalResult {
  return {
    status: 'objected',
    offerMethods: offerMethods(),
    explanation:
      error.reason === 'restricted'
        ? 'Processing of your data is restricted (Art. 18 GDPR), so no credit check is made. Please pay by card or PayPal.'
        : 'You objected to credit checks (Art. 21 GDPR), so none is made. Please pay by card or PayPal.',
  };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The order comes from payments (a bug if malformed), except the date of birth, which the person typed. */
function assertOrder(order: OrderForCreditApproval): void {
  const problems: string[] = [];
  if (typeof order.id !== 'string' || order.id.trim() === '') problems.push('id');
  if (typeof order.subjectId !== 'string' || !/^[^\s@]{1,200}$/.test(order.subjectId))
    problems.push('subjectId');
  if (!Number.isSafeInteger(order.totalCents) || order.totalCents < 0) problems.push('totalCents');
  if (typeof order.currency !== 'string' || !/^[A-Z]{3}$/.test(order.currency)) problems.push('currency');
  if (!PAYMENT_METHODS.includes(order.paymentMethod)) problems.push('paymentMethod');
  if (CREDIT_RISK_METHODS.has(order.paymentMethod)) {
    const b = order.billing as Partial<OrderForCreditApproval['billing']> | undefined;
    for (const key of ['firstName', 'lastName', 'street', 'postalCode', 'city', 'country'] as const)
      if (typeof b?.[key] !== 'string' || b[key].trim() === '') problems.push(`billing.${key}`);
  }
  if (problems.length > 0) throw new Error(`requireApproval: invalid order (${problems.join(', ')})`);
  if (order.dateOfBirth !== undefined && !isPlausibleDateOfBirth(order.dateOfBirth))
    throw new ValidationProblem([{ field: 'dateOfBirth', reason: 'must be a past date, YYYY-MM-DD' }]);
}

function isPlausibleDateOfBirth(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const valid =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return valid && year >= 1900 && date.getTime() < Date.now();
}
