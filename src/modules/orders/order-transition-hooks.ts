import { Injectable } from '@nestjs/common';
import type { Actor } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import type { OrderRefund, OrderStatus } from './order-state-machine.js';

/** A move of an order, as the hooks see it: inside the transaction that makes it. */
export interface OrderTransition {
  orderId: string;
  number: string;
  from: OrderStatus;
  to: OrderStatus;
  actor: Actor;
  /** The transaction of the move: what a hook writes (or enqueues) commits with it or not at all. */
  manager: EntityManager;
  /** Set on a move to `partially_refunded` or `refunded` that a return caused: what is given back. */
  refund?: OrderRefund;
}

export type OrderTransitionHook = (transition: OrderTransition) => Promise<void>;

/**
 * Work other modules attach to a move of an order, run by the state machine inside the move's
 * transaction, so that what must follow a move cannot be lost or happen without it (the transactional
 * outbox: carrier handoff enqueues its job when an order is packed). A hook that throws rolls the move
 * back. Modules register from their own `onModuleInit`, as with RightsRegistry.
 */
@Injectable()
export class OrderTransitionHooks {
  private readonly hooks = new Map<OrderStatus, OrderTransitionHook[]>();

  /** Runs `hook` on every move of an order to `to`. */
  on(to: OrderStatus, hook: OrderTransitionHook): void {
    this.hooks.set(to, [...(this.hooks.get(to) ?? []), hook]);
  }

  async run(transition: OrderTransition): Promise<void> {
    for (const hook of this.hooks.get(transition.to) ?? []) await hook(transition);
  }
}
