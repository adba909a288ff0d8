import { createHash } from 'node:crypto';
import type { Actor } from '../context/actor-context.js';

/** The table of the access audit log (migration 1795560100000-privacy-audit). */
export const AUDIT_TABLE = 'privacy.access_audit_log';

/** The `prev_hash` of the first row: there is no row before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** One row of the access audit log as the chain sees it. */
export interface AuditRow {
  /** bigint, as a decimal string (PostgreSQL's bigint does not fit a JavaScript number). */
  seq: string;
  occurredAt: Date;
  actor: Actor;
  subjectId: string;
  activityId: string;
  action: string;
  /** Sorted by code unit, no duplicates: stored as hashed. */
  fields: string[];
  prevHash: string;
  hash: string;
}

/** Sorted by code unit (not by locale, which could differ between the writer and the verifier), deduplicated. */
export function canonicalFields(fields: readonly string[]): string[] {
  return [...new Set(fields)].sort();
}

/**
 * The bytes a row's hash covers: a JSON array with every field at a fixed position. JSON's escaping
 * makes the encoding unambiguous (no value can imitate a separator), and JSON.stringify of an array
 * of strings and nulls is deterministic. `fields` is hashed in its stored order (the appender stores
 * them canonical), so even reordering them is a change the verification finds.
 */
export function canonicalRow(row: Omit<AuditRow, 'hash'>): string {
  return JSON.stringify([
    row.seq,
    row.occurredAt.toISOString(),
    row.actor.type,
    row.actor.id,
    row.actor.role ?? null,
    row.subjectId,
    row.activityId,
    row.action,
    row.fields,
    row.prevHash,
  ]);
}

export function hashRow(row: Omit<AuditRow, 'hash'>): string {
  return createHash('sha256').update(canonicalRow(row)).digest('hex');
}

/**
 * Runs one SQL statement and returns its rows: a TypeORM DataSource or EntityManager
 * (`(sql, params) => ds.query(sql, params)`) or a pg client (`(sql, params) => c.query(sql, params).then(r => r.rows)`).
 */
export type AuditQuery = (sql: string, params: unknown[]) => Promise<unknown[]>;

export interface AuditVerification {
  valid: boolean;
  /** Rows read until the verdict: all of them when the chain is valid. */
  rows: number;
  /** The first broken link: which seq and what is wrong with it. */
  firstBroken?: { seq: string; problem: string };
  /**
   * The last row of a valid chain. Deleting rows at the end of the log leaves no gap to find; compare
   * the head with one recorded earlier (or published elsewhere) to notice that.
   */
  head?: { seq: string; hash: string };
}

/** A row as the verification query selects it. */
interface StoredRow {
  seq: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string;
  actor_role: string | null;
  subject_id: string;
  activity_id: string;
  action: string;
  /** JSON: parsed by a driver that knows the json type, text otherwise. */
  fields: unknown;
  prev_hash: string;
  hash: string;
}

// occurred_at as ISO 8601 text in UTC, exactly as Date.toISOString() writes it, so the verification does
// not depend on how a driver parses timestamps; fields as JSON so no driver's array parsing is involved.
// ORDER BY names the table's column: the bare name would sort by the text alias ('10' before '9').
const SELECT_PAGE = `
  select log.seq::text as seq,
         to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at,
         actor_type, actor_id, actor_role, subject_id, activity_id, action,
         to_json(fields) as fields, prev_hash, hash
    from ${AUDIT_TABLE} log
   where log.seq > $1::bigint
   order by log.seq
   limit $2`;

