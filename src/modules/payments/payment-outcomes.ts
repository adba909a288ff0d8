import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ActorContext, type Actor } from '@app/privacy';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AlreadyPaidError,
  ForbiddenTransitionError,
  OrderNotFoundError,
  PaymentMismatchError,
} from '../orders/index.js';
import { OrderGateway } from './order-gateway.js';
import type { FlagReason } from './payment.entities.js';
import { PAYMENT_COLUMNS, returned, type PaymentRow } from './payment-records.js';
import type { ProviderId } from './payment-provider.port.js';

/** What a provider (or staff, for the shop's own methods) reports: money arrived for a payment. */
export interface MoneyReport {
  provider: ProviderId;
  /** The provider's payment id (PaymentIntent, PayPal order); or, with `paymentId`, whatever identifies it. */
  reference?: string;
  paymentId?: string;
  captureReference?: string;
  receivedCents: number;
  currency: string;
  /** The provider event that reported it: applied once, however often it arrives. */
  event?: { id: string; type: string };
  /** Where the report came from, kept in a flag's details. */
  source: 'webhook' | 'capture' | 'sync' | 'staff';
}

/** What the first statement of a report found and did. */
interface Step {
  fresh: boolean;
  payment?: PaymentRow;
  /** The payment after it was marked succeeded (the money matched). */
  applied?: PaymentRow;
}

export type Outcome =
  'applied' | 'already-applied' | 'duplicate' | 'flagged' | 'unknown-payment' | 'recorded' | 'ignored';

export interface OutcomeResult {
  outcome: Outcome;
  payment?: PaymentRow;
  flagReason?: FlagReason;
}

/** The reasons markPaid refuses, as flags: staff must look (refund a double payment, check an amount). */
function refusalOf(error: unknown): { reason: FlagReason; code: string } | undefined {
  if (error instanceof PaymentMismatchError) return { reason: 'amount-mismatch', code: error.code };
  if (
    error instanceof AlreadyPaidError ||
    error instanceof ForbiddenTransitionError ||
    error instanceof OrderNotFoundError
  )
    return { reason: 'order-not-payable', code: error.code };
  return undefined;
}

/** Reports applied in one transaction at most (bounds the time the invoice counter stays locked). */
const MAX_BATCH = 32;

