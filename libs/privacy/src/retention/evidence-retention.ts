import type { EntityManager } from 'typeorm';
import {
  AUDIT_TABLE,
  CHECKPOINT_TABLE,
  GENESIS_HASH,
  hashCheckpoint,
  verifyAuditChain,
  verifyCheckpoints,
} from '../audit/audit-chain.js';
import type { CustomRetentionPolicy, DueRecord } from './retention-policy.js';

const DAY_MS = 86_400_000;

/** Rows one sweep step looks at per table: the sweep runs daily, a backlog goes over a few days. */
const BATCH = 5000;

/**
 * Audit rows one sweep prunes at most: a busy shop appends far more than 5,000 a day. Verifying them
 * before sealing takes about half a second (bench/README.md: about 100,000 rows/s).
 */
const AUDIT_BATCH = 50_000;

/** How long each kind of evidence is kept, in days (after the event named in EVIDENCE_RECORD_TYPES). */
export interface EvidencePeriods {
  /** After the withdrawal that ended a consent (a consent still in force is kept). */
  consentDays: number;
  /** After the disclosure. */
  disclosureDays: number;
  /** After the access. */
  auditDays: number;
  /** After the restriction was lifted (one in force is kept). */
  restrictionDays: number;
  /** After the objection was withdrawn (one in force is kept). */
  objectionDays: number;
}

/** The record types the evidence policies name (legal holds can name them). */
export const EVIDENCE_RECORD_TYPES = {
  consent: 'consent_event',
  disclosure: 'disclosure_log_entry',
  audit: 'access_audit_row',
  restriction: 'restriction',
  objection: 'objection',
} as const;

interface Row {
  record_id: string;
  subject_id: string;
  occurred_at: Date;
}

const due = (rows: Row[]): DueRecord[] =>
  rows.map((r) => ({ recordId: r.record_id, subjectId: r.subject_id, occurredAt: r.occurred_at }));

/** Lifts the append-only rule of the evidence tables for the caller's transaction only. */
async function pruning(manager: EntityManager): Promise<void> {
  await manager.query(`select set_config('privacy.pruning_evidence', 'on', true)`);
}

/**
 * A record that ends (a restriction lifted, an objection withdrawn) and is evidence for `days` after:
 * found by its end time, deleted only when it has ended. `table` and `endedAt` are constants of this file.
 */
function endedRecordPolicy(spec: {
  id: string;
  activityId: string;
  category: string;
  recordType: string;
  table: 'privacy.restriction' | 'privacy.objection';
  endedAt: 'lifted_at' | 'withdrawn_at';
  days: number;
}): CustomRetentionPolicy {
  const { table, endedAt } = spec;
  return {
    id: spec.id,
    activityId: spec.activityId,
    category: spec.category,
    recordType: spec.recordType,
    async findExpired(now, manager) {
      const rows: Row[] = await manager.query(
        `select id::text as record_id, subject_id, ${endedAt} as occurred_at from ${table}
          where ${endedAt} < $1 order by ${endedAt} limit $2`,
        [new Date(now.getTime() - spec.days * DAY_MS), BATCH],
      );
      return due(rows);
    },
    async erase(ids, manager) {
      await manager.query(`delete from ${table} where id = any($1::uuid[]) and ${endedAt} is not null`, [
        ids,
      ]);
    },
  };
}

/**
 * The retention policies of the kernel's evidence: the consent ledger, the disclosure log, the
 * access audit log, restrictions and objections. The module that declares the evidence activity
 * registers them (`RetentionPolicies.register`), so each runs in the retention sweep with legal holds.
 *
 * The audit log is pruned only as a prefix of its chain, and only after sealing a checkpoint: the
 * chain from the previous checkpoint to the last row to go is verified first (a broken chain is not
 * sealed over: the step fails and reports it), then the checkpoint records that row's seq and hash,
 * then the rows up to it are deleted (the database lets only this transaction delete, and only up to
 * the checkpoint). The newest row is always kept, so the appender chains on as before. A row a legal
 * hold covers keeps every row after it too (the chain cannot have holes).
 */
