import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConflictError, InvalidInputError, NotFoundError, RuleViolationError } from '@app/core';
import { AuditLog, notBlockedClause, type Actor } from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import { OrderCreditNotes } from './credit-notes.port.js';
import type { CancellingBuyer } from './order-cancellation.js';
import { OrderNoticeHooks } from './order-notice-hooks.js';
import { ORDER_NOTICES } from './order-notices.js';
import { isUuid } from './order-reader.js';
import { OrderStateMachine, type OrderStatus } from './order-state-machine.js';
import { ORDER_PROCESSING } from './orders.declarations.js';

/** The statutory withdrawal period for consumers, in days (§ 355(2) BGB). */
export const WITHDRAWAL_PERIOD_DAYS = 14;

/**
 * The statuses a withdrawal may be declared in: the goods are packed or on their way (the period
 * has not begun, a declaration before it is valid) or delivered. Before packing the buyer cancels.
 */
export const WITHDRAWABLE: readonly OrderStatus[] = [
  'packed',
  'partially_shipped',
  'handed_to_carrier',
  'delivered',
  'partially_refunded',
];

export type ReturnStatus = 'requested' | 'received' | 'refunded';
export type Disposition = 'restock' | 'scrap';

export interface ReturnLineView {
  lineNo: number;
  sku: string;
  quantity: number;
  disposition: Disposition | null;
  amountCents: number | null;
  vatCents: number | null;
}

export interface ReturnView {
  id: string;
  number: string;
  orderId: string;
  orderNumber: string;
  status: ReturnStatus;
  requestedAt: string;
  receivedAt: string | null;
  refundedAt: string | null;
  currency: string;
  /** Gross amount refunded (lines and shipping), once refunded. */
  refundCents: number | null;
  refundVatCents: number | null;
  /** The delivery charge refunded with it (§ 357(2) BGB: with the last lines withdrawn). */
  shippingRefundCents: number | null;
  lines: ReturnLineView[];
}

interface ReturnRow {
  id: string;
  number: string;
  order_id: string;
  subject_id: string;
  order_number: string;
  status: ReturnStatus;
  requested_at: Date;
  received_at: Date | null;
  refunded_at: Date | null;
  currency: string;
  refund_cents: number | null;
  refund_vat_cents: number | null;
  shipping_refund_cents: number | null;
  lines: ReturnLineView[];
}

const RETURN_SELECT = `
  select r.id, r.number, r.order_id, o.subject_id, o.number as order_number, r.status, r.requested_at, r.received_at,
         r.refunded_at, o.currency, r.refund_cents, r.refund_vat_cents, r.shipping_refund_cents,
         (select coalesce(json_agg(json_build_object(
                   'lineNo', l.line_no, 'sku', i.sku, 'quantity', l.quantity, 'disposition', l.disposition,
                   'amountCents', l.amount_cents, 'vatCents', l.vat_cents) order by l.line_no), '[]')
            from order_return_line l join order_item i on i.order_id = l.order_id and i.line_no = l.line_no
           where l.return_id = r.id) as lines
    from order_return r
    join shop_order o on o.id = r.order_id`;

const toView = (r: ReturnRow): ReturnView => ({
  id: r.id,
  number: r.number,
  orderId: r.order_id,
  orderNumber: r.order_number,
  status: r.status,
  requestedAt: r.requested_at.toISOString(),
  receivedAt: r.received_at?.toISOString() ?? null,
  refundedAt: r.refunded_at?.toISOString() ?? null,
  currency: r.currency.trim(),
  refundCents: r.refund_cents,
  refundVatCents: r.refund_vat_cents,
  shippingRefundCents: r.shipping_refund_cents,
  lines: r.lines,
});

/** A line the buyer withdraws from: its number in the order and how many of it. */
export interface WithdrawnLine {
  lineNo: number;
  quantity: number;
}

interface ItemRow {
  line_no: number;
  product_id: string;
  quantity: number;
  unit_price_cents: number;
  vat_cents: number;
  /** Quantities of this line in earlier withdrawals (any status) / in refunded ones, and their VAT. */
  withdrawn: number;
  refunded: number;
  refunded_vat: number;
}

