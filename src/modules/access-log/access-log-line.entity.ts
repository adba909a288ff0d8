import { PersonalData } from '@app/privacy';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The columns of one access-log line, shared by the log and by the lines a legal hold keeps. Written
 * by the AccessLogWriter with one multi-row INSERT per batch, not through a repository.
 */
abstract class AccessLogColumns {
  /** A bigint from a sequence, as text (the record id legal holds and erasure reports name). */
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @PersonalData('request.time')
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @PersonalData('network.ip-address')
  @Column({ type: 'inet', nullable: true })
  ip!: string | null;

  @PersonalData('request.url')
  @Column({ type: 'text' })
  method!: string;

  @PersonalData('request.url')
  @Column({ type: 'text' })
  url!: string;

  @PersonalData('request.url')
  @Column({ type: 'smallint' })
  status!: number;

  @PersonalData('request.referrer')
  @Column({ type: 'text', nullable: true })
  referrer!: string | null;

  @PersonalData('client.browser')
  @Column({ name: 'browser_name', type: 'text', nullable: true })
  browserName!: string | null;

  @PersonalData('client.browser')
  @Column({ name: 'browser_version', type: 'text', nullable: true })
  browserVersion!: string | null;

  @PersonalData('client.operating-system')
  @Column({ name: 'os_name', type: 'text', nullable: true })
  osName!: string | null;

  @PersonalData('client.operating-system')
  @Column({ name: 'os_version', type: 'text', nullable: true })
  osVersion!: string | null;

  @PersonalData('request.time')
  @Column({ name: 'duration_ms', type: 'real' })
  durationMs!: number;

  @PersonalData('request.time')
  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;
}

/** A line of the log: table `access_log`, partitioned by day (`access_log_YYYYMMDD`, UTC). */
@Entity({ name: 'access_log' })
export class AccessLogLine extends AccessLogColumns {}

/** A line moved aside because a legal hold covers it; deleted once no active hold does. */
@Entity({ name: 'access_log_held' })
export class HeldAccessLogLine extends AccessLogColumns {
  @Column({ name: 'hold_id', type: 'uuid' })
  holdId!: string;

  @Column({ name: 'held_at', type: 'timestamptz' })
  heldAt!: Date;
}
