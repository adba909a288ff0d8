import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditLog, notBlockedClause } from '@app/privacy';
import { DataSource } from 'typeorm';
import type { Page } from '../../common/masking/index.js';
import { notFound } from '../../common/problem/problem.js';
import { OrderReader, isUuid } from './order-reader.js';
import type { OrderStatus } from './order-state-machine.js';
import type { OrderAddress, OrderView } from './order-view.js';

/**
 * An order as the back office reads it, in the shape of the `order` staff view (src/common/masking):
 * routes return it whole and the StaffView interceptor masks it per role. `subjectId` is there for
 * the interceptor (guard and audit) and is never among a role's fields.
 */
export interface StaffOrderRecord {
  id: string;
  number: string;
  status: OrderStatus;
  createdAt: string;
  subjectId: string;
  customerId: string | null;
  email: string | null;
  items: {
    lineNo: number;
    sku: string;
    name: string;
    quantity: number;
    unitPriceCents: number;
    totalCents: number;
    /** One order: whether the line is a device whose pieces need a scanned serial, and those scanned. */
    tracksSerials?: boolean;
    serials?: string[];
  }[];
  deliveryAddress: OrderAddress;
  billingAddress: OrderAddress;
  paymentMethod: string;
  paymentStatus: 'paid' | 'unpaid';
  totalCents: number;
  currency: string;
  carrierNotificationConsent: boolean;
}

/** What goes on a packing slip: what packing needs, nothing else (no email, phone, prices or payment). */
export interface PackingSlip {
  number: string;
  recipient: OrderAddress;
  items: { sku: string; name: string; quantity: number }[];
}

const PAGE_MAX = 100;

interface Cursor {
  placedAt: string;
  id: string;
}

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(value: string | undefined): Cursor | null {
  if (!value) return null;
  try {
    const c = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Cursor;
    return typeof c.placedAt === 'string' && isUuid(c.id) && !Number.isNaN(Date.parse(c.placedAt)) ? c : null;
  } catch {
    return null;
  }
}

function staffRecord(view: OrderView, subjectId: string, customerId: string | null): StaffOrderRecord {
  return {
    id: view.id,
    number: view.number,
    status: view.status,
    createdAt: view.placedAt,
    subjectId,
    customerId,
    email: view.customer.email,
    items: view.items.map((i) => ({
      lineNo: i.lineNo,
      sku: i.sku,
      name: i.name,
      quantity: i.quantity,
      unitPriceCents: i.unitPriceCents,
      totalCents: i.lineTotalCents,
    })),
    deliveryAddress: view.deliveryAddress,
    billingAddress: view.billingAddress,
    paymentMethod: view.paymentMethod,
    paymentStatus: view.paidAt ? 'paid' : 'unpaid',
    totalCents: view.totals.totalCents,
    currency: view.totals.currency,
    carrierNotificationConsent: view.carrierNotificationConsent,
  };
}

/** The back office's reading of orders: the fulfilment queue, one order, the packing slip. */
@Injectable()
export class OrderDesk {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reader: OrderReader,
    private readonly audit: AuditLog,
  ) {}

  /** Orders of one status, oldest first (the queue order of a packing bench), keyset-paginated. */
  async list(status: OrderStatus, cursor?: string, limit = 50): Promise<Page<StaffOrderRecord>> {
    const after = decodeCursor(cursor);
    const size = Math.min(Math.max(limit, 1), PAGE_MAX);
    const rows: { id: string; subject_id: string; customer_id: string | null; placed_at: Date }[] =
      await this.dataSource.query(
        `select o.id, o.subject_id, o.customer_id, o.placed_at from shop_order o
        where o.status = $1 and ${notBlockedClause('order', 'o.id')}
          and ($2::timestamptz is null or (o.placed_at, o.id) > ($2::timestamptz, $3::uuid))
        order by o.placed_at, o.id limit $4`,
        [status, after?.placedAt ?? null, after?.id ?? null, size + 1],
      );
    const page = rows.slice(0, size);
    const views = await this.reader.views(page.map((r) => r.id));
    const byId = new Map(page.map((r) => [r.id, r]));
    const last = page[page.length - 1];
    return {
      items: views.map((v) => staffRecord(v, byId.get(v.id)!.subject_id, byId.get(v.id)!.customer_id)),
      nextCursor:
        rows.length > size && last
          ? encodeCursor({ placedAt: last.placed_at.toISOString(), id: last.id })
          : null,
    };
  }

  async one(orderId: string): Promise<StaffOrderRecord> {
    const rows: { subject_id: string; customer_id: string | null }[] = isUuid(orderId)
      ? await this.dataSource.query(`select subject_id, customer_id from shop_order where id = $1`, [orderId])
      : [];
    const [view] = rows.length ? await this.reader.views([orderId]) : [];
    if (!view) throw notFound('The order');
    const record = staffRecord(view, rows[0].subject_id, rows[0].customer_id);
    // The packing bench scans a serial per piece of a device line: which lines, and what is scanned.
    const devices: { line_no: number; device: boolean; serials: string[] }[] = await this.dataSource.query(
      `select i.line_no, p.tracks_serials as device,
              coalesce((select array_agg(d.serial order by d.scanned_at, d.serial) from order_item_serial d
                         where d.order_id = i.order_id and d.line_no = i.line_no), '{}') as serials
         from order_item i join product p on p.id = i.product_id
        where i.order_id = $1`,
      [orderId],
    );
    for (const item of record.items) {
      const line = devices.find((d) => d.line_no === item.lineNo);
      item.tracksSerials = line?.device === true;
      item.serials = line?.serials ?? [];
    }
    return record;
  }

  /** The packing slip's data; the read is audited with exactly the fields it shows. */
  async packingSlip(orderId: string): Promise<PackingSlip> {
    const order = await this.one(orderId);
    const slip: PackingSlip = {
      number: order.number,
      recipient: order.deliveryAddress,
      items: order.items.map((i) => ({ sku: i.sku, name: i.name, quantity: i.quantity })),
    };
    await this.audit.append({
      subjectId: order.subjectId,
      activityId: 'order-processing',
      action: 'read:packing-slip',
      fields: [
        'number',
        ...Object.keys(slip.recipient).map((k) => `deliveryAddress.${k}`),
        'items.sku',
        'items.name',
        'items.quantity',
      ],
    });
    return slip;
  }
}

const escapeHtml = (s: string | null | undefined): string =>
  (s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** A printable, self-contained HTML packing slip (no scripts, no external assets). */
export function renderPackingSlip(slip: PackingSlip): string {
  const r = slip.recipient;
  const address = [
    `${r.firstName} ${r.lastName}`,
    r.company,
    `${r.street}${r.houseNumber ? ` ${r.houseNumber}` : ''}`,
    r.addressLine2,
    `${r.postalCode} ${r.city}`,
    r.country,
  ]
    .filter((line): line is string => Boolean(line))
    .map(escapeHtml)
    .join('<br>');
  const rows = slip.items
    .map(
      (i) =>
        `<tr><td>${escapeHtml(i.sku)}</td><td>${escapeHtml(i.name)}</td><td class="n">${i.quantity}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Lieferschein ${escapeHtml(slip.number)}</title>
<style>body{font-family:sans-serif;margin:2cm}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:4px;text-align:left}.n{text-align:right}</style>
</head><body>
<h1>Lieferschein ${escapeHtml(slip.number)}</h1>
<p>${address}</p>
<table><thead><tr><th>Artikel</th><th>Bezeichnung</th><th class="n">Menge</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>`;
}
