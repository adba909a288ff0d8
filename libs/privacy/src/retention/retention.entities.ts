import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A legal hold (privacy.legal_hold): while active, nothing it covers is erased, neither by the
 * retention sweep nor by an erasure request (Art. 17(3)(e) GDPR; an open tax assessment, § 147 AO;
 * an incident under investigation, Art. 33(5)). Releasing sets the release columns; the row is
 * never deleted (a database trigger refuses it): it documents what was kept and why.
 */
@Entity({ schema: 'privacy', name: 'legal_hold' })
export class LegalHoldEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'activity_id', type: 'text', nullable: true })
  activityId!: string | null;

  @Column({ name: 'subject_id', type: 'text', nullable: true })
  subjectId!: string | null;

  @Column({ name: 'record_type', type: 'text', nullable: true })
  recordType!: string | null;

  @Column({ name: 'record_ids', type: 'text', array: true, nullable: true })
  recordIds!: string[] | null;

  @Column({ name: 'range_from', type: 'timestamptz', nullable: true })
  rangeFrom!: Date | null;

  @Column({ name: 'range_to', type: 'timestamptz', nullable: true })
  rangeTo!: Date | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'created_by_type', type: 'text' })
  createdByType!: string;

  @Column({ name: 'created_by_id', type: 'text' })
  createdById!: string;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;

  @Column({ name: 'released_by_type', type: 'text', nullable: true })
  releasedByType!: string | null;

  @Column({ name: 'released_by_id', type: 'text', nullable: true })
  releasedById!: string | null;
}

/**
 * A record an eraser had to keep (privacy.blocked_record): restricted, not erased (Art. 17(3)(b),
 * § 35(3) BDSG). Only the retention purpose reads it; the sweep erases it through its eraser once
 * `blockedUntil` has passed, then deletes this row.
 */
@Entity({ schema: 'privacy', name: 'blocked_record' })
export class BlockedRecordEntity {
  @PrimaryColumn({ name: 'record_type', type: 'text' })
  recordType!: string;

  @PrimaryColumn({ name: 'record_id', type: 'text' })
  recordId!: string;

  @Column({ name: 'subject_id', type: 'text', nullable: true })
  subjectId!: string | null;

  @Column({ name: 'activity_id', type: 'text' })
  activityId!: string;

  /** The PersonalDataEraser (by name) that blocked it and erases it when the period ends. */
  @Column({ type: 'text' })
  eraser!: string;

  @Column({ type: 'text' })
  statute!: string;

  @Column({ name: 'blocked_until', type: 'timestamptz' })
  blockedUntil!: Date;

  @Column({ name: 'record_date', type: 'timestamptz', nullable: true })
  recordDate!: Date | null;

  @Column({ name: 'blocked_at', type: 'timestamptz', insert: false, update: false })
  blockedAt!: Date;

  @Column({ type: 'text' })
  reason!: string;
}

/** Per retention policy (and for the blocked records): what one sweep did. */
export interface SweepPolicyResult {
  policyId: string;
  activityId: string;
  category?: string;
  recordType: string;
  action: 'erase' | 'anonymise';
  /** Records past their retention period. */
  due: number;
  erased: number;
  /** Kept because an active legal hold covers them; per hold id. */
  held: number;
  heldBy: Record<string, number>;
  /** Kept because a statute blocks them until a later date (privacy.blocked_record). */
  blocked: number;
  errors: string[];
}

export interface SweepBlockedResult {
  due: number;
  erased: number;
  held: number;
  heldBy: Record<string, number>;
  /** Per eraser: how many blocked records it erased. */
  byEraser: Record<string, number>;
  errors: string[];
}

export interface SweepDetails {
  policies: SweepPolicyResult[];
  blocked: SweepBlockedResult;
}

/**
 * One row per sweep (privacy.retention_sweep): counts only. It names policies, holds and erasers,
 * never a record or a subject: the report of an erasure must not keep what was erased.
 */
@Entity({ schema: 'privacy', name: 'retention_sweep' })
export class RetentionSweepEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** `schedule`: the pg-boss cron job; `job`: a job sent by hand; `manual`: runSweep() called directly. */
  @Column({ type: 'text' })
  trigger!: 'schedule' | 'job' | 'manual';

  /** The "now" the sweep judged due dates against. */
  @Column({ name: 'as_of', type: 'timestamptz' })
  asOf!: Date;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt!: Date;

  @Column({ type: 'integer' })
  erased!: number;

  @Column({ type: 'integer' })
  held!: number;

  @Column({ type: 'integer' })
  errors!: number;

  @Column({ type: 'jsonb' })
  details!: SweepDetails;
}
