import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditLog } from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import type { CarrierId, TrackingStatus } from './carrier.port.js';
import { CarrierCircuits } from './carrier-circuits.js';
import { CARRIER_HANDOFF, HANDOFF_CATEGORIES } from './carrier-handoff.declarations.js';
import { labelNotFound, shipmentNotFound } from './carrier-handoff.problems.js';
import { CARRIER_SETUP, type CarrierSetup } from './carriers.js';
import { decodeCursor, encodeCursor } from '../../common/pagination/cursor.js';
import type { ShipmentStatus } from './shipment.entity.js';
import { SHIPMENT_COLUMNS, SHIPMENT_READABLE, ShipmentStore, type ShipmentRow } from './shipment-store.js';

export interface ShipmentFilter {
  status?: ShipmentStatus;
  carrier?: CarrierId;
  cursor?: string;
  limit: number;
}

export interface ShipmentPage {
  items: ShipmentRow[];
  nextCursor: string | null;
}

/** A page of one partner's shipments, oldest first, for a partner that polls forward. */
export interface PartnerShipmentPage {
  rows: ShipmentRow[];
  /** Where the next page starts, or null on the last page. */
  nextCursor: string | null;
}

/** What an order view shows of its shipment (the back office's order routes use it). */
export interface OrderShipmentSummary {
  shipmentId: string;
  carrier: CarrierId;
  status: ShipmentStatus;
  trackingNumber: string | null;
}

/**
 * The shipments as staff and other modules read them. Staff reads of personal data (the tracking
 * number in lists, the label, which prints name and address) are appended to the access audit log
 * before the answer leaves.
 */
