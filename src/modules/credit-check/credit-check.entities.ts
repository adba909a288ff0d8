import { PersonalData } from '@app/privacy';
import {
  Column,
  Entity,
  JoinColumn,
  OneToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import type { PaymentMethod } from './credit-approval.port.js';
import type { TrafficLight } from './credit-agency.port.js';
import type { CheckOutcome } from './credit-check.policy.js';

export const CREDIT_CHECK_STATUSES = [
  'approved',
  'declined',
  'review-requested',
  'reviewed-approved',
  'reviewed-declined',
] as const;
export type CreditCheckStatus = (typeof CREDIT_CHECK_STATUSES)[number];

/** Record types as legal holds, blocks and the Art. 15 copy name them. */
export const CREDIT_CHECK_RECORD = 'credit_check';
export const CREDIT_REVIEW_RECORD = 'credit_review';

/**
 * One credit check of one order: what the agency answered and what the shop decided. Holds no name,
 * address or date of birth: those stay in the order (and the date of birth nowhere).
 */
@Entity({ name: 'credit_check' })
export class CreditCheck {
  /** Also the reference the agency receives. */
  @PrimaryColumn('uuid')
  id!: string;

  /** The orders module's id; no foreign key: each module owns its tables and their lifetimes. */
  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ name: 'payment_method', type: 'text' })
  paymentMethod!: Extract<PaymentMethod, 'sepa_debit' | 'invoice'>;

  @Column({ name: 'total_cents', type: 'integer' })
  totalCents!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'text' })
  agency!: string;

  @Column({ name: 'agency_reference', type: 'text', nullable: true })
  agencyReference!: string | null;

  @Column({ type: 'text' })
  outcome!: CheckOutcome;

  @PersonalData('credit-check.result')
  @Column({ type: 'text', nullable: true })
  result!: TrafficLight | null;

  @PersonalData('credit-check.result')
  @Column({ type: 'double precision', nullable: true })
  score!: number | null;

  /** Whether the agency demanded, and received, the date of birth (the date itself is not kept). */
  @Column({ name: 'date_of_birth_sent', type: 'boolean', default: false })
  dateOfBirthSent!: boolean;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @PersonalData('credit-check.result')
  @Column({ type: 'text' })
  status!: CreditCheckStatus;

  /** The explanation given to the person with the automated decision. */
  @Column({ type: 'text' })
  explanation!: string;

  @Column({ name: 'delete_after', type: 'timestamptz' })
  deleteAfter!: Date;

  @OneToOne(() => CreditReview, (r) => r.check)
  review?: Relation<CreditReview> | null;
}

/** A human review of a declined check, asked for by the person (Art. 22(3)). One per check. */
@Entity({ name: 'credit_review' })
export class CreditReview {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'check_id', type: 'uuid' })
  checkId!: string;

  @OneToOne(() => CreditCheck, (c) => c.review, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'check_id' })
  check?: Relation<CreditCheck>;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  /** The subject who asked (always the check's subject). */
  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @PersonalData('credit-check.review')
  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  /** The staff member's id, never a name. */
  @Column({ name: 'reviewer_id', type: 'text', nullable: true })
  reviewerId!: string | null;

  @Column({ name: 'reviewer_role', type: 'text', nullable: true })
  reviewerRole!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @PersonalData('credit-check.review')
  @Column({ type: 'text', nullable: true })
  decision!: 'approved' | 'declined' | null;

  @PersonalData('credit-check.review')
  @Column({ type: 'text', nullable: true })
  reason!: string | null;
}
