import { Injectable } from '@nestjs/common';
import type {
  BlockedRecord,
  ErasureContext,
  ErasureOutcome,
  ExportRecord,
  ExportSection,
  JsonObject,
  PersonalDataEraser,
  PersonalDataExporter,
} from '@app/privacy';
import type { EntityManager } from 'typeorm';
import type { InvoiceLine } from './invoice.entity.js';
import { ORDER_SELECT, toOrderRecord, type OrderRow } from './order-reader.js';
import { orderView } from './order-view.js';
import { ACCOUNTING_VOUCHERS, INVOICING, ORDER_CATEGORIES, ORDER_PROCESSING } from './orders.declarations.js';
import { releaseStock } from './stock.js';

export const ORDER_RECORD = 'order';
export const INVOICE_RECORD = 'invoice';

interface InvoiceRow {
  id: string;
  number: string;
  order_id: string | null;
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
  lines: InvoiceLine[];
}

/** Plain JSON for the export (dates as ISO strings, no undefined). */
const json = (value: unknown): JsonObject => JSON.parse(JSON.stringify(value)) as JsonObject;

/**
 * The orders module's part of the rights of access and erasure, over its own tables.
 *
 * Erasure: an order that was paid (it has an invoice) is an accounting voucher, and so is its
 * invoice: both are blocked until the end of the statutory period (accounting vouchers, counted from
 * the invoice date), not erased (Art. 17(3)(b), § 35(3) BDSG); the retention sweep erases them then,
 * through eraseBlocked. An order never paid (placed, awaiting payment, cancelled) rests on no statute:
 * it is erased, rows and all, its reserved stock given back. Erased rather than anonymised because
 * nothing needs it: no booking was made, sales figures come from invoices, and an "anonymised"
 * order would still hold an address and a basket that can single a person out. A legal hold keeps an
 * unpaid order (answered `held`). The subject's idempotency keys go in any case.
 */
