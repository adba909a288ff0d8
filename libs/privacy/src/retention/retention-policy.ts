import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { assertRecordType } from './blocked-records.js';

/** A record past its retention period, as a policy finds it. */
export interface DueRecord {
  recordId: string;
  /** The subject the record is linked to, if any (legal holds on a subject match on it). */
  subjectId?: string | null;
  /** When the record came about (legal holds with a time range match on it). */
  occurredAt: Date;
}

interface PolicyBase {
  /** Unique, stable, named in sweep reports: e.g. `access-log.entries`. */
  id: string;
  /** The processing activity (registry id) whose retention this enforces. */
  activityId: string;
  /** The data category (DataCategory.id) the policy is about, when narrower than the activity. */
  category?: string;
  /** The record type legal holds and blocks name, e.g. `access_log_entry`. */
  recordType: string;
}

/**
 * A policy in code: the module finds what is due and erases (or anonymises) it. Both run inside the
 * sweep's transaction, through `manager`. `findExpired` is called once per sweep: keep it bounded.
 */
export interface CustomRetentionPolicy extends PolicyBase {
  action?: 'erase' | 'anonymise';
  findExpired(now: Date, manager: EntityManager): Promise<DueRecord[]>;
  erase(recordIds: string[], manager: EntityManager): Promise<void>;
}

/**
 * A policy as data: rows of `table` whose `timestampColumn` is more than `afterDays` days old are
 * deleted, or, with `anonymise`, those columns are set to null (the row stays, the person is gone).
 * The kernel writes the SQL, reads in batches of RETENTION_OPTIONS.sweepBatchSize (keyset on the id
 * column) and re-checks the age in the delete itself.
 */
export interface TableRetentionPolicy extends PolicyBase {
  /** `table` or `schema.table`. */
  table: string;
  idColumn: string;
  subjectColumn?: string;
  timestampColumn: string;
  afterDays: number;
  /** Columns set to null instead of deleting the row (they must be nullable). */
  anonymise?: string[];
}

export type RetentionPolicy = CustomRetentionPolicy | TableRetentionPolicy;

export const isTablePolicy = (p: RetentionPolicy): p is TableRetentionPolicy => 'table' in p;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quotes a lower-case SQL identifier (`schema.table` allowed), refusing anything else. */
export function quoteIdentifier(name: string, allowQualified = false): string {
  const parts = allowQualified ? name.split('.') : [name];
  if (parts.length > 2 || parts.some((p) => !IDENTIFIER.test(p))) {
    throw new Error(`"${name}" is not a plain lower-case SQL identifier`);
  }
  return parts.map((p) => `"${p}"`).join('.');
}

function validate(policy: RetentionPolicy): void {
  if (!policy.id) throw new Error('a retention policy needs an id');
  if (!policy.activityId) throw new Error(`retention policy "${policy.id}" needs an activityId`);
  assertRecordType(policy.recordType);
  if (isTablePolicy(policy)) {
    quoteIdentifier(policy.table, true);
    quoteIdentifier(policy.idColumn);
    quoteIdentifier(policy.timestampColumn);
    if (policy.subjectColumn) quoteIdentifier(policy.subjectColumn);
    for (const c of policy.anonymise ?? []) quoteIdentifier(c);
    if (policy.anonymise && policy.anonymise.length === 0) {
      throw new Error(`retention policy "${policy.id}": anonymise lists no column`);
    }
    if (!(Number.isFinite(policy.afterDays) && policy.afterDays >= 0)) {
      throw new Error(`retention policy "${policy.id}": afterDays must be a number of days, 0 or more`);
    }
  } else if (typeof policy.findExpired !== 'function' || typeof policy.erase !== 'function') {
    throw new Error(`retention policy "${policy.id}" needs findExpired and erase, or a table description`);
  }
}

/**
 * The retention policies of every module. A module registers its own in `onModuleInit`:
 *
 *   constructor(private readonly retention: RetentionPolicies) {}
 *   onModuleInit() { this.retention.register({ id: 'access-log.entries', activityId: 'access-log', … }); }
 *
 * Same reasoning as RightsRegistry: each module brings its policies, the kernel imports no module.
 */
@Injectable()
export class RetentionPolicies {
  private readonly byId = new Map<string, RetentionPolicy>();

  register(policy: RetentionPolicy): void {
    validate(policy);
    if (this.byId.has(policy.id)) throw new Error(`retention policy "${policy.id}" is registered twice`);
    this.byId.set(policy.id, policy);
  }

  /** In registration order. */
  all(): RetentionPolicy[] {
    return [...this.byId.values()];
  }
}
