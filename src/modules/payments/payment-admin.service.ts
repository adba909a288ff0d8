import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActorContext, Discloser, PrivacyError, notBlockedClause } from '@app/privacy';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/core';
import { notFound, ProblemException } from '../../common/problem/problem.js';
import { PaymentOutcomes } from './payment-outcomes.js';
import type { FlagReason, FlagResolution } from './payment.entities.js';
import { PaymentProviders } from './payment-providers.js';
import {
  PAYMENT_COLUMNS,
  paymentView,
  providerIdempotencyKey,
  returned,
  type PaymentRow,
  type PaymentView,
} from './payment-records.js';
import { PAYMENT_ACTIVITY_ID, PAYMENT_RECORD } from './payments.declarations.js';
import {
  flagAlreadyResolved,
  paymentNotRefundable,
  paymentNotSettleable,
  providerFailure,
  refundExceedsPayment,
  settlementMismatch,
} from './payments.problems.js';

export interface FlagView {
  id: string;
  orderId: string | null;
  paymentId: string | null;
  provider: string;
  reason: FlagReason;
  details: Record<string, unknown>;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: FlagResolution | null;
}

export interface RefundView {
  id: string;
  paymentId: string;
  status: 'creating' | 'pending' | 'succeeded' | 'failed';
  amountCents: number;
  currency: string;
  createdAt: string;
}

interface FlagRow {
  id: string;
  order_id: string | null;
  payment_id: string | null;
  provider: string;
  reason: FlagReason;
  details: Record<string, unknown>;
  created_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: FlagResolution | null;
}

interface RefundRow {
  id: string;
  payment_id: string;
  status: RefundView['status'];
  amount_cents: number;
  currency: string;
  idempotency_key: string;
  created_at: Date;
}

const flagView = (r: FlagRow): FlagView => ({
  id: r.id,
  orderId: r.order_id,
  paymentId: r.payment_id,
  provider: r.provider,
  reason: r.reason,
  details: r.details,
  createdAt: new Date(r.created_at).toISOString(),
  resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
  resolvedBy: r.resolved_by,
  resolution: r.resolution,
});

