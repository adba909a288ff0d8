import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notBlockedClause, ProcessingGuard, type Actor } from '@app/privacy';
import { DataSource } from 'typeorm';
import { notFound } from '../../common/problem/problem.js';
import { assertStaffReason } from './order-cancellation.js';
import { isUuid } from './order-reader.js';
import {
  mayStaffTransition,
  OrderStateMachine,
  type MarkPaidResult,
  type OrderStatus,
  type PaymentReceived,
  type TransitionResult,
} from './order-state-machine.js';
import { ORDER_PROCESSING } from './orders.declarations.js';
import { roleMayNotTransition } from './orders.problems.js';

/** Moves that only cancel or give money back: allowed for a restricted subject, which they serve. */
const UNWINDING: readonly OrderStatus[] = ['cancelled', 'refunded'];

/**
 * What back-office staff do to an order: move it along the state machine as their role allows
 * (the matrix is TRANSITIONS[...].staffRoles), and record a payment received outside a provider.
 * Fulfilment of a person who restricted processing (Art. 18) is refused by the kernel's guard;
 * cancelling and refunding are not, as they only unwind the contract in the person's favour.
 */
@Injectable()
export class StaffOrderActions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly machine: OrderStateMachine,
    private readonly guard: ProcessingGuard,
  ) {}

  async transition(
    orderId: string,
    to: OrderStatus,
    staff: Actor,
    reason?: string,
  ): Promise<TransitionResult> {
    if (!staff.role || !mayStaffTransition(staff.role, to))
      throw roleMayNotTransition(staff.role ?? 'none', to);
    assertStaffReason(to, reason);
    if (!isUuid(orderId)) throw notFound('The order');
    return this.dataSource.transaction(async (manager) => {
      if (!UNWINDING.includes(to)) {
        const rows: { subject_id: string }[] = await manager.query(
          `select o.subject_id from shop_order o where o.id = $1 and ${notBlockedClause('order', 'o.id')}`,
          [orderId],
        );
        if (!rows[0]) throw notFound('The order');
        await this.guard.assertMayProcess(ORDER_PROCESSING.id, rows[0].subject_id, { manager });
      }
      return this.machine.transition(orderId, to, { actor: staff, reason, manager });
    });
  }

  recordPayment(orderId: string, payment: PaymentReceived, staff: Actor): Promise<MarkPaidResult> {
    if (!isUuid(orderId)) throw notFound('The order');
    return this.machine.markPaid(orderId, payment, { actor: staff, reason: 'payment recorded by staff' });
  }
}
