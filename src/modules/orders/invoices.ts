import { Injectable } from '@nestjs/common';
import { StatutoryPeriods } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import type { InvoiceLine } from './invoice.entity.js';
import type { OrderAddress, OrderCharges } from './order-view.js';

export interface IssuedInvoice {
  id: string;
  number: string;
  issuedAt: Date;
}

/**
 * Issues the invoice of a paid order, inside the transaction that marks it paid.
 *
 * Numbers are RE-<year>-<counter>, consecutive without gaps within the calendar year (in the shop's
 * time zone). The counter row of the year is incremented in the same transaction that inserts the
 * invoice: a rollback takes the number back, so no number is ever skipped, with any number of app
 * instances. The trade-off: the counter row stays locked until that transaction commits, so invoices
 * of one year are issued one after the other. An invoice is issued once per paid order (a few
 * milliseconds of lock each), far below what would make that a bottleneck; a sequence would be
 * faster but leaves gaps on every rollback, which tax auditors query.
 */
@Injectable()
export class InvoiceIssuer {
  constructor(private readonly periods: StatutoryPeriods) {}

  async issue(manager: EntityManager, orderId: string): Promise<IssuedInvoice> {
    const rows: { id: string; number: string; issued_at: Date }[] = await manager.query(
      `with issued as (select now() as at, extract(year from now() at time zone $2)::int as year),
       counter as (
         insert into invoice_number_counter as c (year, last)
         select year, 1 from issued
         on conflict (year) do update set last = c.last + 1
         returning year, last
       )
       insert into invoice (
         number, order_id, subject_id, issued_at, payment_method, currency, subtotal_cents, vat_cents, total_cents,
         billing_first_name, billing_last_name, billing_company, billing_street, billing_house_number,
         billing_address_line2, billing_postal_code, billing_city, billing_country, lines,
         prices_include_vat, vat_regime, vat_country, vat_note, buyer_vat_id, buyer_vat_id_evidence,
         shipping_method, shipping_carrier, shipping_weight_grams, shipping_cents, shipping_vat_rate_bp,
         shipping_vat_cents, delivery_country)
       select 'RE-' || counter.year || '-' || lpad(counter.last::text, greatest(6, length(counter.last::text)), '0'),
              o.id, o.subject_id, issued.at, o.payment_method, o.currency, o.subtotal_cents, o.vat_cents, o.total_cents,
              o.billing_first_name, o.billing_last_name, o.billing_company, o.billing_street, o.billing_house_number,
              o.billing_address_line2, o.billing_postal_code, o.billing_city, o.billing_country,
              (select jsonb_agg(jsonb_build_object(
                        'lineNo', i.line_no, 'sku', i.sku, 'name', i.name, 'quantity', i.quantity,
                        'unitPriceCents', i.unit_price_cents, 'vatRateBp', i.vat_rate_bp,
                        'lineTotalCents', i.line_total_cents, 'vatCents', i.vat_cents) order by i.line_no)
                 from order_item i where i.order_id = o.id),
              o.prices_include_vat, o.vat_regime, o.vat_country, o.vat_note, o.buyer_vat_id, o.buyer_vat_id_evidence,
              o.shipping_method, o.shipping_carrier, o.shipping_weight_grams, o.shipping_cents, o.shipping_vat_rate_bp,
              o.shipping_vat_cents, o.delivery_country
         from shop_order o, issued, counter
        where o.id = $1
       returning id, number, issued_at`,
      [orderId, this.periods.timeZone],
    );
    if (rows.length !== 1) throw new Error(`invoice for order ${orderId}: the order does not exist`);
    return { id: rows[0].id, number: rows[0].number, issuedAt: rows[0].issued_at };
  }
}

