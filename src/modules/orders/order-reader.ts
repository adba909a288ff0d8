import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notBlockedClause } from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import type { PaymentMethod } from './order.dto.js';
import type { OrderStatus } from './order-state-machine.js';
import {
  orderView,
  type OrderAddress,
  type OrderCharges,
  type OrderLine,
  type OrderRecord,
  type OrderView,
} from './order-view.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

type AddressRow = Record<`${'delivery' | 'billing'}_${string}`, string | null>;

export interface OrderRow extends AddressRow {
  id: string;
  number: string;
  status: OrderStatus;
  customer_id: string | null;
  subject_id: string;
  email: string | null;
  payment_method: PaymentMethod;
  carrier_notification_consent: boolean;
  subtotal_cents: number;
  vat_cents: number;
  total_cents: number;
  currency: string;
  placed_at: Date;
  paid_at: Date | null;
  prices_include_vat: boolean;
  vat_regime: string;
  vat_country: string;
  vat_note: string | null;
  buyer_vat_id: string | null;
  buyer_vat_id_evidence: string | null;
  shipping_method: string | null;
  shipping_carrier: string | null;
  shipping_weight_grams: number | null;
  shipping_cents: number;
  shipping_vat_rate_bp: number;
  shipping_vat_cents: number;
  items: OrderLine[];
}

/** The SELECT of an order with its email and its lines (one round trip). */
export const ORDER_SELECT = `
  select o.*, coalesce(o.guest_email, c.email) as email,
         (select coalesce(json_agg(json_build_object(
                   'lineNo', i.line_no, 'sku', i.sku, 'name', i.name, 'quantity', i.quantity,
                   'unitPriceCents', i.unit_price_cents, 'vatRateBp', i.vat_rate_bp,
                   'lineTotalCents', i.line_total_cents, 'vatCents', i.vat_cents) order by i.line_no), '[]')
            from order_item i where i.order_id = o.id) as items
    from shop_order o
    left join customer c on c.id = o.customer_id`;

function address(row: AddressRow, prefix: 'delivery' | 'billing'): OrderAddress {
  const get = (field: string): string | null => row[`${prefix}_${field}`] ?? null;
  return {
    firstName: get('first_name') ?? '',
    lastName: get('last_name') ?? '',
    company: get('company'),
    street: get('street') ?? '',
    houseNumber: get('house_number'),
    addressLine2: get('address_line2'),
    postalCode: get('postal_code') ?? '',
    city: get('city') ?? '',
    country: (get('country') ?? '').trim(),
  };
}

export function toOrderRecord(row: OrderRow): OrderRecord {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    customerId: row.customer_id,
    subjectId: row.subject_id,
    email: row.email,
    paymentMethod: row.payment_method,
    carrierNotificationConsent: row.carrier_notification_consent,
    deliveryAddress: address(row, 'delivery'),
    billingAddress: address(row, 'billing'),
    subtotalCents: row.subtotal_cents,
    vatCents: row.vat_cents,
    totalCents: row.total_cents,
    currency: row.currency.trim(),
    placedAt: row.placed_at,
    paidAt: row.paid_at,
    charges: chargesOf(row),
  };
}

export function chargesOf(row: OrderRow): OrderCharges {
  return {
    pricesIncludeVat: row.prices_include_vat,
    vatRegime: row.vat_regime,
    vatCountry: row.vat_country.trim(),
    vatNote: row.vat_note,
    buyerVatId: row.buyer_vat_id,
    buyerVatIdEvidence: row.buyer_vat_id_evidence,
    shipping: row.shipping_method
      ? {
          method: row.shipping_method,
          carrier: row.shipping_carrier,
          weightGrams: row.shipping_weight_grams,
          amountCents: row.shipping_cents,
          vatRateBp: row.shipping_vat_rate_bp,
          vatCents: row.shipping_vat_cents,
        }
      : null,
  };
}

/** One order in the customer's order history. */
export interface OwnOrderSummary {
  id: string;
  number: string;
  status: OrderStatus;
  placedAt: string;
  paidAt: string | null;
  totalCents: number;
  currency: string;
  paymentMethod: PaymentMethod;
  items: { lineNo: number; sku: string; name: string; quantity: number; lineTotalCents: number }[];
}

/**
 * Reads orders for every purpose but statutory retention: blocked orders (kept only for a statute
 * after an erasure request) are left out of every query here, as if they did not exist.
 */