function toAuditRow(r: StoredRow): AuditRow {
  const fields: unknown = typeof r.fields === 'string' ? JSON.parse(r.fields) : r.fields;
  return {
    seq: r.seq,
    occurredAt: new Date(r.occurred_at),
    actor: {
      // Hashed as stored whatever it is: the table's check constraint keeps it one of Actor['type'].
      type: r.actor_type as Actor['type'],
      id: r.actor_id,
      ...(r.actor_role === null ? {} : { role: r.actor_role }),
    },
    subjectId: r.subject_id,
    activityId: r.activity_id,
    action: r.action,
    fields: Array.isArray(fields) ? fields.map(String) : [],
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Walks the whole chain in seq order, a page at a time (keyset pagination: memory stays flat however
 * long the log is), and reports the first broken link:
 * - a gap in seq: rows were deleted (the appender assigns seq without gaps, starting at 1);
 * - a stored hash that differs from the one recomputed over the row: the row was changed;
 * - a prev_hash that differs from the previous row's hash: the previous row was changed and its hash
 *   recomputed, or the rows were reordered.
 * Appends may continue meanwhile: they only add rows after the last one, in seq order, each batch
 * committed whole, so every page sees a prefix of the log.
 */
export async function verifyAuditChain(
  query: AuditQuery,
  options: {
    pageSize?: number;
    /** Start after this row (a sealed checkpoint: the rows up to it were pruned). */
    from?: { seq: string; hash: string };
    /** Stop after this row (sealing a checkpoint verifies the part it covers). */
    through?: string;
  } = {},
): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 2000;
  const through = options.through === undefined ? undefined : BigInt(options.through);
  let expectedSeq = options.from ? BigInt(options.from.seq) + 1n : 1n;
  let prevHash = options.from?.hash ?? GENESIS_HASH;
  let rows = 0;
  let after = options.from?.seq ?? '0';
  for (;;) {
    const page = (await query(SELECT_PAGE, [after, pageSize])) as StoredRow[];
    let reachedEnd = false;
    for (const stored of page) {
      const row = toAuditRow(stored);
      const seq = BigInt(row.seq);
      if (through !== undefined && seq > through) {
        reachedEnd = true;
        break;
      }
      rows += 1;
      if (seq !== expectedSeq) {
        const missing = seq - expectedSeq === 1n ? `${expectedSeq}` : `${expectedSeq} to ${seq - 1n}`;
        return {
          valid: false,
          rows,
          firstBroken: {
            seq: expectedSeq.toString(),
            problem:
              expectedSeq === 1n
                ? `the log starts at seq ${seq}: row(s) ${missing} are missing (deleted)`
                : `seq ${expectedSeq - 1n} is followed by seq ${seq}: row(s) ${missing} are missing (deleted)`,
          },
        };
      }
      if (hashRow(row) !== row.hash) {
        return {
          valid: false,
          rows,
          firstBroken: {
            seq: row.seq,
            problem: 'the stored hash does not match the row’s content: the row was changed',
          },
        };
      }
      if (row.prevHash !== prevHash) {
        return {
          valid: false,
          rows,
          firstBroken: {
            seq: row.seq,
            problem:
              seq === 1n
                ? 'prev_hash of the first row is not the genesis hash'
                : `prev_hash does not match the hash of seq ${seq - 1n}: that row was changed and its hash recomputed`,
          },
        };
      }
      prevHash = row.hash;
      expectedSeq = seq + 1n;
      after = row.seq;
    }
    if (reachedEnd || page.length < pageSize) break;
  }
  return {
    valid: true,
    rows,
    ...(rows > 0 || options.from ? { head: { seq: (expectedSeq - 1n).toString(), hash: prevHash } } : {}),
  };
}

/** The table of sealed checkpoints (migration 1795571100000-evidence-retention). */
export const CHECKPOINT_TABLE = 'privacy.audit_checkpoint';

/**
 * A sealed checkpoint: the audit log's rows up to `throughSeq` were verified, then pruned; the chain
 * goes on from `throughHash`. Checkpoints are chained among themselves like the rows.
 */
export interface AuditCheckpoint {
  sealedAt: Date;
  throughSeq: string;
  throughHash: string;
  prevHash: string;
  hash: string;
}

export function hashCheckpoint(c: Omit<AuditCheckpoint, 'hash'>): string {
  return createHash('sha256')
    .update(JSON.stringify(['checkpoint', c.sealedAt.toISOString(), c.throughSeq, c.throughHash, c.prevHash]))
    .digest('hex');
}

const SELECT_CHECKPOINTS = `
  select to_char(sealed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as sealed_at,
         through_seq::text as through_seq, through_hash, prev_hash, hash
    from ${CHECKPOINT_TABLE} order by id`;

/** The checkpoints in order, each checked against its predecessor; the last one valid, or the problem. */
export async function verifyCheckpoints(
  query: AuditQuery,
): Promise<{ valid: true; last?: AuditCheckpoint } | { valid: false; problem: string }> {
  const rows = (await query(SELECT_CHECKPOINTS, [])) as {
    sealed_at: string;
    through_seq: string;
    through_hash: string;
    prev_hash: string;
    hash: string;
  }[];
  let prevHash = GENESIS_HASH;
  let prevSeq = 0n;
  let last: AuditCheckpoint | undefined;
  for (const [i, r] of rows.entries()) {
    const c: AuditCheckpoint = {
      sealedAt: new Date(r.sealed_at),
      throughSeq: r.through_seq,
      throughHash: r.through_hash,
      prevHash: r.prev_hash,
      hash: r.hash,
    };
    if (c.prevHash !== prevHash || hashCheckpoint(c) !== c.hash || BigInt(c.throughSeq) <= prevSeq) {
      return { valid: false, problem: `checkpoint ${i + 1} was changed, reordered or inserted by hand` };
    }
    prevHash = c.hash;
    prevSeq = BigInt(c.throughSeq);
    last = c;
  }
  return { valid: true, ...(last ? { last } : {}) };
}

/**
 * The whole audit log as it stands: the checkpoints, then the chain from the last one on (the rows
 * before it were pruned after their retention period, verified when the checkpoint was sealed).
 */
export async function verifyAuditLog(
  query: AuditQuery,
  options: { pageSize?: number } = {},
): Promise<AuditVerification & { checkpoint?: { seq: string; sealedAt: Date } }> {
  const checkpoints = await verifyCheckpoints(query);
  if (!checkpoints.valid) {
    return { valid: false, rows: 0, firstBroken: { seq: '0', problem: checkpoints.problem } };
  }
  const last = checkpoints.last;
  const result = await verifyAuditChain(query, {
    ...options,
    ...(last ? { from: { seq: last.throughSeq, hash: last.throughHash } } : {}),
  });
  return last ? { ...result, checkpoint: { seq: last.throughSeq, sealedAt: last.sealedAt } } : result;
}
