import { Injectable } from '@nestjs/common';
import { StatutoryPeriods } from '@app/privacy';
import type { EntityManager } from 'typeorm';

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
         billing_address_line2, billing_postal_code, billing_city, billing_country, lines)
       select 'RE-' || counter.year || '-' || lpad(counter.last::text, greatest(6, length(counter.last::text)), '0'),
              o.id, o.subject_id, issued.at, o.payment_method, o.currency, o.subtotal_cents, o.vat_cents, o.total_cents,
              o.billing_first_name, o.billing_last_name, o.billing_company, o.billing_street, o.billing_house_number,
              o.billing_address_line2, o.billing_postal_code, o.billing_city, o.billing_country,
              (select jsonb_agg(jsonb_build_object(
                        'lineNo', i.line_no, 'sku', i.sku, 'name', i.name, 'quantity', i.quantity,
                        'unitPriceCents', i.unit_price_cents, 'vatRateBp', i.vat_rate_bp,
                        'lineTotalCents', i.line_total_cents, 'vatCents', i.vat_cents) order by i.line_no)
                 from order_item i where i.order_id = o.id)
         from shop_order o, issued, counter
        where o.id = $1
       returning id, number, issued_at`,
      [orderId, this.periods.timeZone],
    );
    if (rows.length !== 1) throw new Error(`invoice for order ${orderId}: the order does not exist`);
    return { id: rows[0].id, number: rows[0].number, issuedAt: rows[0].issued_at };
  }
}
