import { Injectable } from '@nestjs/common';
import { NotificationOutbox } from '../notifications/index.js';
import { OrderCreditNotes } from './credit-notes.port.js';
import { ORDER_NOTICES, ORDER_RECIPIENT } from './order-notices.js';
import { OrderTransitionHooks, type OrderTransition } from './order-transition-hooks.js';

/** Who ended an order, as the cancellation notice words it. */
export const cancellationInitiator = (t: Pick<OrderTransition, 'actor'>): string =>
  t.actor.type === 'system' ? 'timeout' : t.actor.type === 'subject' ? 'customer' : 'shop';

/**
 * The order's emails that follow a move of its status, enqueued in the move's transaction (the
 * notice exists exactly when the move committed): payment received on `paid`, cancelled on
 * `cancelled` (with the credit note of a paid order), refunded on `refunded`. The confirmation is enqueued at checkout; the shipping notice
 * by the carrier handoff (it knows the tracking number).
 */
@Injectable()
export class OrderNoticeHooks {
  constructor(
    private readonly outbox: NotificationOutbox,
    private readonly hooks: OrderTransitionHooks,
    private readonly creditNotes: OrderCreditNotes,
  ) {}

  register(): void {
    this.hooks.on('paid', (t) => this.notify(t, ORDER_NOTICES.paymentReceived));
    this.hooks.on('cancelled', async (t) => {
      // An order with an invoice (paid, or released on invoice) gets a credit note reversing it, in
      // this same transaction; only money received is refunded.
      const [state]: { invoiced: boolean; paid: boolean }[] = await t.manager.query(
        `select exists (select 1 from invoice i where i.order_id = o.id) as invoiced, o.paid_at is not null as paid
           from shop_order o where o.id = $1`,
        [t.orderId],
      );
      const paid = state?.paid === true;
      if (state?.invoiced)
        await this.creditNotes.request(
          { orderId: t.orderId, reason: `order cancelled (${cancellationInitiator(t)})` },
          t.manager,
        );
      await this.notify(t, ORDER_NOTICES.cancelled, { initiator: cancellationInitiator(t), refunded: paid });
    });
    // A return's refund names its amount and VAT; a whole-order refund by staff names none (the total).
    const refundNotice = (t: OrderTransition) =>
      this.notify(
        t,
        ORDER_NOTICES.refund,
        t.refund
          ? {
              amountCents: t.refund.amountCents,
              vatCents: t.refund.vatCents,
              returnNumber: t.refund.returnNumber,
            }
          : {},
      );
    this.hooks.on('refunded', async (t) => {
      // A staff refund of the whole order: the credit note reverses what the invoice still holds, in this
      // same transaction. A return's refund requested its credit note for its lines already.
      if (!t.refund)
        await this.creditNotes.request({ orderId: t.orderId, reason: 'order refunded' }, t.manager);
      await refundNotice(t);
    });
    this.hooks.on('partially_refunded', refundNotice);
  }

  /** Enqueues `template` about `t.orderId` in the transaction of the move. */
  async notify(
    t: Pick<OrderTransition, 'orderId' | 'manager'>,
    template: string,
    data: Record<string, string | number | boolean> = {},
  ): Promise<void> {
    await this.outbox.notify(
      { template, recipient: { kind: ORDER_RECIPIENT, id: t.orderId }, data },
      t.manager,
    );
  }
}
