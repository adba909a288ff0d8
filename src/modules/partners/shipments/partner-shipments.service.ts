import { Injectable } from '@nestjs/common';
import {
  shipmentNotFound,
  type ShipmentStatus,
  ShipmentLifecycle,
  ShipmentQueries,
  type PartnerReport,
  type ShipmentRow,
} from '../../carrier-handoff/index.js';
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
    private readonly shipments: ShipmentQueries,
    private readonly views: PartnerShipmentViews,
    private readonly lifecycle: ShipmentLifecycle,
  ) {}

  /** The caller's shipments, oldest first (a partner polls forward with nextCursor). */
  async list(
    caller: PartnerPrincipal,
    query: { status?: ShipmentStatus; cursor?: string; limit: number },
  ): Promise<PartnerShipmentPage> {
    const page = await this.shipments.forPartner(caller.partnerId, query);
    return { items: await this.views.read(page.rows, caller.recipientId), nextCursor: page.nextCursor };
  }

  async get(caller: PartnerPrincipal, id: string): Promise<PartnerShipmentView> {
    const shipment = await this.shipments.readable(id, caller.partnerId);
    if (!shipment) throw shipmentNotFound();
    const [view] = await this.views.read([shipment], caller.recipientId);
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
