import { Injectable } from '@nestjs/common';
import type { Actor } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { customerSubject } from '../../common/subjects.js';
import {
  OrderReader,
  ForbiddenTransitionError,
  OrderSecrets,
  OrderStateMachine,
  PAID_STATUSES,
  type MarkPaidResult,
  type OrderStatus,
  type PaymentReceived,
  type OrderAddress,
  type OrderView,
} from '../orders/index.js';
import type { PaymentMethod } from './payment-provider.port.js';

/** An order as payments needs it. */
export interface PayableOrder {
  id: string;
  number: string;
  status: OrderStatus;
  subjectId: string;
  totalCents: number;
  currency: string;
  paymentMethod: PaymentMethod;
  billing: OrderAddress;
}

/** Who is paying: a signed-in customer (their id) or a guest (the order's access token). */
export type Payer = { customerId: string } | { orderToken: string };

/** Statuses from which an order can still be paid. */
export const PAYABLE_STATUSES: readonly OrderStatus[] = ['placed', 'awaiting_payment'];
export const isPaid = (status: OrderStatus): boolean => PAID_STATUSES.includes(status);

/**
 * Everything payments asks of the orders module, in one place: find the payer's order (blocked and
 * foreign orders are not found), move it to `awaiting_payment`, and mark it paid (amount-checked,
 * exactly once, issuing the invoice) inside payments' own transaction.
 */
@Injectable()
export class OrderGateway {
  constructor(
    private readonly reader: OrderReader,
    private readonly secrets: OrderSecrets,
    private readonly stateMachine: OrderStateMachine,
  ) {}

  /** The payer's own order, or null (someone else's, unknown, or kept only for statutory retention). */
  async find(orderId: string, payer: Payer): Promise<PayableOrder | null> {
    if ('customerId' in payer) {
      const view = await this.reader.forCustomer(orderId, payer.customerId);
      return view ? toPayable(view, customerSubject(payer.customerId)) : null;
    }
    const granted = await this.secrets.verifyAccessToken(payer.orderToken);
    if (granted === null || granted !== orderId.toLowerCase()) return null;
    const view = await this.reader.forGuest(granted);
    if (!view?.customer.email) return null;
    return toPayable(view, await this.secrets.guestSubject(view.customer.email));
  }

  /** `placed → awaiting_payment` once a payment was started; an order already past `placed` stays as it is. */
  async awaitPayment(order: PayableOrder, manager: EntityManager): Promise<void> {
    if (order.status !== 'placed') return;
    try {
      await this.stateMachine.transition(order.id, 'awaiting_payment', {
        manager,
        reason: 'payment started',
      });
    } catch (error) {
      // A concurrent request moved it first (to awaiting_payment or beyond): nothing to do here.
      if (!(error instanceof ForbiddenTransitionError)) throw error;
    }
  }

  markPaid(
    orderId: string,
    payment: PaymentReceived,
    manager: EntityManager,
    actor: Actor,
  ): Promise<MarkPaidResult> {
    return this.stateMachine.markPaid(orderId, payment, { manager, actor });
  }
}

function toPayable(view: OrderView, subjectId: string): PayableOrder {
  return {
    id: view.id,
    number: view.number,
    status: view.status,
    subjectId,
    totalCents: view.totals.totalCents,
    currency: view.totals.currency,
    paymentMethod: view.paymentMethod,
    billing: view.billingAddress,
  };
}