/**
 * The amount and VAT refunded for `quantity` more pieces of a line. The VAT is the line's own,
 * shared out by pieces on the running total (the pieces refunded so far and these), so that the
 * refunds of a line add up to exactly its VAT once all its pieces are back, never a cent more.
 * Consumer prices are gross (VAT inside); the amount refunded is what was paid for the pieces.
 */
export function lineRefund(
  item: { quantity: number; unitPriceCents: number; vatCents: number; pricesIncludeVat: boolean },
  refundedBefore: { quantity: number; vatCents: number },
  quantity: number,
): { amountCents: number; vatCents: number } {
  const upTo = refundedBefore.quantity + quantity;
  if (quantity < 1 || upTo > item.quantity) throw new RangeError('more pieces than the line holds');
  const vatUpTo = upTo === item.quantity ? item.vatCents : Math.round((item.vatCents * upTo) / item.quantity);
  const vatCents = vatUpTo - refundedBefore.vatCents;
  const goods = item.unitPriceCents * quantity;
  return { amountCents: item.pricesIncludeVat ? goods : goods + vatCents, vatCents };
}

/**
 * Withdrawal and returns (Widerruf, §§ 355, 356, 357 BGB). A consumer withdraws from some or all
 * lines of a delivered (or shipped) order within 14 days of delivery; a business customer has no
 * statutory right of withdrawal. Staff receive the parcel and inspect each line (restock or scrap),
 * then refund: the lines' price with their own VAT, and the delivery charge once the last lines are
 * withdrawn (§ 357(2): the trader refunds the delivery costs; the buyer bears the return costs, as
 * the withdrawal instructions tell them). Each step is one transaction with its history row and an
 * audit entry; the refund moves the order to `partially_refunded` or `refunded` through the state
 * machine, whose hooks enqueue the provider refund (payments module) and the email in the same
 * transaction, and a credit note is requested for the lines (OrderCreditNotes).
 */
