import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { RETENTION_PURPOSE } from '../declarations.js';
import { ProcessingRefused } from '../errors.js';
import { BlockedRecordEntity } from './retention.entities.js';

/**
 * A record type is embedded in SQL as a literal (see notBlockedClause), so it is restricted to a
 * harmless alphabet: module-chosen names such as `order`, `shop.invoice`, `access_log-entry`.
 */
const RECORD_TYPE = /^[a-z][a-z0-9_.:-]{0,99}$/;

export function assertRecordType(recordType: string): void {
  if (!RECORD_TYPE.test(recordType)) {
    throw new Error(`record type "${recordType}" must match ${RECORD_TYPE.source}`);
  }
}

/**
 * The SQL condition a module puts in its own queries so that blocked records drop out of every
 * purpose but the retention one:
 *
 *   `select … from shop_order o where o.customer_id = $1 and ${notBlockedClause('order', 'o.id')}`
 *
 * `idColumnSql` is SQL written by the module's author (a column reference), never request input.
 * The block table's primary key (record_type, record_id) makes the lookup an index probe.
 */
export function notBlockedClause(recordType: string, idColumnSql: string): string {
  assertRecordType(recordType);
  return (
    `not exists (select 1 from privacy.blocked_record b ` +
    `where b.record_type = '${recordType}' and b.record_id = (${idColumnSql})::text)`
  );
}

/** What the kernel knows about a blocked record. */
export interface BlockedRecord {
  recordType: string;
  recordId: string;
  subjectId: string | null;
  activityId: string;
  eraser: string;
  statute: string;
  blockedUntil: Date;
  recordDate: Date | null;
  blockedAt: Date;
  reason: string;
}

/** What to record when an eraser must keep a record. */
export interface BlockInput {
  recordType: string;
  recordId: string;
  subjectId?: string | null;
  activityId: string;
  eraser: string;
  statute: string;
  blockedUntil: Date;
  recordDate?: Date | null;
  reason: string;
}

const toBlocked = (e: BlockedRecordEntity): BlockedRecord => ({ ...e });

/**
 * Blocked records (Art. 17(3)(b), Art. 18, § 35(3) BDSG): kept for a statute, readable only for
 * RETENTION_PURPOSE. Modules keep them out of their queries with `notBlockedClause`; reads through
 * the kernel go through `assertReadable` / `filterReadable`.
 */
@Injectable()
export class BlockedRecords {
  constructor(private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /**
   * Blocks (or re-blocks) a record. Blocking the same record again keeps the later date: a second
   * erasure request must never shorten a statutory period that is already running.
   */
  async block(input: BlockInput, manager?: EntityManager): Promise<void> {
    assertRecordType(input.recordType);
    if (Number.isNaN(input.blockedUntil.getTime()))
      throw new Error('block: blockedUntil is not a valid date');
    await this.manager(manager).query(
      `insert into privacy.blocked_record
         (record_type, record_id, subject_id, activity_id, eraser, statute, blocked_until, record_date, reason)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (record_type, record_id) do update set
         subject_id = coalesce(excluded.subject_id, blocked_record.subject_id),
         activity_id = excluded.activity_id,
         eraser = excluded.eraser,
         statute = case when excluded.blocked_until >= blocked_record.blocked_until
                        then excluded.statute else blocked_record.statute end,
         reason = case when excluded.blocked_until >= blocked_record.blocked_until
                       then excluded.reason else blocked_record.reason end,
         blocked_until = greatest(excluded.blocked_until, blocked_record.blocked_until),
         record_date = coalesce(excluded.record_date, blocked_record.record_date)`,
      [
        input.recordType,
        input.recordId,
        input.subjectId ?? null,
        input.activityId,
        input.eraser,
        input.statute,
        input.blockedUntil,
        input.recordDate ?? null,
        input.reason,
      ],
    );
  }

  async isBlocked(recordType: string, recordId: string, manager?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await this.manager(manager).query(
      'select 1 from privacy.blocked_record where record_type = $1 and record_id = $2',
      [recordType, recordId],
    );
    return rows.length > 0;
  }

  async get(recordType: string, recordId: string, manager?: EntityManager): Promise<BlockedRecord | null> {
    const row = await this.manager(manager)
      .getRepository(BlockedRecordEntity)
      .findOneBy({ recordType, recordId });
    return row ? toBlocked(row) : null;
  }

  /** Every block on the subject's records (for the Art. 15 answer: what is kept, why, until when). */
  /** The blocked records of several subject ids (one person), in one query. */
  async forSubjects(subjectIds: readonly string[], manager?: EntityManager): Promise<BlockedRecord[]> {
    const rows = await this.manager(manager)
      .getRepository(BlockedRecordEntity)
      .find({ where: { subjectId: In([...subjectIds]) }, order: { recordType: 'ASC', recordId: 'ASC' } });
    return rows.map(toBlocked);
  }

  async forSubject(subjectId: string, manager?: EntityManager): Promise<BlockedRecord[]> {
    const rows = await this.manager(manager)
      .getRepository(BlockedRecordEntity)
      .find({ where: { subjectId }, order: { recordType: 'ASC', recordId: 'ASC' } });
    return rows.map(toBlocked);
  }

  /**
   * Refuses the read of a blocked record for any purpose but RETENTION_PURPOSE, with
   * ProcessingRefused(activity, 'blocked'). `activityId` names the processing in the refusal.
   */
  async assertReadable(
    recordType: string,
    recordId: string,
    purpose: string,
    activityId = purpose,
    manager?: EntityManager,
  ): Promise<void> {
    if (purpose === RETENTION_PURPOSE) return;
    const block = await this.get(recordType, recordId, manager);
    if (block) {
      throw new ProcessingRefused(
        activityId,
        'blocked',
        `This ${recordType} record is blocked under ${block.statute} and may be read only for ${RETENTION_PURPOSE}.`,
      );
    }
  }

  /** The ids among `recordIds` that `purpose` may read: all for RETENTION_PURPOSE, else the unblocked. */
  async filterReadable(
    recordType: string,
    recordIds: readonly string[],
    purpose: string,
    manager?: EntityManager,
  ): Promise<string[]> {
    if (purpose === RETENTION_PURPOSE || recordIds.length === 0) return [...recordIds];
    const rows: { record_id: string }[] = await this.manager(manager).query(
      'select record_id from privacy.blocked_record where record_type = $1 and record_id = any($2::text[])',
      [recordType, [...recordIds]],
    );
    const blocked = new Set(rows.map((r) => r.record_id));
    return recordIds.filter((id) => !blocked.has(id));
  }

  /** The blocks among a batch of records of one type (one query): record id → blocked until. */
  async blocksAmong(
    recordType: string,
    recordIds: readonly string[],
    manager: EntityManager,
  ): Promise<Map<string, Date>> {
    if (recordIds.length === 0) return new Map();
    const rows: { record_id: string; blocked_until: Date }[] = await manager.query(
      'select record_id, blocked_until from privacy.blocked_record where record_type = $1 and record_id = any($2::text[])',
      [recordType, [...recordIds]],
    );
    return new Map(rows.map((r) => [r.record_id, r.blocked_until]));
  }
}
