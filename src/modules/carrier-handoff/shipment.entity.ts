import { PersonalData } from '@app/privacy';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CarrierId } from './carrier.port.js';

export const SHIPMENT_STATUSES = [
  'queued',
  'sending',
  'created',
  'failed',
  'dead_letter',
  'picked_up',
  'delivered',
  'cancelled',
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** Statuses in which the carrier (or a pulling partner) has the shipment. */
export const HANDED_OVER: readonly ShipmentStatus[] = ['created', 'picked_up', 'delivered'];

/**
 * One parcel of an order (`parcel_no`; `shipment_line` names the lines and pieces it carries, none:
 * the whole order). The packing transaction creates it with its job (the outbox). It holds no copy of
 * the recipient's name or address: every handoff and partner read takes them from the order. Written
 * and read with SQL (shipment-store.ts); the entity documents the table and its personal data.
 *
 *   queued → sending → created → picked_up → delivered
 *   sending → failed → sending …     (a carrier that is unavailable: backoff, then again)
 *   sending | failed → dead_letter   (refused, or out of attempts: staff look, then retry)
 *   queued | failed → cancelled      (the order left `packed` before the handoff: nothing was sent)
 */
@Entity({ name: 'shipment' })
export class Shipment {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  /** The carrier-side reference: a retry finds a shipment created before by it. */
  @Column({ name: 'order_number', type: 'text' })
  orderNumber!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ type: 'text' })
  carrier!: CarrierId;

  @Column({ name: 'partner_id', type: 'uuid', nullable: true })
  partnerId!: string | null;

  @Column({ type: 'text' })
  status!: ShipmentStatus;

  @Column({ name: 'weight_grams', type: 'integer' })
  weightGrams!: number;

  @PersonalData('shipment.tracking')
  @Column({ name: 'carrier_reference', type: 'text', nullable: true })
  carrierReference!: string | null;

  @PersonalData('shipment.tracking')
  @Column({ name: 'tracking_number', type: 'text', nullable: true })
  trackingNumber!: string | null;

  @PersonalData('shipment.label')
  @Column({ type: 'bytea', nullable: true })
  label!: Buffer | null;

  @Column({ name: 'label_format', type: 'text', nullable: true })
  labelFormat!: string | null;

  @Column({ name: 'parcel_no', type: 'smallint', default: 1 })
  parcelNo!: number;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'attempt_limit', type: 'integer' })
  attemptLimit!: number;

  /** Staff checked at the carrier that nothing was created: the next attempt creates without looking first. */
  @Column({ name: 'skip_lookup_once', type: 'boolean', default: false })
  skipLookupOnce!: boolean;

  /** Our own words (kind and HTTP status), never a carrier's message: those echo addresses. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'sending_since', type: 'timestamptz', nullable: true })
  sendingSince!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @PersonalData('shipment.tracking')
  @Column({ name: 'handed_over_at', type: 'timestamptz', nullable: true })
  handedOverAt!: Date | null;

  @Column({ name: 'handed_over_by', type: 'text', nullable: true })
  handedOverBy!: 'carrier-api' | 'partner' | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @PersonalData('shipment.tracking')
  @Column({ name: 'picked_up_at', type: 'timestamptz', nullable: true })
  pickedUpAt!: Date | null;

  @PersonalData('shipment.tracking')
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'dead_lettered_at', type: 'timestamptz', nullable: true })
  deadLetteredAt!: Date | null;

  @Column({ name: 'personal_data_until', type: 'timestamptz', nullable: true })
  personalDataUntil!: Date | null;
}

/** Every call of a carrier for a shipment: when, how it ended, how long it took. No personal data. */
@Entity({ name: 'shipment_attempt' })
export class ShipmentAttempt {
  @PrimaryColumn({ name: 'shipment_id', type: 'uuid' })
  shipmentId!: string;

  @PrimaryColumn({ type: 'integer' })
  attempt!: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  outcome!: AttemptOutcome | null;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;
}

export type AttemptOutcome =
  'created' | 'adopted' | 'unavailable' | 'rejected' | 'refused' | 'cancelled' | 'superseded' | 'error';
