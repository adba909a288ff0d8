import { PersonalData } from '@app/privacy';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { PaymentMethod, ProviderId } from './payment-provider.port.js';

/**
 * The tables of the payments module (migrations/1795563000000-payments.ts). The hot paths use SQL
 * (payments.service.ts, one round trip per step); the entities document the tables and their personal
 * data for the registry.
 */

export type PaymentStatus = 'creating' | 'pending' | 'succeeded' | 'failed' | 'cancelled';

/** One attempt to pay an order. At most one per order is open (`creating`, `pending`) at a time. */
@Entity({ name: 'payment' })
export class Payment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @PersonalData('payment.order-reference')
  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  /** `customer:<uuid>` or `guest:<hash>`: whose payment it is (export and erasure need no other module). */
  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ type: 'text' })
  provider!: ProviderId;

  @PersonalData('order.payment-method')
  @Column({ type: 'text' })
  method!: PaymentMethod;

  @PersonalData('payment.provider-reference')
  @Column({ name: 'provider_reference', type: 'text', nullable: true })
  providerReference!: string | null;

  @PersonalData('payment.provider-reference')
  @Column({ name: 'capture_reference', type: 'text', nullable: true })
  captureReference!: string | null;

  @Column({ type: 'text' })
  status!: PaymentStatus;

  @PersonalData('payment.amount')
  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  /** What the provider reported as received (set with success, or with a mismatch flag). */
  @PersonalData('payment.amount')
  @Column({ name: 'received_cents', type: 'integer', nullable: true })
  receivedCents!: number | null;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ name: 'succeeded_at', type: 'timestamptz', nullable: true })
  succeededAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'payment_refund' })
export class PaymentRefund {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId!: string;

  @PersonalData('payment.provider-reference')
  @Column({ name: 'provider_reference', type: 'text', nullable: true })
  providerReference!: string | null;

  @PersonalData('payment.amount')
  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'text' })
  status!: 'creating' | 'pending' | 'succeeded' | 'failed';

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  /** The staff member's id (never a name). */
  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A provider event received and applied (or ignored) once: replay protection. */
@Entity({ name: 'payment_event' })
export class PaymentEvent {
  @PrimaryColumn({ type: 'text' })
  provider!: 'stripe' | 'paypal';

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ type: 'text' })
  type!: string;

  @PersonalData('payment.provider-reference')
  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId!: string | null;

  @Column({ name: 'payment_id', type: 'uuid', nullable: true })
  paymentId!: string | null;

  @Column({ type: 'text' })
  outcome!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}

export const FLAG_REASONS = [
  'amount-mismatch',
  'currency-mismatch',
  'unknown-payment',
  'order-not-payable',
] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];
export const FLAG_RESOLUTIONS = ['refunded', 'accepted', 'order-cancelled', 'no-action-needed'] as const;
export type FlagResolution = (typeof FLAG_RESOLUTIONS)[number];

/** A payment staff must look at. `details` holds amounts, currencies, event ids and types: no personal data. */
@Entity({ name: 'payment_flag' })
export class PaymentFlag {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId!: string | null;

  @Column({ name: 'payment_id', type: 'uuid', nullable: true })
  paymentId!: string | null;

  @Column({ type: 'text' })
  provider!: ProviderId;

  @Column({ type: 'text' })
  reason!: FlagReason;

  @Column({ type: 'jsonb' })
  details!: Record<string, string | number | boolean | null>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'resolved_by', type: 'text', nullable: true })
  resolvedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  resolution!: FlagResolution | null;
}

/** A SEPA direct debit mandate, one per SEPA payment. */
@Entity({ name: 'sepa_mandate' })
export class SepaMandate {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @PersonalData('payment.sepa-mandate')
  @Column({ name: 'mandate_reference', type: 'text' })
  mandateReference!: string;

  @Column({ name: 'creditor_id', type: 'text' })
  creditorId!: string;

  /** AES-256-GCM, bound to the mandate id; null after SEPA_IBAN_RETENTION_DAYS. */
  @PersonalData('payment.iban')
  @Column({ name: 'iban_encrypted', type: 'text', nullable: true })
  ibanEncrypted!: string | null;

  @Column({ name: 'iban_key_id', type: 'text', nullable: true })
  ibanKeyId!: string | null;

  @PersonalData('payment.iban')
  @Column({ name: 'iban_masked', type: 'text' })
  ibanMasked!: string;

  @PersonalData('payment.account-holder')
  @Column({ name: 'account_holder', type: 'text' })
  accountHolder!: string;

  @PersonalData('payment.sepa-mandate')
  @Column({ name: 'signed_at', type: 'timestamptz' })
  signedAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