interface Queued {
  report: MoneyReport;
  actor: Actor;
  resolve: (result: OutcomeResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Applies what providers report. Each report: the event id is claimed first (so the same event is
 * applied once), the payment row is locked (so a webhook and a capture answer racing for the same
 * payment apply it once), the amount and currency are checked against the payment, and the order is
 * marked paid through the orders module inside the same transaction. Anything that does not fit is
 * flagged for staff instead, and the order is left as it was.
 *
 * Why reports are batched: marking an order paid issues its invoice, and gap-free invoice numbers
 * mean the year's counter row stays locked from the invoice until the commit, so every paid order of
 * every instance passes through that lock one after the other. Reports arriving while a transaction
 * is running are applied together in the next one (as the audit log's appender batches its rows):
 * one lock and one commit for the whole batch, so throughput grows with concurrency instead of
 * queueing on the lock. A report alone is applied at once. In the transaction all payments are locked
 * (sorted, so two instances' batches cannot deadlock on them) before any order is marked paid. A batch
 * that fails is retried report by report, so one bad report cannot fail the others.
 */
@Injectable()
export class PaymentOutcomes implements OnModuleDestroy {
  private pending: Queued[] = [];
  private draining?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrderGateway,
  ) {}

  /** Lets the batch in flight and the queued reports commit before the connection pool closes. */
  async onModuleDestroy(): Promise<void> {
    await this.draining;
  }

  /** Resolves once the report's transaction has committed, with what it did. */
  moneyReceived(report: MoneyReport): Promise<OutcomeResult> {
    // The actor is captured now, in the caller's context: the batch runs in whichever request drains it.
    const actor = ActorContext.currentOrSystem();
    return new Promise<OutcomeResult>((resolve, reject) => {
      this.pending.push({ report, actor, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        const results = await this.applyBatch(batch);
        batch.forEach((q, i) => q.resolve(results[i]));
      } catch (error) {
        if (batch.length === 1) {
          batch[0].reject(error);
          continue;
        }
        for (const q of batch) {
          try {
            q.resolve((await this.applyBatch([q]))[0]);
          } catch (single) {
            q.reject(single);
          }
        }
      }
    }
    this.draining = undefined;
  }

  private applyBatch(batch: Queued[]): Promise<OutcomeResult[]> {
    const order = batch
      .map((q, index) => ({
        q,
        index,
        key: `${q.report.provider}|${q.report.paymentId ?? q.report.reference ?? ''}`,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
    return this.dataSource.transaction(async (m) => {
      const steps: Step[] = [];
      for (const { q, index } of order) steps[index] = await this.claimLockAndApply(m, q.report);
      const results: OutcomeResult[] = [];
      for (const { q, index } of order) results[index] = await this.settle(m, q, steps[index]);
      return results;
    });
  }

  /** The rest of one report, after its payment is locked: flags, or the order marked paid. */
  private async settle(m: EntityManager, q: Queued, step: Step): Promise<OutcomeResult> {
    const { report } = q;
    if (!step.fresh) return { outcome: 'duplicate' };
    const payment = step.payment;
    const details = {
      source: report.source,
      ...(report.event ? { eventId: report.event.id, eventType: report.event.type } : {}),
      receivedCents: report.receivedCents,
      receivedCurrency: report.currency,
    };
    if (!payment) {
      await this.flag(m, { provider: report.provider, reason: 'unknown-payment', details });
      return { outcome: 'unknown-payment', flagReason: 'unknown-payment' };
    }
    if (payment.status === 'succeeded') return { outcome: 'already-applied', payment };
    const expected = { expectedCents: payment.amount_cents, expectedCurrency: payment.currency.trim() };
    if (!step.applied) {
      const reason: FlagReason =
        report.currency.toUpperCase() !== payment.currency.trim() ? 'currency-mismatch' : 'amount-mismatch';
      return this.refuse(m, payment, report, reason, { ...details, ...expected });
    }
    try {
      await this.orders.markPaid(
        payment.order_id,
        {
          provider: payment.provider,
          reference: payment.provider_reference ?? payment.id,
          amountCents: report.receivedCents,
          currency: report.currency.toUpperCase(),
        },
        m,
        q.actor,
      );
    } catch (error) {
      // markPaid refuses before it writes anything, so the transaction is still good: undo ours, flag it.
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      await m.query(
        `update payment set status = $2, succeeded_at = null, capture_reference = $3, updated_at = now() where id = $1`,
        [payment.id, payment.status, payment.capture_reference],
      );
      await this.setEventOutcome(m, report, `flagged:${refusal.reason}`);
      return this.refuse(m, payment, report, refusal.reason, {
        ...details,
        ...expected,
        refusedBy: refusal.code,
      });
    }
    return { outcome: 'applied', payment: step.applied };
  }

  /** The payment ended without money (cancelled, or failed for good); a succeeded payment stays as it is. */
  paymentEnded(report: {
    provider: ProviderId;
    reference: string;
    status: 'failed' | 'cancelled';
    event?: { id: string; type: string };
  }): Promise<OutcomeResult> {
    return this.dataSource.transaction(async (m) => {
      if (report.event && !(await this.claimEvent(m, report.provider, report.event)))
        return { outcome: 'duplicate' };
      const rows = returned<PaymentRow>(
        await m.query(
          `update payment set status = $3, updated_at = now()
            where provider = $1 and provider_reference = $2 and status in ('creating', 'pending')
          returning ${PAYMENT_COLUMNS}`,
          [report.provider, report.reference, report.status],
        ),
      );
      return this.finish(m, report, { outcome: 'recorded', payment: rows[0] });
    });
  }

  /** An event the shop notes but does not act on (a declined card, an event type it does not use). */
  async noted(
    provider: ProviderId,
    event: { id: string; type: string },
    outcome: 'ignored' | 'recorded',
    reference?: string,
  ): Promise<OutcomeResult> {
    const rows: { event_id: string }[] = await this.dataSource.query(
      `insert into payment_event (provider, event_id, type, outcome, order_id, payment_id)
       select $1, $2, $3, $4, p.order_id, p.id
         from (select 1) one left join payment p on p.provider = $1 and p.provider_reference = $5
       on conflict do nothing
       returning event_id`,
      [provider, event.id, event.type, outcome, reference ?? null],
    );
    return { outcome: rows.length === 0 ? 'duplicate' : outcome };
  }

  /** Whether an event was received before (for work that must happen before its transaction, like a capture). */
  async seen(provider: ProviderId, eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'select 1 from payment_event where provider = $1 and event_id = $2',
      [provider, eventId],
    );
    return rows.length > 0;
  }

  private async claimEvent(
    m: EntityManager,
    provider: ProviderId,
    event: { id: string; type: string },
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `insert into payment_event (provider, event_id, type, outcome) values ($1, $2, $3, 'processing')
       on conflict do nothing returning event_id`,
      [provider, event.id, event.type],
    );
    return rows.length > 0;
  }

  /**
   * One round trip for the common case: locks the payment, claims the event (a second delivery of it
   * waits on the event's key until the first commits, then finds it taken), recording the outcome the
   * amounts decide, and, when the money matches a payment not yet paid, marks the payment succeeded.
   * Without an event (a capture answer, staff) there is nothing to claim: the payment lock decides.
   */
  private async claimLockAndApply(m: EntityManager, report: MoneyReport): Promise<Step> {
    const where = report.paymentId ? 'p.id = $4::uuid' : 'p.provider = $1 and p.provider_reference = $4';
    const rows: (PaymentRow & { fresh: number; applied: PaymentRow | null })[] = await m.query(
      `with target as materialized (
         select ${PAYMENT_COLUMNS} from payment p where ${where} for update of p
       ),
       claimed as (
         insert into payment_event (provider, event_id, type, order_id, payment_id, outcome)
         select $1, $2, $3, t.order_id, t.id,
                case when t.id is null then 'unknown-payment'
                     when t.status = 'succeeded' then 'already-applied'
                     when t.currency::text <> $6 then 'flagged:currency-mismatch'
                     when t.amount_cents <> $5 then 'flagged:amount-mismatch'
                     else 'applied' end
           from (select 1) one left join target t on true
          where $2::text is not null
         on conflict do nothing
         returning event_id
       ),
       applied as (
         update payment p
            set status = 'succeeded', received_cents = $5, capture_reference = coalesce($7, p.capture_reference),
                succeeded_at = now(), updated_at = now()
           from target t
          where p.id = t.id and t.status <> 'succeeded' and t.currency::text = $6 and t.amount_cents = $5
            and ($2::text is null or exists (select 1 from claimed))
         returning ${PAYMENT_COLUMNS.split(', ')
           .map((c) => `p.${c}`)
           .join(', ')}
       )
       select (select count(*) from claimed)::int as fresh, (select row_to_json(a) from applied a) as applied, t.*
         from (select 1) one left join target t on true`,
      [
        report.provider,
        report.event?.id ?? null,
        report.event?.type ?? null,
        report.paymentId ?? report.reference ?? '',
        report.receivedCents,
        report.currency.toUpperCase(),
        report.captureReference ?? null,
      ],
    );
    const { fresh, applied, ...payment } = rows[0];
    return {
      fresh: !report.event || fresh > 0,
      ...(payment.id ? { payment } : {}),
      ...(applied ? { applied } : {}),
    };
  }

  private async setEventOutcome(m: EntityManager, report: MoneyReport, outcome: string): Promise<void> {
    if (!report.event) return;
    await m.query('update payment_event set outcome = $3 where provider = $1 and event_id = $2', [
      report.provider,
      report.event.id,
      outcome,
    ]);
  }

  /** The money was not accepted: what arrived is kept on the payment, and staff get a flag. */
  private async refuse(
    m: EntityManager,
    payment: PaymentRow,
    report: MoneyReport,
    reason: FlagReason,
    details: Record<string, string | number>,
  ): Promise<OutcomeResult> {
    await m.query(
      `with kept as (update payment set received_cents = $2, updated_at = now() where id = $1)
       insert into payment_flag (order_id, payment_id, provider, reason, details) values ($3, $1, $4, $5, $6)`,
      [payment.id, report.receivedCents, payment.order_id, payment.provider, reason, JSON.stringify(details)],
    );
    return { outcome: 'flagged', payment, flagReason: reason };
  }

  private async flag(
    m: EntityManager,
    flag: {
      orderId?: string;
      paymentId?: string;
      provider: ProviderId;
      reason: FlagReason;
      details: Record<string, string | number>;
    },
  ): Promise<void> {
    await m.query(
      `insert into payment_flag (order_id, payment_id, provider, reason, details) values ($1, $2, $3, $4, $5)`,
      [
        flag.orderId ?? null,
        flag.paymentId ?? null,
        flag.provider,
        flag.reason,
        JSON.stringify(flag.details),
      ],
    );
  }

  private async finish(
    m: EntityManager,
    report: { provider: ProviderId; event?: { id: string } },
    result: OutcomeResult,
  ): Promise<OutcomeResult> {
    if (report.event) {
      await m.query(
        `update payment_event set outcome = $3, order_id = $4, payment_id = $5 where provider = $1 and event_id = $2`,
        [
          report.provider,
          report.event.id,
          result.flagReason ? `flagged:${result.flagReason}` : result.outcome,
          result.payment?.order_id ?? null,
          result.payment?.id ?? null,
        ],
      );
    }
    return result;
  }
}