@Injectable()
export class OrderReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The customer's own order, or null (also for someone else's order: the caller answers 404 either way). */
  async forCustomer(orderId: string, customerId: string, manager?: EntityManager): Promise<OrderView | null> {
    if (!isUuid(orderId)) return null;
    const rows: OrderRow[] = await (manager ?? this.dataSource.manager).query(
      `${ORDER_SELECT} where o.id = $1 and o.customer_id = $2 and ${notBlockedClause('order', 'o.id')}`,
      [orderId, customerId],
    );
    return rows[0] ? orderView(toOrderRecord(rows[0]), rows[0].items) : null;
  }

  /**
   * A page of the customer's own orders, newest first (blocked ones left out): the summary the
   * order history shows. Another customer's orders can never be in it (the query is by customer id).
   */
  async pageForCustomer(
    customerId: string,
    page: number,
    pageSize: number,
  ): Promise<{ total: number; orders: OwnOrderSummary[] }> {
    const rows: (Omit<OwnOrderSummary, 'placedAt' | 'paidAt' | 'currency'> & {
      placed_at: Date;
      paid_at: Date | null;
      currency: string;
      total: string;
    })[] = await this.dataSource.query(
      `select o.id, o.number, o.status, o.placed_at, o.paid_at, o.total_cents as "totalCents", o.currency,
              o.payment_method as "paymentMethod", count(*) over () as total,
              (select coalesce(json_agg(json_build_object('lineNo', i.line_no, 'sku', i.sku, 'name', i.name,
                        'quantity', i.quantity, 'lineTotalCents', i.line_total_cents) order by i.line_no), '[]')
                 from order_item i where i.order_id = o.id) as items
         from shop_order o
        where o.customer_id = $1 and ${notBlockedClause('order', 'o.id')}
        order by o.placed_at desc, o.id desc
        limit $2 offset $3`,
      [customerId, pageSize, (page - 1) * pageSize],
    );
    let total = rows[0] ? Number(rows[0].total) : 0;
    if (rows.length === 0 && page > 1) {
      const counted: { n: string }[] = await this.dataSource.query(
        `select count(*) as n from shop_order o where o.customer_id = $1 and ${notBlockedClause('order', 'o.id')}`,
        [customerId],
      );
      total = Number(counted[0].n);
    }
    return {
      total,
      orders: rows.map((r) => ({
        id: r.id,
        number: r.number,
        status: r.status,
        placedAt: r.placed_at.toISOString(),
        paidAt: r.paid_at ? r.paid_at.toISOString() : null,
        totalCents: r.totalCents,
        currency: r.currency.trim(),
        paymentMethod: r.paymentMethod,
        items: r.items,
      })),
    };
  }

  /** A guest order, found through its signed link. */
  async forGuest(orderId: string, manager?: EntityManager): Promise<OrderView | null> {
    if (!isUuid(orderId)) return null;
    const rows: OrderRow[] = await (manager ?? this.dataSource.manager).query(
      `${ORDER_SELECT} where o.id = $1 and o.customer_id is null and o.guest_email is not null
          and ${notBlockedClause('order', 'o.id')}`,
      [orderId],
    );
    return rows[0] ? orderView(toOrderRecord(rows[0]), rows[0].items) : null;
  }

  /**
   * Orders by id, in the order asked, blocked ones left out: for back-office views built on
   * orderView (the caller audits the staff read and masks fields by role).
   */
  async views(orderIds: readonly string[], manager?: EntityManager): Promise<OrderView[]> {
    const ids = orderIds.filter(isUuid);
    if (ids.length === 0) return [];
    const rows: OrderRow[] = await (manager ?? this.dataSource.manager).query(
      `${ORDER_SELECT} where o.id = any($1::uuid[]) and ${notBlockedClause('order', 'o.id')}`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, orderView(toOrderRecord(r), r.items)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * The orders of these subjects that an erasure must wait for: paid and not yet delivered (still in
   * the warehouse or with the carrier), or delivered, with the time of delivery (the consumer's
   * withdrawal period, § 355 BGB, runs from there). Refunded and cancelled orders are final.
   */
  async awaitingDelivery(
    subjectIds: readonly string[],
    manager?: EntityManager,
  ): Promise<{ orderId: string; status: string; deliveredAt: Date | null }[]> {
    const rows: { id: string; status: string; delivered_at: Date | null }[] = await (
      manager ?? this.dataSource.manager
    ).query(
      `select o.id, o.status,
              (select max(h.at) from order_status_change h where h.order_id = o.id and h.to_status = 'delivered')
                as delivered_at
         from shop_order o
        where o.subject_id = any($1::text[])
          and o.status in ('paid', 'picking', 'packed', 'handed_to_carrier', 'delivered')
          and ${notBlockedClause('order', 'o.id')}`,
      [[...subjectIds]],
    );
    return rows.map((r) => ({ orderId: r.id, status: r.status, deliveredAt: r.delivered_at }));
  }

  /** The data subject of a guest order (found through its signed link), or null. */
  async guestOrderSubject(orderId: string, manager?: EntityManager): Promise<string | null> {
    if (!isUuid(orderId)) return null;
    const rows: { subject_id: string }[] = await (manager ?? this.dataSource.manager).query(
      `select o.subject_id from shop_order o where o.id = $1 and o.customer_id is null
          and ${notBlockedClause('order', 'o.id')}`,
      [orderId],
    );
    return rows[0]?.subject_id ?? null;
  }

  /** The id of the order with this number (the payment reference of a bank transfer), or null. */
  async idByNumber(number: string, manager?: EntityManager): Promise<string | null> {
    const rows: { id: string }[] = await (manager ?? this.dataSource.manager).query(
      `select o.id from shop_order o where o.number = $1 and ${notBlockedClause('order', 'o.id')}`,
      [number.toUpperCase()],
    );
    return rows[0]?.id ?? null;
  }
}