export function evidenceRetentionPolicies(
  activityId: string,
  periods: EvidencePeriods,
): CustomRetentionPolicy[] {
  const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);
  return [
    {
      id: 'privacy-evidence.consent-ledger',
      activityId,
      category: 'evidence.consents',
      recordType: EVIDENCE_RECORD_TYPES.consent,
      async findExpired(now, manager) {
        // Every event of a (subject, purpose) whose latest event is a withdrawal older than the period.
        const rows: Row[] = await manager.query(
          `with latest as (
             select distinct on (subject_id, purpose) subject_id, purpose, action, occurred_at
               from privacy.consent_event order by subject_id, purpose, id desc)
           select e.id::text as record_id, e.subject_id, e.occurred_at
             from privacy.consent_event e
             join latest l on l.subject_id = e.subject_id and l.purpose = e.purpose
            where l.action = 'withdraw' and l.occurred_at < $1
            order by e.id limit $2`,
          [cutoff(now, periods.consentDays), BATCH],
        );
        return due(rows);
      },
      async erase(ids, manager) {
        await pruning(manager);
        await manager.query(`delete from privacy.consent_event where id = any($1::bigint[])`, [ids]);
      },
    },
    {
      id: 'privacy-evidence.disclosure-log',
      activityId,
      category: 'evidence.disclosures',
      recordType: EVIDENCE_RECORD_TYPES.disclosure,
      async findExpired(now, manager) {
        const rows: Row[] = await manager.query(
          `select id::text as record_id, subject_id, occurred_at from privacy.disclosure_log
            where occurred_at < $1 order by id limit $2`,
          [cutoff(now, periods.disclosureDays), BATCH],
        );
        return due(rows);
      },
      async erase(ids, manager) {
        await pruning(manager);
        await manager.query(`delete from privacy.disclosure_log where id = any($1::bigint[])`, [ids]);
      },
    },
    endedRecordPolicy({
      id: 'privacy-evidence.restrictions',
      activityId,
      category: 'evidence.restrictions',
      recordType: EVIDENCE_RECORD_TYPES.restriction,
      table: 'privacy.restriction',
      endedAt: 'lifted_at',
      days: periods.restrictionDays,
    }),
    endedRecordPolicy({
      id: 'privacy-evidence.objections',
      activityId,
      category: 'evidence.objections',
      recordType: EVIDENCE_RECORD_TYPES.objection,
      table: 'privacy.objection',
      endedAt: 'withdrawn_at',
      days: periods.objectionDays,
    }),
    {
      id: 'privacy-evidence.access-audit-log',
      activityId,
      category: 'evidence.access-audit',
      recordType: EVIDENCE_RECORD_TYPES.audit,
      async findExpired(now, manager) {
        const rows: Row[] = await manager.query(
          `select log.seq::text as record_id, log.subject_id, log.occurred_at from ${AUDIT_TABLE} log
            where log.occurred_at < $1 and log.seq < (select max(seq) from ${AUDIT_TABLE})
            order by log.seq limit $2`,
          [cutoff(now, periods.auditDays), AUDIT_BATCH],
        );
        return due(rows);
      },
      async erase(ids, manager) {
        await pruneAuditPrefix(
          ids.map((id) => BigInt(id)),
          manager,
        );
      },
    },
  ];
}

/** Seals a checkpoint through the longest run of `seqs` that starts at the chain's first row, then prunes it. */
async function pruneAuditPrefix(seqs: bigint[], manager: EntityManager): Promise<void> {
  // No chain lock: appenders only add after the newest row, which is never pruned, and the rows up to
  // the checkpoint cannot change (the table refuses it); sweeps run one at a time (the sweep's lock).
  const [first] = await manager.query<{ seq: string | null }[]>(
    `select min(seq)::text as seq from ${AUDIT_TABLE}`,
  );
  if (first?.seq === null || first === undefined) return;
  const sorted = [...new Set(seqs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let through: bigint | undefined;
  let expected = BigInt(first.seq);
  for (const seq of sorted) {
    if (seq !== expected) break;
    through = seq;
    expected += 1n;
  }
  if (through === undefined) return;
  const query = (sql: string, params: unknown[]) => manager.query<unknown[]>(sql, params);
  const checkpoints = await verifyCheckpoints(query);
  if (!checkpoints.valid) throw new Error(`audit checkpoints broken: ${checkpoints.problem}; nothing pruned`);
  const last = checkpoints.last;
  const verdict = await verifyAuditChain(query, {
    ...(last ? { from: { seq: last.throughSeq, hash: last.throughHash } } : {}),
    through: through.toString(),
  });
  if (!verdict.valid || verdict.head?.seq !== through.toString()) {
    throw new Error(
      `audit log broken at seq ${verdict.firstBroken?.seq ?? '?'}: ${verdict.firstBroken?.problem ?? 'rows missing'}; nothing pruned`,
    );
  }
  const checkpoint = {
    sealedAt: new Date(),
    throughSeq: through.toString(),
    throughHash: verdict.head.hash,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await manager.query(
    `insert into ${CHECKPOINT_TABLE} (sealed_at, through_seq, through_hash, prev_hash, hash, rows_pruned)
     values ($1, $2, $3, $4, $5, $6)`,
    [
      checkpoint.sealedAt,
      checkpoint.throughSeq,
      checkpoint.throughHash,
      checkpoint.prevHash,
      hashCheckpoint(checkpoint),
      verdict.rows,
    ],
  );
  await pruning(manager);
  await manager.query(`delete from ${AUDIT_TABLE} where seq <= $1::bigint`, [checkpoint.throughSeq]);
}