/** An issued invoice as the invoicing module renders it: the row as issued, nothing read from the order. */
export interface InvoiceRecord {
  id: string;
  number: string;
  orderId: string;
  orderNumber: string;
  subjectId: string;
  issuedAt: Date;
  /**
   * When the order was paid (null: not yet). An order on invoice or by direct debit is invoiced when
   * released for fulfilment, before the money arrives; any other order when it is paid.
   */
  orderPaidAt: Date | null;
  paymentMethod: string;
  currency: string;
  subtotalCents: number;
  vatCents: number;
  totalCents: number;
  billingAddress: OrderAddress;
  deliveryCountry: string | null;
  lines: InvoiceLine[];
  charges: Omit<OrderCharges, 'shipping'> & {
    shipping: {
      method: string;
      carrier: string | null;
      amountCents: number;
      vatRateBp: number;
      vatCents: number;
    } | null;
  };
}

interface InvoiceRecordRow {
  id: string;
  number: string;
  order_id: string;
  order_number: string;
  order_paid_at: Date | null;
  subject_id: string;
  issued_at: Date;
  payment_method: string;
  currency: string;
  subtotal_cents: number;
  vat_cents: number;
  total_cents: number;
  billing_first_name: string;
  billing_last_name: string;
  billing_company: string | null;
  billing_street: string;
  billing_house_number: string | null;
  billing_address_line2: string | null;
  billing_postal_code: string;
  billing_city: string;
  billing_country: string;
  delivery_country: string | null;
  lines: InvoiceLine[];
  prices_include_vat: boolean;
  vat_regime: string;
  vat_country: string;
  vat_note: string | null;
  buyer_vat_id: string | null;
  buyer_vat_id_evidence: string | null;
  shipping_method: string | null;
  shipping_carrier: string | null;
  shipping_cents: number;
  shipping_vat_rate_bp: number;
  shipping_vat_cents: number;
}

/**
 * Reads issued invoices for the invoicing module, which renders them as documents (the orders
 * module keeps the invoice rows; no other module queries them). Inside the caller's transaction:
 * the `paid` hook reads the invoice its own move just issued.
 */
@Injectable()
export class IssuedInvoices {
  async ofOrder(orderId: string, manager: EntityManager): Promise<InvoiceRecord | null> {
    const rows: InvoiceRecordRow[] = await manager.query(
      `select i.*, o.number as order_number, o.paid_at as order_paid_at from invoice i join shop_order o on o.id = i.order_id
        where i.order_id = $1`,
      [orderId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      number: row.number,
      orderId: row.order_id,
      orderNumber: row.order_number,
      subjectId: row.subject_id,
      issuedAt: row.issued_at,
      orderPaidAt: row.order_paid_at,
      paymentMethod: row.payment_method,
      currency: row.currency.trim(),
      subtotalCents: row.subtotal_cents,
      vatCents: row.vat_cents,
      totalCents: row.total_cents,
      billingAddress: {
        firstName: row.billing_first_name,
        lastName: row.billing_last_name,
        company: row.billing_company,
        street: row.billing_street,
        houseNumber: row.billing_house_number,
        addressLine2: row.billing_address_line2,
        postalCode: row.billing_postal_code,
        city: row.billing_city,
        country: row.billing_country.trim(),
      },
      deliveryCountry: row.delivery_country?.trim() ?? null,
      lines: row.lines,
      charges: {
        pricesIncludeVat: row.prices_include_vat,
        vatRegime: row.vat_regime,
        vatCountry: row.vat_country.trim(),
        vatNote: row.vat_note,
        buyerVatId: row.buyer_vat_id,
        buyerVatIdEvidence: row.buyer_vat_id_evidence,
        // A charge without a method (orders placed before shipping methods existed) is still charged.
        shipping:
          row.shipping_method || row.shipping_cents > 0
            ? {
                method: row.shipping_method ?? '',
                carrier: row.shipping_carrier,
                amountCents: row.shipping_cents,
                vatRateBp: row.shipping_vat_rate_bp,
                vatCents: row.shipping_vat_cents,
              }
            : null,
      },
    };
  }
}
