import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '@app/core';
import { JobQueue, notBlockedClause } from '@app/privacy';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { InvoiceIssuer } from './invoices.js';
import { OrderNoticeHooks } from './order-notice-hooks.js';
import { ORDER_NOTICES } from './order-notices.js';
import { OrderTransitionHooks, type OrderTransition } from './order-transition-hooks.js';

/** The pg-boss queue (and cron schedule) of the payment reminders. */
export const DUNNING_JOB = 'orders.dunning';

/** The methods the shop delivers before it has the money, once the credit check passed. */
export const RELEASED_METHODS = ['invoice', 'sepa_debit'] as const;

/** Each reminder gives this many days from its sending to pay. */
export const REMINDER_DEADLINE_DAYS = 7;

/** The days after the due date on which reminders 1, 2, 3 … go out (DUNNING_LEVEL_DAYS). */
export const dunningDays = (setting: string): number[] => {
  const days = setting.split(',').map(Number);
  if (days.some((d, i) => i > 0 && d <= days[i - 1]))
    throw new Error('DUNNING_LEVEL_DAYS must be ascending, e.g. 3,17,31');
  return days;
};

export interface DunningResult {
  /** Reminders sent: order id and level. */
  sent: { orderId: string; level: number }[];
}

/**
 * Orders on invoice and by SEPA direct debit. The payments module moves such an order to
 * `awaiting_payment` only after its credit check passed (or was not needed); in that move the order is
 * released for fulfilment: it may be picked and shipped before the money arrives, its invoice is
 * issued now (it is the request to pay) and its payment is due PAYMENT_DUE_DAYS later. The payment,
 * recorded by staff or matched from a bank statement, marks it paid whatever status it has reached
 * (OrderStateMachine.markPaid). Unpaid after the due date, it gets reminders on the days of
 * DUNNING_LEVEL_DAYS, each written with its level and new deadline and emailed in one transaction.
 */
@Injectable()
export class InvoiceOrders {
  private readonly logger = new Logger('InvoiceOrders');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly jobs: JobQueue,
    private readonly hooks: OrderTransitionHooks,
    private readonly invoices: InvoiceIssuer,
    private readonly notices: OrderNoticeHooks,
    private readonly config: AppConfig,
  ) {}

  async register(): Promise<void> {
    dunningDays(this.config.DUNNING_LEVEL_DAYS);
    this.hooks.on('awaiting_payment', (t) => this.release(t));
    this.jobs.declareQueue(DUNNING_JOB, { policy: 'singleton', retryLimit: 2, expireInSeconds: 600 });
    await this.jobs.work(DUNNING_JOB, async () => {
      await this.sweep();
    });
    await this.jobs.schedule(DUNNING_JOB, this.config.DUNNING_SWEEP_CRON, {}, { tz: 'Europe/Berlin' });
  }

  /** Hook on `awaiting_payment`: an invoice or SEPA order is released, its invoice issued, due date set. */
  private async release(t: OrderTransition): Promise<void> {
    const released: { id: string }[] = await t.manager.query(
      `with released as (
         update shop_order
            set released_at = now(),
                payment_due_date = (now() at time zone 'Europe/Berlin')::date + $2::int
          where id = $1 and payment_method = any($3::text[]) and released_at is null
         returning id
       )
       select id from released`,
      [t.orderId, this.config.PAYMENT_DUE_DAYS, RELEASED_METHODS],
    );
    if (released.length > 0) await this.invoices.issue(t.manager, t.orderId);
  }

  /** Sends the reminders that are due on `today` (YYYY-MM-DD, Berlin; today by default). */
  async sweep(today?: string): Promise<DunningResult> {
    const days = dunningDays(this.config.DUNNING_LEVEL_DAYS);
    const due: { id: string; level: number; total_cents: number; number: string }[] =
      await this.uow.manager.query(
        `select o.id, o.number, o.total_cents,
                -- the highest level whose day has come
                (select count(*)::int from unnest($2::int[]) d where o.payment_due_date + d <= $1::date) as level
           from shop_order o
          where o.released_at is not null and o.paid_at is null
            and o.status not in ('cancelled', 'refunded')
            and o.payment_due_date + $2[1] <= $1::date
            and ${notBlockedClause('order', 'o.id')}
            and (select coalesce(max(d.level), 0) from order_dunning d where d.order_id = o.id)
                < (select count(*)::int from unnest($2::int[]) d where o.payment_due_date + d <= $1::date)
          order by o.payment_due_date
          limit 500`,
        [today ?? berlinToday(), days],
      );
    const result: DunningResult = { sent: [] };
    for (const order of due) {
      await this.dataSource.transaction(async (manager) => {
        const [row]: { due_date: string }[] = await manager.query(
          `insert into order_dunning (order_id, level, due_date)
           values ($1, $2, $3::date + $4::int)
           on conflict do nothing
           returning to_char(due_date, 'YYYY-MM-DD') as due_date`,
          [order.id, order.level, today ?? berlinToday(), REMINDER_DEADLINE_DAYS],
        );
        if (!row) return; // another run sent it
        await this.notices.notify({ orderId: order.id, manager }, ORDER_NOTICES.paymentReminder, {
          level: order.level,
          dueDate: row.due_date,
          amountCents: order.total_cents,
          paymentReference: order.number,
        });
        result.sent.push({ orderId: order.id, level: order.level });
      });
    }
    if (result.sent.length > 0) this.logger.log(`sent ${result.sent.length} payment reminders`);
    return result;
  }
}

/** Today's date in Berlin, YYYY-MM-DD. */
function berlinToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
}
