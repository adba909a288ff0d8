import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobQueue } from '@app/privacy';
import { DataSource } from 'typeorm';
import { PaymentNotRefundableError } from './payments.problems.js';
import { OrderTransitionHooks, type OrderTransition } from '../orders/index.js';
import { PaymentAdmin } from './payment-admin.service.js';

/** The queue of refunds that follow a refunded return (withdrawal). */
export const RETURN_REFUND_JOB = 'payments.refund-return';

export interface ReturnRefundJob {
  orderId: string;
  returnId: string;
  amountCents: number;
}

/**
 * A withdrawal staff refunded gets its money back through the payment provider, as a cancellation
 * does (cancellation-refunds.ts): the orders module's move to `partially_refunded` / `refunded` carries
 * the amount, the hook enqueues a job in that transaction (outbox), and the job refunds the amount
 * from the order's card or PayPal payments under the idempotency key `return-<returnId>` (a retried
 * job refunds once). Bank payments (invoice, SEPA) are paid back by transfer outside the shop.
 */
@Injectable()
export class ReturnRefunds {
  private readonly logger = new Logger('ReturnRefunds');

  constructor(
    private readonly jobs: JobQueue,
    private readonly hooks: OrderTransitionHooks,
    private readonly admin: PaymentAdmin,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async register(): Promise<void> {
    this.jobs.declareQueue(RETURN_REFUND_JOB, {
      retryLimit: 10,
      retryDelay: 30,
      retryBackoff: true,
      retryDelayMax: 3600,
    });
    const enqueue = async (t: OrderTransition): Promise<void> => {
      if (!t.refund) return;
      const job: ReturnRefundJob = {
        orderId: t.orderId,
        returnId: t.refund.returnId,
        amountCents: t.refund.amountCents,
      };
      await this.jobs.send(RETURN_REFUND_JOB, job, { db: t.manager });
    };
    this.hooks.on('partially_refunded', enqueue);
    this.hooks.on('refunded', enqueue);
    await this.jobs.work<ReturnRefundJob>(RETURN_REFUND_JOB, async (job) => {
      await this.refund(job);
    });
  }

  /**
   * Refunds `amountCents` from the order's provider payments, oldest first, each up to what is left
   * of it. Answers the cents refunded under this return's key (all of them on a retry).
   */
  async refund(job: ReturnRefundJob): Promise<number> {
    const key = `return-${job.returnId}`;
    const payments: { id: string; provider: string; left: number; earlier: number | null }[] =
      await this.dataSource.query(
        `select p.id, p.provider,
                coalesce(p.received_cents, p.amount_cents)
                  - coalesce((select sum(r.amount_cents) from payment_refund r
                               where r.payment_id = p.id and r.status <> 'failed'), 0)::int as left,
                (select r.amount_cents from payment_refund r where r.payment_id = p.id and r.idempotency_key = $2)
                  as earlier
           from payment p
          where p.order_id = $1 and p.status = 'succeeded'
          order by p.created_at`,
        [job.orderId, key],
      );
    let due = job.amountCents - payments.reduce((sum, p) => sum + (p.earlier ?? 0), 0);
    let refunded = job.amountCents - due;
    for (const payment of payments) {
      const amount = payment.earlier !== null ? payment.earlier : Math.min(due, payment.left);
      if (amount < 1) continue;
      try {
        await this.admin.refund(payment.id, amount, key);
        if (payment.earlier === null) {
          due -= amount;
          refunded += amount;
        }
      } catch (error) {
        if (error instanceof PaymentNotRefundableError) {
          this.logger.log(
            `order ${job.orderId}, payment ${payment.id} (${payment.provider}): paid back by bank`,
          );
          continue;
        }
        throw error;
      }
    }
    return refunded;
  }
}
