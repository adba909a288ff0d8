import { Injectable } from '@nestjs/common';
import type {
  BlockedRecord,
  ErasureContext,
  ErasureOutcome,
  ExportSection,
  PersonalDataEraser,
  PersonalDataExporter,
} from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { ACCOUNTING_VOUCHERS } from '../orders/index.js';
import type { CarrierId } from './carrier.port.js';
import { CARRIER_HANDOFF, HANDOFF_CATEGORIES } from './carrier-handoff.declarations.js';
import type { ShipmentStatus } from './shipment.entity.js';
import { SHIPMENT_RECORD } from './shipment-store.js';

interface ShipmentExportRow {
  id: string;
  order_id: string;
  order_number: string;
  carrier: CarrierId;
  status: ShipmentStatus;
  tracking_number: string | null;
  has_label: boolean;
  created_at: Date;
  handed_over_at: Date | null;
  picked_up_at: Date | null;
  delivered_at: Date | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * Carrier handoff's part of the rights of access and erasure, over the shipment table.
 *
 * Access: each shipment (carrier, tracking number, progress) and whether a label is held; which
 * carriers and partners actually received the person's data is the disclosure log's, which the kernel
 * adds to the answer. Erasure: a shipment belongs to its order; a paid order is an accounting voucher
 * that is blocked, not erased (orders.rights.ts), so its shipment is blocked with it, until the same
 * date, and erased with it by the retention sweep. Its label, which no statute needs, is erased at once.
 * A shipment of an order that is not kept is erased (unless a legal hold covers it).
 */
@Injectable()
export class CarrierHandoffRights implements PersonalDataExporter, PersonalDataEraser {
  readonly name = 'carrier-handoff';

  export(subjectId: string, manager: EntityManager): Promise<ExportSection> {
    return this.exportMany([subjectId], manager);
  }

  /** `export` for several subject ids of one person, in one query per table. */
  async exportMany(subjectIds: readonly string[], manager: EntityManager): Promise<ExportSection> {
    const rows: ShipmentExportRow[] = await manager.query(
      `select id, order_id, order_number, carrier, status, tracking_number, (label is not null) as has_label,
              created_at, handed_over_at, picked_up_at, delivered_at
         from shipment where subject_id = any($1::text[]) order by created_at`,
      [[...subjectIds]],
    );
    if (rows.length === 0) return { activities: [], categories: [], records: [] };
    const categories = [
      HANDOFF_CATEGORIES.tracking.id,
      ...(rows.some((r) => r.has_label) ? [HANDOFF_CATEGORIES.label.id] : []),
    ];
    return {
      activities: [CARRIER_HANDOFF.id],
      categories,
      records: rows.map((r) => ({
        recordType: SHIPMENT_RECORD,
        recordId: r.id,
        activityId: CARRIER_HANDOFF.id,
        data: {
          orderId: r.order_id,
          orderNumber: r.order_number,
          carrier: r.carrier,
          status: r.status,
          trackingNumber: r.tracking_number,
          createdAt: iso(r.created_at),
          handedOverAt: iso(r.handed_over_at),
          pickedUpAt: iso(r.picked_up_at),
          deliveredAt: iso(r.delivered_at),
          // The label prints the name and delivery address of the order (exported with the order).
          labelHeld: r.has_label,
        },
      })),
    };
  }

  async erase(subjectId: string, context: ErasureContext): Promise<ErasureOutcome[]> {
    const { manager } = context;
    const rows: { id: string; created_at: Date; issued_at: Date | null }[] = await manager.query(
      `select s.id, s.created_at, i.issued_at
         from shipment s left join invoice i on i.order_id = s.order_id
        where s.subject_id = $1
        order by s.id
          for update of s`,
      [subjectId],
    );
    if (rows.length === 0) return [];
    await manager.query('update shipment set label = null, label_format = null where subject_id = $1', [
      subjectId,
    ]);
    const outcomes: ErasureOutcome[] = [];
    const erasable: string[] = [];
    for (const row of rows) {
      if (row.issued_at) {
        const { statute, until } = context.retain(ACCOUNTING_VOUCHERS, row.issued_at);
        outcomes.push({
          recordType: SHIPMENT_RECORD,
          recordId: row.id,
          outcome: 'blocked',
          activityId: CARRIER_HANDOFF.id,
          statute,
          until,
          recordDate: row.issued_at,
          reason:
            'erasure requested (Art. 17 GDPR); the shipment is part of its order, an accounting voucher kept for the ' +
            'statutory period; its label was erased',
        });
        continue;
      }
      const holdId = context.heldBy({
        activityId: CARRIER_HANDOFF.id,
        recordType: SHIPMENT_RECORD,
        recordId: row.id,
        occurredAt: row.created_at,
      });
      if (holdId) {
        outcomes.push({
          recordType: SHIPMENT_RECORD,
          recordId: row.id,
          outcome: 'held',
          activityId: CARRIER_HANDOFF.id,
          holdId,
          recordDate: row.created_at,
        });
      } else {
        erasable.push(row.id);
      }
    }
    if (erasable.length > 0) {
      await manager.query('delete from shipment where id = any($1::uuid[])', [erasable]);
      for (const id of erasable)
        outcomes.push({ recordType: SHIPMENT_RECORD, recordId: id, outcome: 'erased' });
    }
    return outcomes;
  }

  async eraseBlocked(records: readonly BlockedRecord[], manager: EntityManager): Promise<void> {
    const ids = records.filter((r) => r.recordType === SHIPMENT_RECORD).map((r) => r.recordId);
    if (ids.length > 0) await manager.query('delete from shipment where id = any($1::uuid[])', [ids]);
  }
}
