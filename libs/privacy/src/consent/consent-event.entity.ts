import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One grant or withdrawal. Rows are only ever inserted: the consent state is derived from them. */
@Entity({ schema: 'privacy', name: 'consent_event' })
export class ConsentEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ type: 'text' })
  purpose!: string;

  @Column({ type: 'text' })
  action!: 'grant' | 'withdraw';

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  occurredAt!: Date;

  @Column({ name: 'wording_version', type: 'text' })
  wordingVersion!: string;

  @Column({ name: 'wording_hash', type: 'char', length: 64 })
  wordingHash!: string;

  @Column({ type: 'text' })
  channel!: string;

  /** How the consent was given: e.g. the request id, the form, the checkbox's label id; never a copy of personal data. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  evidence!: Record<string, unknown>;
}
