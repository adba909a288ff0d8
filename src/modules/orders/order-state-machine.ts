import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActorContext, notBlockedClause, type Actor } from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import type { StaffRole } from '../../common/auth/auth.guards.js';
import { InvoiceIssuer, type IssuedInvoice } from './invoices.js';
import { OrderNoticeHooks } from './order-notice-hooks.js';
import { ORDER_NOTICES } from './order-notices.js';
import { OrderTransitionHooks } from './order-transition-hooks.js';
import { alreadyPaid, forbiddenTransition, OrderNotFoundError, paymentMismatch } from './orders.problems.js';
import { releaseStock } from './stock.js';

export const ORDER_STATUSES = [
  'placed',
  'awaiting_payment',
  'paid',
  'picking',
  'packed',
  'handed_to_carrier',
  'delivered',
  'cancelled',
  'refunded',
  'partially_shipped',
  'partially_refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

interface TransitionRule {
  /** The statuses an order may be in to move to this one. */
  from: readonly OrderStatus[];
  /** From these statuses the goods are still in the warehouse: the move gives the quantities back to stock. */
  releasesStockFrom: readonly OrderStatus[];
  /** Staff roles that may make the move through POST /api/v1/admin/orders/:id/transitions. */
  staffRoles: readonly StaffRole[];
}

/**
 * The order state machine, the one place that says which move is allowed, keyed by target status:
 *
 *   placed → awaiting_payment → paid → picking → packed → handed_to_carrier → delivered
 *   awaiting_payment → picking                           (only an order released on invoice or SEPA after its
 *                                                          credit check, invoice-orders.ts; paid later, in any
 *                                                          status: markPaid records the payment without a move)
 *   placed | awaiting_payment → paid                     (markPaid: the payment provider, or staff recording one)
 *   placed | awaiting_payment | paid | picking → cancelled (before packing; stock released; a paid
 *                                                          order's payment is refunded and its invoice
 *                                                          corrected by a credit note, both after the commit)
 *   paid | picking | packed → refunded                    (goods still here; stock released)
 *   handed_to_carrier | delivered → refunded              (lost parcel, withdrawal; returned goods are restocked by hand after inspection)
 *   picking | packed | partially_shipped → partially_shipped (a parcel with some of the lines left; the carrier handoff)
 *   picking | partially_shipped → handed_to_carrier       (the last parcel's lines are out)
 *   handed_to_carrier | delivered | partially_shipped | partially_refunded → partially_refunded | refunded
 *                                                          (a withdrawal refunded: some lines, or the last ones; order-returns.ts)
 *
 * Staff roles: fulfilment (and admin) move the parcel along; support (and admin) cancel and refund.
 * `awaiting_payment` and `paid` belong to the payments module (markPaid checks the amount); no staff
 * role sets them through the transition route. `cancelled` and `refunded` are final.
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, TransitionRule>> = {
  placed: { from: [], releasesStockFrom: [], staffRoles: [] },
  awaiting_payment: { from: ['placed'], releasesStockFrom: [], staffRoles: [] },
  paid: { from: ['placed', 'awaiting_payment'], releasesStockFrom: [], staffRoles: [] },
  // From awaiting_payment only when released on invoice or SEPA (the credit check passed): see apply().
  picking: { from: ['paid', 'awaiting_payment'], releasesStockFrom: [], staffRoles: ['fulfilment', 'admin'] },
  packed: { from: ['picking'], releasesStockFrom: [], staffRoles: ['fulfilment', 'admin'] },
  handed_to_carrier: {
    from: ['picking', 'packed', 'partially_shipped'],
    releasesStockFrom: [],
    staffRoles: ['fulfilment', 'admin'],
  },
  delivered: { from: ['handed_to_carrier'], releasesStockFrom: [], staffRoles: ['fulfilment', 'admin'] },
  cancelled: {
    from: ['placed', 'awaiting_payment', 'paid', 'picking'],
    releasesStockFrom: ['placed', 'awaiting_payment', 'paid', 'picking'],
    staffRoles: ['support', 'admin'],
  },
  refunded: {
    from: [
      'paid',
      'picking',
      'packed',
      'handed_to_carrier',
      'delivered',
      'partially_shipped',
      'partially_refunded',
    ],
    releasesStockFrom: ['paid', 'picking', 'packed'],
    staffRoles: ['support', 'admin'],
  },
  partially_shipped: {
    from: ['picking', 'packed', 'partially_shipped'],
    releasesStockFrom: [],
    staffRoles: [],
  },
  partially_refunded: {
    from: ['handed_to_carrier', 'delivered', 'partially_shipped', 'partially_refunded'],
    releasesStockFrom: [],
    staffRoles: [],
  },
};

/** Statuses an order released on invoice may be in before it is paid (the goods leave first). */
export const RELEASED_UNPAID: readonly OrderStatus[] = [
  'picking',
  'packed',
  'partially_shipped',
  'handed_to_carrier',
  'delivered',
  'partially_refunded',
];

/** The statuses an order was paid in or has been through payment to. */
export const PAID_STATUSES: readonly OrderStatus[] = [
  'paid',
  'picking',
  'packed',
  'handed_to_carrier',
  'delivered',
  'refunded',
  'partially_shipped',
  'partially_refunded',
];

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean =>
  TRANSITIONS[to].from.includes(from);

/** Where an order may go from `from`. */
export const nextStatuses = (from: OrderStatus): OrderStatus[] =>
  ORDER_STATUSES.filter((to) => canTransition(from, to));

/** The targets staff may set through the transition route (the payments module sets the others). */
export const STAFF_TARGETS: readonly OrderStatus[] = ORDER_STATUSES.filter(
  (s) => TRANSITIONS[s].staffRoles.length > 0,
);

export const mayStaffTransition = (role: string, to: OrderStatus): boolean =>
  (TRANSITIONS[to].staffRoles as readonly string[]).includes(role);

export interface TransitionResult {
  id: string;
  number: string;
  from: OrderStatus;
  to: OrderStatus;
  /** Set when the move issued the invoice (to `paid`). */
  invoice?: IssuedInvoice;
}

export interface PaymentReceived {
  /** Who took the money: `stripe`, `paypal`, `bank-transfer`, … */
  provider: string;
  /** The provider's id of the payment; a repeated report with the same one changes nothing. */
  reference: string;
  amountCents: number;
  currency: string;
}

export interface MarkPaidResult extends Omit<TransitionResult, 'from'> {
  from: OrderStatus | null;
  invoice: IssuedInvoice;
  /** True when this payment had been recorded before: nothing changed. */
  alreadyRecorded: boolean;
}

export interface TransitionOptions {
  /** Who moves the order; the current request's or job's actor by default. */
  actor?: Actor;
  reason?: string;
  /** Run inside this transaction instead of a new one. */
  manager?: EntityManager;
  /** A move that gives money back for returned lines: what is refunded (the hooks act on it). */
  refund?: OrderRefund;
}

/** Money given back for a return: the amount (gross) and the VAT in it, in the order's minor units. */
export interface OrderRefund {
  returnId: string;
  returnNumber: string;
  amountCents: number;
  vatCents: number;
}

interface ChangedRow {
  current_status: OrderStatus;
  number: string;
  from_status: OrderStatus | null;
}

/**
 * Moves orders between statuses. Each move is one conditional UPDATE (`… where status = any(<allowed
 * from-states>)`) on the row locked first, so of two concurrent moves only one can succeed; the
 * history row, the stock release and the invoice commit with it or not at all. Blocked orders
 * (an erasure request under a statute) cannot be moved: to every caller they do not exist.
 */
@Injectable()
export class OrderStateMachine {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly invoices: InvoiceIssuer,
    private readonly hooks: OrderTransitionHooks,
    private readonly notices: OrderNoticeHooks,
  ) {}

  /** Any move but to `paid` (use markPaid, which checks the amount). 404 / 409 problems otherwise. */
  async transition(
    orderId: string,
    to: OrderStatus,
    options: TransitionOptions = {},
  ): Promise<TransitionResult> {
    if (to === 'paid') throw new Error('an order is marked paid through markPaid(), which checks the amount');
    return this.inTransaction(options.manager, (manager) =>
      this.apply(
        manager,
        orderId,
        to,
        options.actor ?? ActorContext.currentOrSystem(),
        options.reason ?? null,
        undefined,
        options.refund,
      ),
    );
  }

  /**
   * Records a payment of the whole order and moves it to `paid` exactly once, issuing its invoice.
   * The amount and currency must equal the order's total (422 otherwise). Reporting the same
   * payment again (same provider and reference) answers the first result and changes nothing; a
   * different payment for an order already paid is a 409: the second payment must be refunded.
   */
  async markPaid(
    orderId: string,
    payment: PaymentReceived,
    options: TransitionOptions = {},
  ): Promise<MarkPaidResult> {
    return this.inTransaction(options.manager, async (manager) => {
      const rows: {
        number: string;
        status: OrderStatus;
        total_cents: number;
        currency: string;
        payment_provider: string | null;
        payment_reference: string | null;
        paid_at: Date | null;
        released_at: Date | null;
      }[] = await manager.query(
        `select o.number, o.status, o.total_cents, o.currency, o.payment_provider, o.payment_reference,
                o.paid_at, o.released_at
           from shop_order o
          where o.id = $1 and ${notBlockedClause('order', 'o.id')}
          for update`,
        [orderId],
      );
      const order = rows[0];
      if (!order) throw new OrderNotFoundError();
      if (order.payment_provider === payment.provider && order.payment_reference === payment.reference) {
        const invoice = await this.invoiceOf(manager, orderId);
        return {
          id: orderId,
          number: order.number,
          from: null,
          to: order.status,
          invoice,
          alreadyRecorded: true,
        };
      }
      if (order.paid_at || (PAID_STATUSES.includes(order.status) && !order.released_at))
        throw alreadyPaid(order.number);
      const shippedOnInvoice = order.released_at !== null && RELEASED_UNPAID.includes(order.status);
      if (!shippedOnInvoice && !canTransition(order.status, 'paid'))
        throw forbiddenTransition(order.number, order.status, 'paid');
      if (order.total_cents !== payment.amountCents || order.currency !== payment.currency.toUpperCase()) {
        throw paymentMismatch();
      }
      if (shippedOnInvoice) {
        // Released on invoice and on its way (or there): the payment is recorded, the status stays.
        const actor = options.actor ?? ActorContext.currentOrSystem();
        await manager.query(
          `with paid as (
             update shop_order set paid_at = now(), payment_provider = $2, payment_reference = $3,
                    version = version + 1, updated_at = now()
              where id = $1 returning id, status
           )
           insert into order_status_change (order_id, from_status, to_status, actor_type, actor_id, actor_role, reason)
           select id, status, status, $4, $5, $6, $7 from paid`,
          [
            orderId,
            payment.provider,
            payment.reference,
            actor.type,
            actor.id,
            actor.role ?? null,
            options.reason ?? `payment ${payment.provider} (released on invoice)`,
          ],
        );
        await this.notices.notify({ orderId, manager }, ORDER_NOTICES.paymentReceived);
        return {
          id: orderId,
          number: order.number,
          from: order.status,
          to: order.status,
          invoice: await this.invoiceOf(manager, orderId),
          alreadyRecorded: false,
        };
      }
      const result = await this.apply(
        manager,
        orderId,
        'paid',
        options.actor ?? ActorContext.currentOrSystem(),
        options.reason ?? `payment ${payment.provider}`,
        payment,
      );
      if (!result.invoice) throw new Error('a paid order must have its invoice');
      return { ...result, invoice: result.invoice, alreadyRecorded: false };
    });
  }

  private async apply(
    manager: EntityManager,
    orderId: string,
    to: OrderStatus,
    actor: Actor,
    reason: string | null,
    payment?: PaymentReceived,
    refund?: OrderRefund,
  ): Promise<TransitionResult> {
    const rule = TRANSITIONS[to];
    const rows: ChangedRow[] = await manager.query(
      `with current as (
         select o.id, o.status, o.number from shop_order o
          where o.id = $1 and ${notBlockedClause('order', 'o.id')}
          for update
       ),
       changed as (
         update shop_order o
            set status = $2,
                updated_at = now(),
                version = o.version + 1,
                paid_at = case when $2 = 'paid' then now() else o.paid_at end,
                payment_provider = coalesce($4, o.payment_provider),
                payment_reference = coalesce($5, o.payment_reference)
           from current c
          where o.id = c.id and c.status = any($3::text[])
            and ($2 <> 'picking' or c.status <> 'awaiting_payment' or o.released_at is not null)
         returning o.id, c.status as from_status
       ),
       logged as (
         insert into order_status_change (order_id, from_status, to_status, actor_type, actor_id, actor_role, reason)
         select id, from_status, $2, $6, $7, $8, $9 from changed
       )
       select c.status as current_status, c.number, changed.from_status
         from current c left join changed on true`,
      [
        orderId,
        to,
        rule.from,
        payment?.provider ?? null,
        payment?.reference ?? null,
        actor.type,
        actor.id,
        actor.role ?? null,
        reason,
      ],
    );
    const row = rows[0];
    if (!row) throw new OrderNotFoundError();
    if (!row.from_status) throw forbiddenTransition(row.number, row.current_status, to);
    const from = row.from_status;
    if (rule.releasesStockFrom.includes(from)) await releaseStock(manager, [orderId]);
    // An order released on invoice has its invoice from the release; any other gets it when paid.
    const invoice =
      to === 'paid'
        ? ((await this.invoiceOf(manager, orderId, false)) ?? (await this.invoices.issue(manager, orderId)))
        : undefined;
    // What other modules attach to this move (carrier handoff on `packed`) commits with it.
    await this.hooks.run({
      orderId,
      number: row.number,
      from,
      to,
      actor,
      manager,
      ...(refund ? { refund } : {}),
    });
    return { id: orderId, number: row.number, from, to, ...(invoice ? { invoice } : {}) };
  }

  private async invoiceOf(manager: EntityManager, orderId: string): Promise<IssuedInvoice>;
  private async invoiceOf(
    manager: EntityManager,
    orderId: string,
    required: false,
  ): Promise<IssuedInvoice | undefined>;
  private async invoiceOf(
    manager: EntityManager,
    orderId: string,
    required = true,
  ): Promise<IssuedInvoice | undefined> {
    const rows: { id: string; number: string; issued_at: Date }[] = await manager.query(
      'select id, number, issued_at from invoice where order_id = $1',
      [orderId],
    );
    if (!rows[0]) {
      if (required) throw new Error(`order ${orderId} is paid but has no invoice`);
      return undefined;
    }
    return { id: rows[0].id, number: rows[0].number, issuedAt: rows[0].issued_at };
  }

  private inTransaction<T>(
    manager: EntityManager | undefined,
    work: (m: EntityManager) => Promise<T>,
  ): Promise<T> {
    if (manager?.queryRunner?.isTransactionActive) return work(manager);
    return this.dataSource.transaction(work);
  }
}
