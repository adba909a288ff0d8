import { randomUUID } from 'node:crypto';
import type { JobQueue } from '@app/privacy';
import type { EntityManager } from 'typeorm';

/**
 * What happened to a shipment, for partners that want pushes (src/modules/partners/webhooks). Emitted
 * as a job in the transaction of the change itself, so an event is never lost nor sent for a change
 * that rolled back; the webhook module fans it out to the deliveries of the assigned partner. The job
 * carries ids only: whatever personal data a webhook holds is read and disclosed when it is sent.
 */
export const SHIPMENT_EVENTS_QUEUE = 'carrier-handoff.shipment-events';

export const SHIPMENT_EVENT_TYPES = [
  /** The carrier accepted the shipment (tracking number known), or a partner took it over. */
  'shipment.created',
  /** Staff assigned the shipment to a (logistics) partner. */
  'shipment.assigned',
  'shipment.picked_up',
  'shipment.delivered',
] as const;
export type ShipmentEventType = (typeof SHIPMENT_EVENT_TYPES)[number];

export interface ShipmentEvent {
  eventId: string;
  type: ShipmentEventType;
  shipmentId: string;
  occurredAt: string;
  /** The partner whose own report caused it: it gets no webhook about what it told us itself. */
  causedByPartnerId?: string;
}

/**
 * Emits the event in the caller's transaction, if anyone listens: a job costs a fetch, a transaction
 * and a completion, which every handoff would pay for nothing while the shipment's partner has no
 * active webhook for the event (the usual case). A webhook registered after this check gets the next
 * event, not this one, as if it had been registered a moment later.
 */
export async function emitShipmentEvent(
  jobs: JobQueue,
  manager: EntityManager,
  event: Omit<ShipmentEvent, 'eventId' | 'occurredAt'>,
): Promise<ShipmentEvent | null> {
  const rows: { subscribed: boolean }[] = await manager.query(
    `select exists (
       select 1 from shipment s join partner_webhook w on w.partner_id = s.partner_id
        where s.id = $1 and w.active and $2 = any(w.events)
          and w.partner_id is distinct from $3::uuid
     ) as subscribed`,
    [event.shipmentId, event.type, event.causedByPartnerId ?? null],
  );
  if (!rows[0]?.subscribed) return null;
  const full: ShipmentEvent = { eventId: randomUUID(), occurredAt: new Date().toISOString(), ...event };
  await jobs.send(SHIPMENT_EVENTS_QUEUE, full, { db: manager });
  return full;
}
