import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '@app/core';
import { notBlockedClause, type Actor } from '@app/privacy';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid } from './order-reader.js';
import { OrderStateMachine, type OrderStatus, type TransitionResult } from './order-state-machine.js';

/** Until the parcel is packed the goods are still on the shelf: the buyer may cancel. */
export const CUSTOMER_CANCELLABLE: readonly OrderStatus[] = ['placed', 'awaiting_payment', 'paid', 'picking'];

/** Who asks: the signed-in customer, or a guest holding the order's signed link. */
export type CancellingBuyer = { customerId: string } | { guestOrderId: string };

/**
 * Cancellation by the buyer: their own order, before it is packed. The move is the state machine's
 * (stock back, history, notice); what follows a paid order's cancellation hangs on the `cancelled`
 * hooks: the credit note (OrderCreditNotes) in the same transaction, the refund by the payments
 * module's job after the commit.
 */
@Injectable()
export class OrderCancellation {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly machine: OrderStateMachine,
  ) {}

  async byBuyer(orderId: string, buyer: CancellingBuyer): Promise<TransitionResult> {
    if (!isUuid(orderId)) throw new NotFoundError('The order');
    const rows: { status: OrderStatus; number: string; customer_id: string | null; subject_id: string }[] =
      await this.dataSource.query(
        `select o.status, o.number, o.customer_id, o.subject_id from shop_order o
          where o.id = $1 and ${notBlockedClause('order', 'o.id')}`,
        [orderId],
      );
    const order = rows[0];
    const owns =
      order &&
      ('customerId' in buyer
        ? order.customer_id === buyer.customerId
        : buyer.guestOrderId === orderId && order.customer_id === null);
    if (!owns) throw new NotFoundError('The order');
    if (order.status === 'cancelled' || order.status === 'refunded')
      throw new ConflictError('already-cancelled', `Order ${order.number} is already ${order.status}.`, {
        orderStatus: order.status,
      });
    if (!CUSTOMER_CANCELLABLE.includes(order.status))
      throw new ConflictError(
        'cancellation-too-late',
        `Order ${order.number} is ${order.status}: it can no longer be cancelled. Once it has arrived you ` +
          'can withdraw from the purchase and send it back.',
        { orderStatus: order.status },
      );
    // The buyer is the actor, as at placement: the history and the notice say the customer cancelled.
    const actor: Actor = { type: 'subject', id: order.subject_id };
    return this.machine.transition(orderId, 'cancelled', { actor, reason: 'cancelled by the customer' });
  }
}

/** Staff cancel with a reason (kept in the order history); a blank one is refused. */
export function assertStaffReason(to: OrderStatus, reason: string | undefined): void {
  if (to === 'cancelled' && (reason === undefined || reason.trim().length < 3))
    throw new InvalidInputError([
      { field: 'reason', reason: 'is required to cancel an order (at least 3 characters)' },
    ]);
}
