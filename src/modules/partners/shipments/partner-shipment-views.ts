import { Injectable } from '@nestjs/common';
import { AuditLog, Discloser, fieldPaths, ProcessingRefused } from '@app/privacy';
import {
  type CarrierId,
  type ParcelRecipient,
  CARRIER_ALLOW_LIST,
  CARRIER_HANDOFF,
  parcelOnly,
  parcelRecipient,
  type ShipmentStatus,
  type ShipmentRow,
} from '../../carrier-handoff/index.js';
import { OrderReader, type OrderView } from '../../orders/index.js';

/** Why a partner receives no personal data of a shipment. */
export type WithheldReason = 'retention-expired' | 'processing-restricted' | 'order-unavailable';

/** The recipient as a partner receives it: the allowed fields only (email and phone only with consent). */
export type PartnerRecipient = Omit<ParcelRecipient, 'parcel'>;

/** A shipment as a partner sees it. */
export interface PartnerShipmentView {
  id: string;
  /** The shop's reference (order number), also on the label. */
  reference: string;
  carrier: CarrierId;
  status: ShipmentStatus;
  trackingNumber: string | null;
  createdAt: Date;
  handedOverAt: Date | null;
  acknowledgedAt: Date | null;
  pickedUpAt: Date | null;
  deliveredAt: Date | null;
  parcel: { weightGrams: number };
  recipient: PartnerRecipient | null;
  personalData: { available: boolean; until: Date | null; reason?: WithheldReason };
}

/** What will leave for one shipment, before it is disclosed (checked and logged by the Discloser). */
export interface DisclosurePlan {
  shipment: ShipmentRow;
  subjectId: string;
  /** The payload in the registry's vocabulary: the recipient and parcel, or the parcel alone. */
  payload: ParcelRecipient | { parcel: ParcelRecipient['parcel'] };
  withheld?: WithheldReason;
}

/**
 * The one place that decides what a partner receives of a shipment, for the pull API and for webhooks
 * alike: the recipient's allow-list for carrier handoff (plus email and phone with the consent), read
 * from the order at that moment, and nothing personal once `personal_data_until` has passed (delivery
 * plus PARTNER_PERSONAL_DATA_DAYS). The payload passes through the Discloser, which refuses any other
 * field and logs the disclosure; pull reads are also appended to the access audit log.
 */
@Injectable()
export class PartnerShipmentViews {
  constructor(
    private readonly orders: OrderReader,
    private readonly discloser: Discloser,
    private readonly audit: AuditLog,
  ) {}

  async plan(
    shipments: readonly ShipmentRow[],
    recipientId: string,
    now = new Date(),
  ): Promise<DisclosurePlan[]> {
    const views = await this.orders.views(shipments.map((s) => s.order_id));
    const byId = new Map<string, OrderView>(views.map((v) => [v.id, v]));
    const plans: DisclosurePlan[] = [];
    for (const shipment of shipments) {
      const base = { shipment, subjectId: shipment.subject_id };
      const parcel = parcelOnly(shipment.order_number, shipment.weight_grams);
      const order = byId.get(shipment.order_id);
      if (shipment.personal_data_until && shipment.personal_data_until.getTime() <= now.getTime()) {
        plans.push({ ...base, payload: parcel, withheld: 'retention-expired' });
      } else if (!order) {
        plans.push({ ...base, payload: parcel, withheld: 'order-unavailable' });
      } else {
        const allowed = order.carrierNotificationConsent
          ? await this.discloser.allowedFields(CARRIER_HANDOFF.id, recipientId, shipment.subject_id)
          : CARRIER_ALLOW_LIST;
        plans.push({
          ...base,
          payload: parcelRecipient(order, { weightGrams: shipment.weight_grams }, allowed),
        });
      }
    }
    return plans;
  }

  /**
   * The partner's read (pull API): each shipment's payload is disclosed (checked, logged) and the read
   * is audited with the fields it returned. A person who restricted processing (Art. 18) is withheld.
   */
  async read(shipments: readonly ShipmentRow[], recipientId: string): Promise<PartnerShipmentView[]> {
    const views: PartnerShipmentView[] = [];
    for (const plan of await this.plan(shipments, recipientId)) {
      let disclosed: DisclosurePlan['payload'];
      let withheld = plan.withheld;
      try {
        disclosed = await this.discloser.project({
          activityId: CARRIER_HANDOFF.id,
          recipientId,
          subjectId: plan.subjectId,
          payload: plan.payload,
        });
      } catch (error) {
        if (!(error instanceof ProcessingRefused)) throw error;
        disclosed = parcelOnly(plan.shipment.order_number, plan.shipment.weight_grams);
        withheld = 'processing-restricted';
      }
      if (!withheld) {
        await this.audit.append({
          subjectId: plan.subjectId,
          activityId: CARRIER_HANDOFF.id,
          action: 'read',
          fields: fieldPaths(disclosed).filter((f) => !f.startsWith('parcel.')),
        });
      }
      views.push(this.compose(plan.shipment, withheld ? null : disclosed, withheld));
    }
    return views;
  }

  /** The view of a shipment from what was disclosed (`null`: nothing personal). */
  compose(
    shipment: ShipmentRow,
    disclosed: DisclosurePlan['payload'] | null,
    withheld?: WithheldReason,
  ): PartnerShipmentView {
    const recipient =
      disclosed && 'name' in disclosed
        ? (({ parcel: _parcel, ...person }: ParcelRecipient): PartnerRecipient => person)(disclosed)
        : null;
    return {
      id: shipment.id,
      reference: shipment.order_number,
      carrier: shipment.carrier,
      status: shipment.status,
      trackingNumber: shipment.tracking_number,
      createdAt: shipment.created_at,
      handedOverAt: shipment.handed_over_at,
      acknowledgedAt: shipment.acknowledged_at,
      pickedUpAt: shipment.picked_up_at,
      deliveredAt: shipment.delivered_at,
      parcel: { weightGrams: shipment.weight_grams },
      recipient,
      personalData: {
        available: recipient !== null,
        until: shipment.personal_data_until,
        ...(withheld ? { reason: withheld } : {}),
      },
    };
  }
}
