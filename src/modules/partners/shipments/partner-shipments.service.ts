import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  shipmentNotFound,
  type ShipmentStatus,
  ShipmentLifecycle,
  type PartnerReport,
  SHIPMENT_COLUMNS,
  SHIPMENT_READABLE,
  type ShipmentRow,
} from '../../carrier-handoff/index.js';
import { decodeCursor, encodeCursor } from '../../../common/pagination/cursor.js';
import type { PartnerPrincipal } from '../partners.service.js';
import { PartnerShipmentViews, type PartnerShipmentView } from './partner-shipment-views.js';

export interface PartnerShipmentPage {
  items: PartnerShipmentView[];
  nextCursor: string | null;
}

/** What a partner changed, answered without personal data (a write scope is not a read scope). */
export interface PartnerShipmentState {
  id: string;
  reference: string;
  status: ShipmentStatus;
  acknowledgedAt: Date | null;
  pickedUpAt: Date | null;
  deliveredAt: Date | null;
}

const stateOf = (row: ShipmentRow): PartnerShipmentState => ({
  id: row.id,
  reference: row.order_number,
  status: row.status,
  acknowledgedAt: row.acknowledged_at,
  pickedUpAt: row.picked_up_at,
  deliveredAt: row.delivered_at,
});

/**
 * The partner API over shipments. The ownership rule (partners README): every query is scoped to the
 * calling partner in SQL, so another partner's shipment answers 404 exactly like one that does not
 * exist; blocked shipments and orders do not exist for anyone but statutory retention.
 */
@Injectable()
export class PartnerShipments {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly views: PartnerShipmentViews,
    private readonly lifecycle: ShipmentLifecycle,
  ) {}

  /** The caller's shipments, oldest first (a partner polls forward with nextCursor). */
  async list(
    caller: PartnerPrincipal,
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
      [caller.partnerId, query.status ?? null, after?.at ?? null, after?.id ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: await this.views.read(page, caller.recipientId),
      nextCursor:
        rows.length > query.limit && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
    };
  }

  async get(caller: PartnerPrincipal, id: string): Promise<PartnerShipmentView> {
    const rows: ShipmentRow[] = await this.dataSource.query(
      `select ${SHIPMENT_COLUMNS} from shipment s where s.id = $1 and s.partner_id = $2 and ${SHIPMENT_READABLE}`,
      [id, caller.partnerId],
    );
    if (!rows[0]) throw shipmentNotFound();
    const [view] = await this.views.read(rows, caller.recipientId);
    return view;
  }

  async acknowledge(caller: PartnerPrincipal, id: string): Promise<PartnerShipmentState> {
    return stateOf(await this.lifecycle.acknowledge(caller.partnerId, id));
  }

  async report(
    caller: PartnerPrincipal,
    id: string,
    status: PartnerReport,
    at?: Date,
  ): Promise<PartnerShipmentState> {
    return stateOf(await this.lifecycle.report(caller.partnerId, id, status, at));
  }
}