@Injectable()
export class OrderReturns {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly machine: OrderStateMachine,
    private readonly creditNotes: OrderCreditNotes,
    private readonly notices: OrderNoticeHooks,
    private readonly audit: AuditLog,
  ) {}

  /** The buyer declares withdrawal from `lines` of their order. */
  async declare(orderId: string, buyer: CancellingBuyer, lines: WithdrawnLine[]): Promise<ReturnView> {
    if (!isUuid(orderId)) throw new NotFoundError('The order');
    const id = await this.dataSource.transaction(async (manager) => {
      const rows: {
        status: OrderStatus;
        number: string;
        customer_id: string | null;
        subject_id: string;
        prices_include_vat: boolean;
        delivered_at: Date | null;
        in_period: boolean | null;
        last_day: string | null;
      }[] = await manager.query(
        `with delivery as (
           select max(h.at) as at from order_status_change h where h.order_id = $1 and h.to_status = 'delivered'
         )
         select o.status, o.number, o.customer_id, o.subject_id, o.prices_include_vat, d.at as delivered_at,
                (now() at time zone 'Europe/Berlin')::date <= (d.at at time zone 'Europe/Berlin')::date + $2::int
                  as in_period,
                to_char((d.at at time zone 'Europe/Berlin')::date + $2::int, 'YYYY-MM-DD') as last_day
           from shop_order o cross join delivery d
          where o.id = $1 and ${notBlockedClause('order', 'o.id')}
          for update of o`,
        [orderId, WITHDRAWAL_PERIOD_DAYS],
      );
      const order = rows[0];
      const owns =
        order &&
        ('customerId' in buyer
          ? order.customer_id === buyer.customerId
          : buyer.guestOrderId === orderId && order.customer_id === null);
      if (!owns) throw new NotFoundError('The order');
      if (!order.prices_include_vat)
        throw new RuleViolationError(
          'no-right-of-withdrawal',
          'No right of withdrawal',
          `Order ${order.number} was placed as a business customer: the statutory right of withdrawal ` +
            '(§ 355 BGB) is a consumer right. Please contact us about a return.',
        );
      if (!WITHDRAWABLE.includes(order.status))
        throw new ConflictError(
          'withdrawal-not-open',
          ['placed', 'awaiting_payment', 'paid', 'picking'].includes(order.status)
            ? `Order ${order.number} is ${order.status}: cancel it instead, it has not been packed yet.`
            : `Order ${order.number} is ${order.status}: there is nothing left to withdraw from.`,
          { orderStatus: order.status },
        );
      if (order.in_period === false)
        throw new ConflictError(
          'withdrawal-period-expired',
          `The ${WITHDRAWAL_PERIOD_DAYS}-day withdrawal period for order ${order.number} ended on ` +
            `${order.last_day} (the order was delivered on ${order.delivered_at?.toISOString().slice(0, 10)}).`,
          { lastDay: order.last_day },
        );
      const items = await this.items(manager, orderId);
      this.checkLines(lines, items);

      const [created]: { id: string; number: string }[] = await manager.query(
        `insert into order_return (order_id, number)
         values ($1, 'RT-' || to_char(now(), 'YYYY') || '-' || lpad(nextval('order_return_number_seq')::text, 6, '0'))
         returning id, number`,
        [orderId],
      );
      for (const line of lines)
        await manager.query(
          `insert into order_return_line (return_id, order_id, line_no, quantity) values ($1, $2, $3, $4)`,
          [created.id, orderId, line.lineNo, line.quantity],
        );
      const actor: Actor = { type: 'subject', id: order.subject_id };
      await this.log(manager, created.id, null, 'requested', actor, null, order.subject_id);
      return created.id;
    });
    return this.get(id);
  }

  /** Staff record the parcel's arrival and what inspection decided for each line. */
  async receive(
    returnId: string,
    staff: Actor,
    lines: { lineNo: number; disposition: Disposition }[],
    note?: string,
  ): Promise<ReturnView> {
    await this.dataSource.transaction(async (manager) => {
      const ret = await this.lock(manager, returnId);
      if (ret.status !== 'requested')
        throw new ConflictError('return-already-received', `Return ${ret.number} is ${ret.status} already.`, {
          returnStatus: ret.status,
        });
      const returned: { line_no: number; quantity: number; product_id: string }[] = await manager.query(
        `select l.line_no, l.quantity, i.product_id from order_return_line l
           join order_item i on i.order_id = l.order_id and i.line_no = l.line_no
          where l.return_id = $1 order by l.line_no`,
        [returnId],
      );
      const errors: { field: string; reason: string }[] = [];
      lines.forEach((l, i) => {
        if (!returned.some((r) => r.line_no === l.lineNo))
          errors.push({ field: `lines[${i}].lineNo`, reason: 'is not a line of this return' });
        else if (lines.findIndex((o) => o.lineNo === l.lineNo) !== i)
          errors.push({ field: `lines[${i}].lineNo`, reason: 'appears twice' });
      });
      for (const r of returned)
        if (!lines.some((l) => l.lineNo === r.line_no))
          errors.push({ field: 'lines', reason: `needs a disposition for line ${r.line_no}` });
      if (errors.length > 0) throw new InvalidInputError(errors);

      for (const l of lines)
        await manager.query(
          `update order_return_line set disposition = $3 where return_id = $1 and line_no = $2`,
          [returnId, l.lineNo, l.disposition],
        );
      // Restocked pieces are for sale again; scrapped ones are written off.
      const restock = returned.filter(
        (r) => lines.find((l) => l.lineNo === r.line_no)?.disposition === 'restock',
      );
      for (const r of [...restock].sort((a, b) => a.product_id.localeCompare(b.product_id)))
        await manager.query(`update product set stock = stock + $2, updated_at = now() where id = $1`, [
          r.product_id,
          r.quantity,
        ]);
      await manager.query(`update order_return set status = 'received', received_at = now() where id = $1`, [
        returnId,
      ]);
      await this.log(manager, returnId, 'requested', 'received', staff, note ?? null, ret.subject_id);
      await this.notices.notify({ orderId: ret.order_id, manager }, ORDER_NOTICES.returnReceived, {
        returnNumber: ret.number,
      });
    });
    return this.get(returnId);
  }

  /** Staff refund a received return: lines with their VAT, the delivery charge with the last lines. */
  async refund(returnId: string, staff: Actor): Promise<ReturnView> {
    await this.dataSource.transaction(async (manager) => {
      const ret = await this.lock(manager, returnId);
      if (ret.status !== 'received')
        throw new ConflictError(
          ret.status === 'refunded' ? 'return-already-refunded' : 'return-not-received',
          ret.status === 'refunded'
            ? `Return ${ret.number} has been refunded already.`
            : `Return ${ret.number} has not been received yet: receive and inspect it first.`,
          { returnStatus: ret.status },
        );
      const [order]: {
        number: string;
        status: OrderStatus;
        prices_include_vat: boolean;
        shipping_cents: number;
        shipping_vat_cents: number;
        shipping_refunded: boolean;
      }[] = await manager.query(
        `select o.number, o.status, o.prices_include_vat, o.shipping_cents, o.shipping_vat_cents,
                exists (select 1 from order_return r where r.order_id = o.id and r.shipping_refund_cents > 0)
                  as shipping_refunded
           from shop_order o where o.id = $1 for update`,
        [ret.order_id],
      );
      const items = await this.items(manager, ret.order_id);
      const lines: { line_no: number; quantity: number }[] = await manager.query(
        `select line_no, quantity from order_return_line where return_id = $1 order by line_no`,
        [returnId],
      );
      let amountCents = 0;
      let vatCents = 0;
      const credited: { lineNo: number; quantity: number; amountCents: number; vatCents: number }[] = [];
      for (const line of lines) {
        const item = items.find((i) => i.line_no === line.line_no);
        if (!item) throw new Error(`return ${returnId} names line ${line.line_no}, which the order lacks`);
        const money = lineRefund(
          {
            quantity: item.quantity,
            unitPriceCents: item.unit_price_cents,
            vatCents: item.vat_cents,
            pricesIncludeVat: order.prices_include_vat,
          },
          { quantity: item.refunded, vatCents: item.refunded_vat },
          line.quantity,
        );
        await manager.query(
          `update order_return_line set amount_cents = $3, vat_cents = $4 where return_id = $1 and line_no = $2`,
          [returnId, line.line_no, money.amountCents, money.vatCents],
        );
        credited.push({ lineNo: line.line_no, quantity: line.quantity, ...money });
        amountCents += money.amountCents;
        vatCents += money.vatCents;
      }
      // All pieces of every line back (with this return): the order is refunded in full.
      const all = items.every(
        (i) => i.refunded + (lines.find((l) => l.line_no === i.line_no)?.quantity ?? 0) === i.quantity,
      );
      const shipping =
        all && !order.shipping_refunded && order.shipping_cents > 0
          ? {
              amountCents: order.prices_include_vat
                ? order.shipping_cents
                : order.shipping_cents + order.shipping_vat_cents,
              vatCents: order.shipping_vat_cents,
            }
          : null;
      if (shipping) {
        amountCents += shipping.amountCents;
        vatCents += shipping.vatCents;
      }
      await manager.query(
        `update order_return set status = 'refunded', refunded_at = now(), refund_cents = $2,
                refund_vat_cents = $3, shipping_refund_cents = $4
          where id = $1`,
        [returnId, amountCents, vatCents, shipping?.amountCents ?? 0],
      );
      await this.log(manager, returnId, 'received', 'refunded', staff, null, ret.subject_id);
      await this.creditNotes.request(
        {
          orderId: ret.order_id,
          reason: `withdrawal ${ret.number}`,
          lines: credited,
          ...(shipping ? { shipping } : {}),
        },
        manager,
      );
      await this.machine.transition(ret.order_id, all ? 'refunded' : 'partially_refunded', {
        actor: staff,
        reason: `withdrawal ${ret.number} refunded`,
        manager,
        refund: { returnId, returnNumber: ret.number, amountCents, vatCents },
      });
    });
    return this.get(returnId);
  }

  async get(returnId: string): Promise<ReturnView> {
    if (!isUuid(returnId)) throw new NotFoundError('The return');
    const rows: ReturnRow[] = await this.dataSource.query(
      `${RETURN_SELECT} where r.id = $1 and ${notBlockedClause('order', 'o.id')}`,
      [returnId],
    );
    if (!rows[0]) throw new NotFoundError('The return');
    return toView(rows[0]);
  }

  /**
   * The returns in `status` (all when absent), oldest first: the returns desk's worklist. What staff
   * see of each buyer's order (its lines and amounts) is audited per subject.
   */
  async list(status?: ReturnStatus): Promise<ReturnView[]> {
    const rows: ReturnRow[] = await this.dataSource.query(
      `${RETURN_SELECT} where ($1::text is null or r.status = $1) and ${notBlockedClause('order', 'o.id')}
        order by r.requested_at limit 500`,
      [status ?? null],
    );
    for (const subjectId of new Set(rows.map((r) => r.subject_id)))
      await this.audit.append({
        subjectId,
        activityId: ORDER_PROCESSING.id,
        action: 'read:returns',
        fields: ['order.items', 'order.amounts'],
      });
    return rows.map(toView);
  }

  /** The returns of one order. */
  async ofOrder(orderId: string): Promise<ReturnView[]> {
    const rows: ReturnRow[] = await this.dataSource.query(
      `${RETURN_SELECT} where r.order_id = $1 order by r.requested_at`,
      [orderId],
    );
    return rows.map(toView);
  }

  private async items(manager: EntityManager, orderId: string): Promise<ItemRow[]> {
    return manager.query(
      `select i.line_no, i.product_id, i.quantity, i.unit_price_cents, i.vat_cents,
              coalesce(sum(l.quantity), 0)::int as withdrawn,
              coalesce(sum(l.quantity) filter (where r.status = 'refunded'), 0)::int as refunded,
              coalesce(sum(l.vat_cents) filter (where r.status = 'refunded'), 0)::int as refunded_vat
         from order_item i
         left join order_return_line l on l.order_id = i.order_id and l.line_no = i.line_no
         left join order_return r on r.id = l.return_id
        where i.order_id = $1
        group by i.line_no, i.product_id, i.quantity, i.unit_price_cents, i.vat_cents
        order by i.line_no`,
      [orderId],
    );
  }

  private checkLines(lines: WithdrawnLine[], items: ItemRow[]): void {
    const errors: { field: string; reason: string }[] = [];
    lines.forEach((line, i) => {
      const item = items.find((it) => it.line_no === line.lineNo);
      if (!item) errors.push({ field: `lines[${i}].lineNo`, reason: 'is not a line of this order' });
      else if (lines.findIndex((l) => l.lineNo === line.lineNo) !== i)
        errors.push({ field: `lines[${i}].lineNo`, reason: 'appears twice' });
      else if (line.quantity > item.quantity - item.withdrawn)
        errors.push({
          field: `lines[${i}].quantity`,
          reason: `is more than the ${item.quantity - item.withdrawn} left to withdraw from this line`,
        });
    });
    if (errors.length > 0) throw new InvalidInputError(errors, 'Some lines cannot be withdrawn; see errors.');
  }

  private async lock(
    manager: EntityManager,
    returnId: string,
  ): Promise<{ id: string; number: string; order_id: string; status: ReturnStatus; subject_id: string }> {
    if (!isUuid(returnId)) throw new NotFoundError('The return');
    const rows: { id: string; number: string; order_id: string; status: ReturnStatus; subject_id: string }[] =
      await manager.query(
        `select r.id, r.number, r.order_id, r.status, o.subject_id
           from order_return r join shop_order o on o.id = r.order_id
          where r.id = $1 and ${notBlockedClause('order', 'o.id')}
          for update of r`,
        [returnId],
      );
    if (!rows[0]) throw new NotFoundError('The return');
    return rows[0];
  }

  /** The return's history row, and the audit entry (who changed the subject's order, when). */
  private async log(
    manager: EntityManager,
    returnId: string,
    from: ReturnStatus | null,
    to: ReturnStatus,
    actor: Actor,
    note: string | null,
    subjectId: string,
  ): Promise<void> {
    await manager.query(
      `insert into order_return_change (return_id, from_status, to_status, actor_type, actor_id, actor_role, note)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [returnId, from, to, actor.type, actor.id, actor.role ?? null, note],
    );
    await this.audit.append({
      subjectId,
      activityId: ORDER_PROCESSING.id,
      action: `return:${to}`,
      fields: ['order.items', ...(to === 'refunded' ? ['order.amounts'] : [])],
      actor,
    });
  }
}