const refundView = (r: RefundRow): RefundView => ({
  id: r.id,
  paymentId: r.payment_id,
  status: r.status,
  amountCents: r.amount_cents,
  currency: r.currency.trim(),
  createdAt: new Date(r.created_at).toISOString(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What staff do with payments: read and resolve the flags (payments the shop did not accept as they
 * were), record a bank receipt for SEPA direct debit or invoice, and refund a card or PayPal payment.
 * None of it shows personal data: ids, states and amounts only.
 */
@Injectable()
export class PaymentAdmin {
  private readonly logger = new Logger(PaymentAdmin.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outcomes: PaymentOutcomes,
    private readonly providers: PaymentProviders,
    private readonly discloser: Discloser,
  ) {}

  async flags(state: 'open' | 'resolved' | 'all', limit: number, orderId?: string): Promise<FlagView[]> {
    const rows: FlagRow[] = await this.dataSource.query(
      `select id, order_id, payment_id, provider, reason, details, created_at, resolved_at, resolved_by, resolution
         from payment_flag
        where ($1 = 'all' or ($1 = 'open') = (resolved_at is null))
          and ($2::uuid is null or order_id = $2::uuid)
        order by created_at desc
        limit $3`,
      [state, orderId ?? null, limit],
    );
    return rows.map(flagView);
  }

  async resolveFlag(flagId: string, resolution: FlagResolution): Promise<FlagView> {
    if (!UUID.test(flagId)) throw notFound('The flag');
    const actor = ActorContext.currentOrSystem();
    const rows = returned<FlagRow>(
      await this.dataSource.query(
        `update payment_flag set resolved_at = now(), resolved_by = $2, resolution = $3
          where id = $1 and resolved_at is null
        returning id, order_id, payment_id, provider, reason, details, created_at, resolved_at, resolved_by, resolution`,
        [flagId, `${actor.type}:${actor.id}`, resolution],
      ),
    );
    if (rows[0]) return flagView(rows[0]);
    const exists: unknown[] = await this.dataSource.query('select 1 from payment_flag where id = $1', [
      flagId,
    ]);
    throw exists.length > 0 ? flagAlreadyResolved() : notFound('The flag');
  }

  async payments(orderId: string): Promise<PaymentView[]> {
    if (!UUID.test(orderId)) return [];
    const rows: PaymentRow[] = await this.dataSource.query(
      `select ${PAYMENT_COLUMNS} from payment p where order_id = $1 and ${notBlockedClause(PAYMENT_RECORD, 'p.id')} order by created_at desc`,
      [orderId],
    );
    return rows.map((r) => paymentView(r));
  }

  /** The bank received a SEPA debit or an invoice transfer: the order is marked paid (amount-checked). */
  async settle(paymentId: string, received: { amountCents: number; currency: string }): Promise<PaymentView> {
    const payment = await this.payment(paymentId);
    if (payment.provider !== 'sepa' && payment.provider !== 'invoice')
      throw paymentNotSettleable(`A ${payment.provider} payment is settled by the provider, not by staff.`);
    if (payment.status === 'succeeded') return paymentView(payment);
    if (payment.status !== 'pending') throw paymentNotSettleable(`This payment is ${payment.status}.`);
    if (
      received.amountCents !== payment.amount_cents ||
      received.currency.toUpperCase() !== payment.currency.trim()
    )
      throw settlementMismatch();
    const result = await this.outcomes.moneyReceived({
      provider: payment.provider,
      paymentId: payment.id,
      receivedCents: received.amountCents,
      currency: received.currency.toUpperCase(),
      source: 'staff',
    });
    if (result.outcome === 'flagged')
      throw paymentNotSettleable(
        `The order could not be marked paid (${result.flagReason ?? 'flagged'}); see the flags.`,
      );
    return paymentView(result.payment ?? payment);
  }

  /**
   * Refunds (part of) a card or PayPal payment through its provider. The refund row is written first
   * under the staff member's Idempotency-Key; the provider gets a key derived from it, so a retried
   * request refunds once. The order's status is the orders module's (a staff transition to `refunded`).
   */
  async refund(
    paymentId: string,
    amountCents: number | undefined,
    idempotencyKey: string,
  ): Promise<RefundView> {
    const payment = await this.payment(paymentId);
    if (payment.status !== 'succeeded')
      throw paymentNotRefundable(`This payment is ${payment.status}; only a paid one can be refunded.`);
    const provider = this.providers.get(payment.provider);
    if (!provider || !payment.provider_reference)
      throw paymentNotRefundable(
        `A ${payment.provider} payment is refunded by bank transfer, outside the shop.`,
      );
    const actor = ActorContext.currentOrSystem();
    const refund = await this.dataSource.transaction(
      async (m): Promise<{ row: RefundRow; fresh: boolean }> => {
        const earlier: RefundRow[] = await m.query(
          'select id, payment_id, status, amount_cents, currency, idempotency_key, created_at from payment_refund where payment_id = $1 and idempotency_key = $2',
          [payment.id, idempotencyKey],
        );
        if (earlier[0]) return { row: earlier[0], fresh: false };
        // Serialises refunds of one payment, so two at once cannot together exceed it.
        await m.query('select 1 from payment where id = $1 for update', [payment.id]);
        const [{ refunded }]: { refunded: number }[] = await m.query(
          `select coalesce(sum(amount_cents), 0)::int as refunded from payment_refund where payment_id = $1 and status <> 'failed'`,
          [payment.id],
        );
        const refundable = (payment.received_cents ?? payment.amount_cents) - refunded;
        const amount = amountCents ?? refundable;
        if (amount < 1 || amount > refundable) throw refundExceedsPayment(refundable);
        const rows: RefundRow[] = await m.query(
          `insert into payment_refund (payment_id, amount_cents, currency, status, idempotency_key, requested_by)
         values ($1, $2, $3, 'creating', $4, $5)
         returning id, payment_id, status, amount_cents, currency, idempotency_key, created_at`,
          [payment.id, amount, payment.currency, idempotencyKey, `${actor.type}:${actor.id}`],
        );
        return { row: rows[0], fresh: true };
      },
    );
    if (!refund.fresh && refund.row.status !== 'creating') return refundView(refund.row);
    const reference = payment.provider_reference;
    let result;
    try {
      result = await this.discloser.disclose({
        activityId: PAYMENT_ACTIVITY_ID,
        recipientId: provider.id,
        subjectId: payment.subject_id,
        payload: {
          paymentReference: reference,
          ...(payment.provider === 'paypal' && payment.capture_reference
            ? { captureReference: payment.capture_reference }
            : {}),
          amountCents: refund.row.amount_cents,
          currency: refund.row.currency.trim(),
        },
        send: (p) =>
          provider.refund({
            reference: p.paymentReference,
            captureReference: p.captureReference,
            amountCents: p.amountCents,
            currency: p.currency,
            idempotencyKey: providerIdempotencyKey(
              payment.order_id,
              `${payment.id}:${refund.row.idempotency_key}`,
              'refund',
            ),
          }),
      });
    } catch (error) {
      if (error instanceof ProblemException || error instanceof DomainError || error instanceof PrivacyError)
        throw error;
      this.logger.warn(`refund ${refund.row.id} of payment ${payment.id}: ${(error as Error).message}`);
      throw providerFailure(error);
    }
    const rows = returned<RefundRow>(
      await this.dataSource.query(
        `update payment_refund set status = $2, provider_reference = $3 where id = $1
         returning id, payment_id, status, amount_cents, currency, idempotency_key, created_at`,
        [refund.row.id, result.status, result.reference],
      ),
    );
    return refundView(rows[0]);
  }

  private async payment(paymentId: string): Promise<PaymentRow> {
    if (!UUID.test(paymentId)) throw notFound('The payment');
    const rows: PaymentRow[] = await this.dataSource.query(
      `select ${PAYMENT_COLUMNS} from payment p where id = $1 and ${notBlockedClause(PAYMENT_RECORD, 'p.id')}`,
      [paymentId],
    );
    if (!rows[0]) throw notFound('The payment');
    return rows[0];
  }
}