@Injectable()
export class ShipmentQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: ShipmentStore,
    private readonly audit: AuditLog,
    private readonly circuits: CarrierCircuits,
    @Inject(CARRIER_SETUP) private readonly carriers: CarrierSetup,
  ) {}

  /** Shipments by status and carrier, newest first, keyset-paginated. */
  async list(filter: ShipmentFilter): Promise<ShipmentPage> {
    const after = decodeCursor(filter.cursor);
    const rows: (ShipmentRow & { cursor_at: string })[] = await this.dataSource.query(
      `select ${SHIPMENT_COLUMNS}, s.created_at::text as cursor_at
         from shipment s
        where ($1::text is null or s.status = $1)
          and ($2::text is null or s.carrier = $2)
          and ($3::timestamptz is null or (s.created_at, s.id) < ($3::timestamptz, $4::uuid))
          and ${SHIPMENT_READABLE}
        order by s.created_at desc, s.id desc
        limit $5`,
      [filter.status ?? null, filter.carrier ?? null, after?.at ?? null, after?.id ?? null, filter.limit + 1],
    );
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    await this.auditTrackingRead(page);
    return {
      items: page.map(({ cursor_at: _cursor, ...row }) => row),
      nextCursor:
        rows.length > filter.limit && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
    };
  }

  async get(id: string): Promise<ShipmentRow> {
    const shipment = await this.store.get(id);
    if (!shipment) throw shipmentNotFound();
    await this.auditTrackingRead([shipment]);
    return shipment;
  }

  attempts(id: string): ReturnType<ShipmentStore['attempts']> {
    return this.store.attempts(id);
  }

  /** The carrier's label, for printing at the packing bench; the read is audited (it shows name and address). */
  async label(id: string): Promise<{ content: Buffer; mediaType: string; orderNumber: string }> {
    const rows: {
      label: Buffer | null;
      label_format: string | null;
      subject_id: string;
      order_number: string;
    }[] = await this.dataSource.query(
      `select s.label, s.label_format, s.subject_id, s.order_number from shipment s
          where s.id = $1 and ${SHIPMENT_READABLE}`,
      [id],
    );
    const row = rows[0];
    if (!row) throw shipmentNotFound();
    if (!row.label) throw labelNotFound();
    await this.audit.append({
      subjectId: row.subject_id,
      activityId: CARRIER_HANDOFF.id,
      action: 'read',
      fields: [HANDOFF_CATEGORIES.label.id],
    });
    return {
      content: row.label,
      mediaType: row.label_format ?? 'application/pdf',
      orderNumber: row.order_number,
    };
  }

  /** The carrier's current tracking status of a shipment it has. */
  async tracking(id: string): Promise<TrackingStatus & { carrier: CarrierId; trackingNumber: string }> {
    const shipment = await this.get(id);
    const adapter = this.carriers.adapters.get(shipment.carrier);
    if (!shipment.tracking_number || !adapter)
      return { state: 'unknown', carrier: shipment.carrier, trackingNumber: shipment.tracking_number ?? '' };
    const trackingNumber = shipment.tracking_number;
    const status = await this.circuits.execute(shipment.carrier, () =>
      adapter.trackingStatus(trackingNumber),
    );
    return { ...status, carrier: shipment.carrier, trackingNumber };
  }

  /**
   * The shipments assigned to one partner, oldest first, keyset-paginated (the partner API). Scoped in
   * SQL, so another partner's shipment is simply not there; blocked shipments are left out.
   */
  async forPartner(
    partnerId: string,
    query: { status?: ShipmentStatus; cursor?: string; limit: number },
  ): Promise<PartnerShipmentPage> {
    const after = decodeCursor(query.cursor);
    const rows: (ShipmentRow & { cursor_at: string })[] = await this.dataSource.query(
      `select ${SHIPMENT_COLUMNS}, s.created_at::text as cursor_at
         from shipment s
        where s.partner_id = $1
          and ($2::text is null or s.status = $2)
          and ($3::timestamptz is null or (s.created_at, s.id) > ($3::timestamptz, $4::uuid))
          and ${SHIPMENT_READABLE}
        order by s.created_at, s.id
        limit $5`,
      [partnerId, query.status ?? null, after?.at ?? null, after?.id ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      rows: page.map(({ cursor_at: _cursor, ...row }) => row),
      nextCursor:
        rows.length > query.limit && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
    };
  }

  /**
   * One shipment that is not blocked, for a partner (`partnerId` given: only its own) or for the
   * partners' webhook fan-out (the shipment's partner is then in the row). No audit here: the caller
   * discloses through the kernel, which logs the disclosure.
   */
  async readable(id: string, partnerId?: string): Promise<ShipmentRow | null> {
    const rows: ShipmentRow[] = await this.dataSource.query(
      `select ${SHIPMENT_COLUMNS} from shipment s
        where s.id = $1 and ($2::uuid is null or s.partner_id = $2) and ${SHIPMENT_READABLE}`,
      [id, partnerId ?? null],
    );
    return rows[0] ?? null;
  }

  /** The partner a shipment is assigned to (null: none, or no such shipment). */
  async partnerOf(id: string, manager?: EntityManager): Promise<string | null> {
    const rows: { partner_id: string | null }[] = await (manager ?? this.dataSource.manager).query(
      'select s.partner_id from shipment s where s.id = $1',
      [id],
    );
    return rows[0]?.partner_id ?? null;
  }

  /**
   * The shipments of orders, for views of those orders (blocked ones left out). The caller shows them
   * with the order and audits that read with the order's.
   */
  async forOrders(
    orderIds: readonly string[],
    manager?: EntityManager,
  ): Promise<Map<string, OrderShipmentSummary[]>> {
    const result = new Map<string, OrderShipmentSummary[]>();
    if (orderIds.length === 0) return result;
    const rows: {
      order_id: string;
      id: string;
      carrier: CarrierId;
      status: ShipmentStatus;
      tracking_number: string | null;
    }[] = await (manager ?? this.dataSource.manager).query(
      `select s.order_id, s.id, s.carrier, s.status, s.tracking_number from shipment s
          where s.order_id = any($1::uuid[]) and ${SHIPMENT_READABLE}`,
      [[...orderIds]],
    );
    for (const row of rows) {
      result.set(row.order_id, [
        ...(result.get(row.order_id) ?? []),
        { shipmentId: row.id, carrier: row.carrier, status: row.status, trackingNumber: row.tracking_number },
      ]);
    }
    return result;
  }

  private async auditTrackingRead(rows: readonly ShipmentRow[]): Promise<void> {
    await Promise.all(
      rows
        .filter((r) => r.tracking_number !== null)
        .map((r) =>
          this.audit.append({
            subjectId: r.subject_id,
            activityId: CARRIER_HANDOFF.id,
            action: 'read',
            fields: [HANDOFF_CATEGORIES.tracking.id],
          }),
        ),
    );
  }
}