@Injectable()
export class OrdersRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'orders';

  export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    return this.exportMany([subjectId], manager);
  }

  /** `export` for several subject ids of one person, in one query per table. */
  async exportMany(subjectIds: readonly string[], manager: EntityManager): Promise<ExportSection> {
    // Art. 15 covers blocked records too: the kernel marks them in the answer with statute and date.
    const orders: OrderRow[] = await manager.query(
      `${ORDER_SELECT} where o.subject_id = any($1::text[]) order by o.placed_at`,
      [[...subjectIds]],
    );
    const history: {
      order_id: string;
      from_status: string | null;
      to_status: string;
      at: Date;
      actor_type: string;
    }[] = await manager.query(
      `select h.order_id, h.from_status, h.to_status, h.at, h.actor_type
           from order_status_change h join shop_order o on o.id = h.order_id
          where o.subject_id = any($1::text[]) order by h.order_id, h.id`,
      [[...subjectIds]],
    );
    const invoices: InvoiceRow[] = await manager.query(
      'select * from invoice where subject_id = any($1::text[]) order by issued_at',
      [[...subjectIds]],
    );
    const historyOf = new Map<string, typeof history>();
    for (const h of history) historyOf.set(h.order_id, [...(historyOf.get(h.order_id) ?? []), h]);
    const records: ExportRecord[] = [
      ...orders.map((row) => ({
        recordType: ORDER_RECORD,
        recordId: row.id,
        activityId: ORDER_PROCESSING.id,
        data: json({
          ...orderView(toOrderRecord(row), row.items),
          history: (historyOf.get(row.id) ?? []).map((h) => ({
            from: h.from_status,
            to: h.to_status,
            at: h.at,
            by: h.actor_type,
          })),
        }),
      })),
      ...invoices.map((row) => ({
        recordType: INVOICE_RECORD,
        recordId: row.id,
        activityId: INVOICING.id,
        data: json({
          number: row.number,
          orderId: row.order_id,
          issuedAt: row.issued_at,
          paymentMethod: row.payment_method,
          billingAddress: {
            firstName: row.billing_first_name,
            lastName: row.billing_last_name,
            company: row.billing_company,
            street: row.billing_street,
            houseNumber: row.billing_house_number,
            addressLine2: row.billing_address_line2,
            postalCode: row.billing_postal_code,
            city: row.billing_city,
            country: row.billing_country,
          },
          lines: row.lines,
          totals: {
            subtotalCents: row.subtotal_cents,
            vatCents: row.vat_cents,
            totalCents: row.total_cents,
            currency: row.currency.trim(),
          },
        }),
      })),
    ];
    const activities = new Set(records.map((r) => r.activityId));
    return {
      activities: [...activities],
      categories: records.length > 0 ? Object.values(ORDER_CATEGORIES).map((c) => c.id) : [],
      records,
    };
  }

  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const { manager } = context;
    const orders: { id: string; status: string; placed_at: Date; issued_at: Date | null }[] =
      await manager.query(
        `select o.id, o.status, o.placed_at, i.issued_at
         from shop_order o left join invoice i on i.order_id = o.id
        where o.subject_id = $1
        order by o.id
          for update of o`,
        [subjectId],
      );
    const outcomes: ErasureOutcome[] = [];
    const erasable: { id: string; status: string }[] = [];
    for (const order of orders) {
      if (order.issued_at) {
        // A voucher: kept for the statute whether or not a hold covers it (the sweep respects holds).
        const { statute, until } = context.retain(ACCOUNTING_VOUCHERS, order.issued_at);
        outcomes.push({
          recordType: ORDER_RECORD,
          recordId: order.id,
          outcome: 'blocked',
          activityId: ORDER_PROCESSING.id,
          statute,
          until,
          recordDate: order.issued_at,
          reason:
            'erasure requested (Art. 17 GDPR); a paid order is an accounting voucher kept for the statutory period',
        });
        continue;
      }
      const holdId = context.heldBy({
        activityId: ORDER_PROCESSING.id,
        recordType: ORDER_RECORD,
        recordId: order.id,
        occurredAt: order.placed_at,
      });
      if (holdId) {
        outcomes.push({
          recordType: ORDER_RECORD,
          recordId: order.id,
          outcome: 'held',
          activityId: ORDER_PROCESSING.id,
          holdId,
          recordDate: order.placed_at,
        });
      } else {
        erasable.push(order);
      }
    }
    // The goods an unpaid, uncancelled order reserved go back on sale before the order goes.
    await releaseStock(
      manager,
      erasable.filter((o) => o.status === 'placed' || o.status === 'awaiting_payment').map((o) => o.id),
    );
    if (erasable.length > 0) {
      await manager.query('delete from shop_order where id = any($1::uuid[])', [erasable.map((o) => o.id)]);
      for (const o of erasable)
        outcomes.push({ recordType: ORDER_RECORD, recordId: o.id, outcome: 'erased' });
    }

    const invoices: { id: string; issued_at: Date }[] = await manager.query(
      'select id, issued_at from invoice where subject_id = $1 order by id',
      [subjectId],
    );
    for (const invoice of invoices) {
      const { statute, until } = context.retain(ACCOUNTING_VOUCHERS, invoice.issued_at);
      outcomes.push({
        recordType: INVOICE_RECORD,
        recordId: invoice.id,
        outcome: 'blocked',
        activityId: INVOICING.id,
        statute,
        until,
        recordDate: invoice.issued_at,
        reason:
          'erasure requested (Art. 17 GDPR); invoices are kept for the statutory period (§ 14b UStG, § 147 AO)',
      });
    }
    // A blocked order keeps what the voucher needs, not the whole order: the delivery name and address
    // and the guest's email go now (the invoice keeps the billing address, the order the delivery country).
    const blocked = outcomes.filter((o) => o.recordType === ORDER_RECORD && o.outcome === 'blocked');
    if (blocked.length > 0) {
      await manager.query(
        `update shop_order set guest_email = null, carrier_notification_consent = false,
                delivery_first_name = null, delivery_last_name = null, delivery_company = null,
                delivery_street = null, delivery_house_number = null, delivery_address_line2 = null,
                delivery_postal_code = null, delivery_city = null
          where id = any($1::uuid[])`,
        [blocked.map((o) => o.recordId)],
      );
    }
    await manager.query('delete from idempotency_key where scope = $1', [subjectId]);
    return outcomes;
  }

  /** The sweep's call once a block has run out (and no hold covers the record). */
  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = (type: string): string[] =>
      records.filter((r) => r.recordType === type).map((r) => r.recordId);
    const invoices = ids(INVOICE_RECORD);
    const orders = ids(ORDER_RECORD);
    if (invoices.length > 0)
      await manager.query('delete from invoice where id = any($1::uuid[])', [invoices]);
    if (orders.length > 0) await manager.query('delete from shop_order where id = any($1::uuid[])', [orders]);
  }
}
