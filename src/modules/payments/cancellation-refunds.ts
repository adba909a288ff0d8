import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobQueue } from '@app/privacy';
import { DataSource } from 'typeorm';
import { PaymentNotRefundableError, RefundExceedsPaymentError } from './payments.problems.js';
import { OrderTransitionHooks, PAID_STATUSES, type OrderTransition } from '../orders/index.js';
import { PaymentAdmin } from './payment-admin.service.js';

/** The queue of refunds that follow the cancellation of a paid order. */
export const CANCELLATION_REFUND_JOB = 'payments.refund-cancelled-order';

export interface CancellationRefundJob {
  orderId: string;
}

/**
 * A paid order that is cancelled gets its money back without staff having to act: the `cancelled`
 * hook enqueues a job in the cancellation's transaction (outbox), and the job refunds what is left of
 * each card or PayPal payment of the order through its provider, under an idempotency key per order
 * and payment (a retried job refunds once). Payments by bank (invoice, SEPA) are paid back by
 * transfer outside the shop: the job leaves them to staff, who see the cancelled paid order.
 */
@Injectable()
export class CancellationRefunds {
  private readonly logger = new Logger('CancellationRefunds');

  constructor(
    private readonly jobs: JobQueue,
    private readonly hooks: OrderTransitionHooks,
    private readonly admin: PaymentAdmin,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async register(): Promise<void> {
    this.jobs.declareQueue(CANCELLATION_REFUND_JOB, {
      retryLimit: 10,
      retryDelay: 30,
      retryBackoff: true,
      retryDelayMax: 3600,
    });
    this.hooks.on('cancelled', (t) => this.onCancelled(t));
    await this.jobs.work<CancellationRefundJob>(CANCELLATION_REFUND_JOB, async (job) => {
      await this.refund(job.orderId);
    });
  }

  private async onCancelled(t: OrderTransition): Promise<void> {
    if (!PAID_STATUSES.includes(t.from)) return;
    const job: CancellationRefundJob = { orderId: t.orderId };
    await this.jobs.send(CANCELLATION_REFUND_JOB, job, { db: t.manager });
  }

  /** Refunds the rest of every provider payment of the order; answers the payments refunded. */
  async refund(orderId: string): Promise<string[]> {
    const payments: { id: string; provider: string }[] = await this.dataSource.query(
      `select id, provider from payment where order_id = $1 and status = 'succeeded' order by created_at`,
      [orderId],
    );
    const refunded: string[] = [];
    for (const payment of payments) {
      try {
        await this.admin.refund(payment.id, undefined, `cancellation-${orderId}`);
        refunded.push(payment.id);
      } catch (error) {
        // Nothing left to refund (staff refunded it already), or a bank payment: not this job's.
        if (error instanceof RefundExceedsPaymentError || error instanceof PaymentNotRefundableError) {
          this.logger.log(
            `order ${orderId}, payment ${payment.id} (${payment.provider}): ${error.code}; left as is`,
          );
          continue;
        }
        throw error;
      }
    }
    return refunded;
  }
}
