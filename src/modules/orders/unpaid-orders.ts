import { Injectable, Logger } from '@nestjs/common';
import { ConflictError, DomainError, UnitOfWork } from '@app/core';
import { JobQueue, notBlockedClause } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import { ForbiddenTransitionError, OrderNotFoundError } from './orders.problems.js';
import { OrderStateMachine } from './order-state-machine.js';

/** The pg-boss queue (and cron schedule) of the sweep. */
export const CANCEL_UNPAID_JOB = 'orders.cancel-unpaid';

/** Orders of these methods are paid at once or never: their reserved stock must not wait longer. */
export const PROMPT_PAYMENT_METHODS = ['card', 'paypal'] as const;

/** At most this many orders per run; the next tick takes the rest. */
const BATCH = 200;

export interface SweepResult {
  cancelled: string[];
  /** Orders that moved on (paid) between the query and the cancellation: left as they are. */
  skipped: string[];
}

/**
 * Cancels card and PayPal orders that were not paid within UNPAID_ORDER_TIMEOUT_MINUTES, through the
 * state machine: stock goes back, the history records the system as actor, and the cancellation
 * notice ("not paid in time") is enqueued in the same transaction. Each order is its own transaction,
 * so a payment that arrives at the same moment wins or loses cleanly (the state machine's conditional
 * update): a paid order is skipped. A payment the provider reports later for a cancelled order is
 * flagged for staff by the payments module (order-not-payable) to be refunded.
 */
@Injectable()
export class UnpaidOrders {
  private readonly logger = new Logger('UnpaidOrders');

  constructor(
    private readonly jobs: JobQueue,
    private readonly uow: UnitOfWork,
    private readonly machine: OrderStateMachine,
    private readonly config: AppConfig,
  ) {}

  async register(): Promise<void> {
    this.jobs.declareQueue(CANCEL_UNPAID_JOB, { policy: 'singleton', retryLimit: 2, expireInSeconds: 300 });
    await this.jobs.work(CANCEL_UNPAID_JOB, async () => {
      await this.sweep();
    });
    await this.jobs.schedule(
      CANCEL_UNPAID_JOB,
      this.config.UNPAID_ORDER_SWEEP_CRON,
      {},
      { tz: 'Europe/Berlin' },
    );
  }

  /** Cancels the overdue orders; `now` for tests. */
  async sweep(now: Date = new Date()): Promise<SweepResult> {
    const minutes = this.config.UNPAID_ORDER_TIMEOUT_MINUTES;
    const due: { id: string }[] = await this.uow.manager.query(
      `select o.id from shop_order o
        where o.status in ('placed', 'awaiting_payment')
          and o.payment_method = any($1::text[])
          and o.placed_at < $2::timestamptz - make_interval(mins => $3)
          and ${notBlockedClause('order', 'o.id')}
        order by o.placed_at
        limit ${BATCH}`,
      [PROMPT_PAYMENT_METHODS, now, minutes],
    );
    const result: SweepResult = { cancelled: [], skipped: [] };
    for (const { id } of due) {
      try {
        await this.machine.transition(id, 'cancelled', {
          actor: { type: 'system', id: CANCEL_UNPAID_JOB },
          reason: `not paid within ${minutes} minutes`,
        });
        result.cancelled.push(id);
      } catch (error) {
        if (!isMovedOn(error)) throw error;
        result.skipped.push(id);
      }
    }
    if (due.length > 0)
      this.logger.log(
        `cancelled ${result.cancelled.length} unpaid orders, ${result.skipped.length} had moved on`,
      );
    return result;
  }
}

/** The order was paid (or otherwise moved) meanwhile, or is gone: not ours to cancel any more. */
function isMovedOn(error: unknown): boolean {
  if (error instanceof ForbiddenTransitionError || error instanceof OrderNotFoundError) return true;
  return error instanceof ConflictError || (error instanceof DomainError && error.kind === 'not-found');
}
