import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ActorContext, type Actor } from '../context/actor-context.js';
import {
  AUDIT_TABLE,
  GENESIS_HASH,
  canonicalFields,
  hashRow,
  verifyAuditLog,
  type AuditRow,
  type AuditVerification,
} from './audit-chain.js';

/** One access to a person's data: who (the actor), about whom, for which activity, which fields. */
export interface AuditEntry {
  /** The person's id, never a personal value (no e-mail address, no name). */
  subjectId: string;
  activityId: string;
  /** What was done, e.g. `read`, `export`, `search`. */
  action: string;
  /** The names of the fields accessed, e.g. `contact.email`, never their values. */
  fields: string[];
  /** Defaults to the actor of the current request or job (`ActorContext.currentOrSystem()`). */
  actor?: Actor;
}

/** Where an appended entry landed in the chain. */
export interface AuditReceipt {
  seq: string;
  hash: string;
}

/**
 * Serialises the chain's tail across every writer of the database, every app instance included; any
 * constant works as long as every instance uses the same one (the migration lock uses 7_301_914_055).
 */
export const AUDIT_CHAIN_LOCK = '7301914056';

/** Rows per INSERT: bounds the statement (11 parameters a row) and the time the chain lock is held. */
const MAX_BATCH = 500;

/** After a conflict with another instance, how long batches take the lock before inserting. */
const CONTENDED_MS = 1000;

/** The last row of the chain as far as this process knows: where its next batch chains on. */
interface Tail {
  seq: bigint;
  hash: string;
}

const ACTOR_TYPES: ReadonlySet<string> = new Set(['staff', 'partner', 'subject', 'system']);
/** Names, not values: a value (an address, an e-mail) has spaces or an @ and is refused. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:[\]/-]{0,199}$/;
const SUBJECT_ID = /^[^\s@]{1,200}$/;

interface Pending {
  row: Omit<AuditRow, 'seq' | 'prevHash' | 'hash'>;
  resolve: (receipt: AuditReceipt) => void;
  reject: (error: unknown) => void;
}

/**
 * The access audit log: append-only (the database refuses UPDATE, DELETE and TRUNCATE) and hash-chained
 * (each row's hash covers the previous row's hash), so a row changed or deleted by hand is found by
 * `verify()`.
 *
 * Why this appender. A chain hashes its rows in seq order, each over the previous hash, so appends to one
 * chain are sequential by nature; what matters is how long each one holds the tail and how many round
 * trips it costs. So:
 * - Batching: concurrent `append()` calls of this process queue while one batch is being written; the
 *   next batch takes them all, chains them in memory and writes them with ONE multi-row INSERT. 32
 *   concurrent writers cost about one statement per batch, not 32 transactions in a row behind one lock.
 *   A writer alone gets a batch of one at once, no waiting for company.
 * - One round trip in the common case: the process remembers the tail it wrote last (seq and hash) and
 *   chains the next batch onto it in a single autocommit INSERT. The primary key on seq decides between
 *   writers: if another instance appended meanwhile, seq tail+1 exists, the INSERT fails whole (nothing
 *   is written) and the batch is retried the careful way: in a transaction that takes the chain lock,
 *   reads the tail inside it and inserts. After such a conflict the process takes the careful way first
 *   for a while (another instance is writing, so its remembered tail is probably stale).
 * - Correct with several instances: every INSERT takes the same transaction-level advisory lock in
 *   PostgreSQL (inside the statement, before its first row), so batches commit one after the other and a
 *   tail read under the lock includes every committed batch (a transaction's locks are released only
 *   after its commit is visible). The lock is held for one statement and its commit, never across a
 *   round trip to this process except on the careful way.
 * - Gap-free seq: seq is computed from the tail, not drawn from a sequence (which leaves gaps on
 *   rollback), so a gap can only mean a deleted row.
 * - Durable: each append resolves when its batch has committed (PostgreSQL's default synchronous_commit
 *   flushes the WAL first), so the access is on record before the caller shows the data.
 * Rejected alternatives, measured in bench/kernel-cost.ts: one transaction per append holding the lock
 * (about 1,000 appends/s whatever the concurrency); writers inserting unhashed rows into a staging table
 * that a background worker chains later (appends would return before their row is chained, and every
 * instance would have to agree on one worker, for no gain over batching).
 */
@Injectable()
export class AuditLog implements OnModuleDestroy {
  private pending: Pending[] = [];
  private draining?: Promise<void>;
  private closed = false;
  private tail?: Tail;
  private lockFirstUntil = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records one access; resolves once the row is committed, with its place in the chain. */
  append(entry: AuditEntry): Promise<AuditReceipt> {
    // Captured now, in the caller's async context and at the moment of the access, not when the batch runs.
    const actor = entry.actor ?? ActorContext.currentOrSystem();
    const occurredAt = new Date();
    try {
      validate(entry, actor);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (this.closed)
      return Promise.reject(new Error('the audit log is closed: the application is shutting down'));
    return new Promise<AuditReceipt>((resolve, reject) => {
      this.pending.push({
        row: {
          occurredAt,
          actor: {
            type: actor.type,
            id: actor.id,
            ...(actor.role === undefined ? {} : { role: actor.role }),
          },
          subjectId: entry.subjectId,
          activityId: entry.activityId,
          action: entry.action,
          fields: canonicalFields(entry.fields),
        },
        resolve,
        reject,
      });
      this.draining ??= this.drain();
    });
  }

  /** Walks the checkpoints and the chain after the last one, and reports the first broken link (see verifyAuditLog). */
  verify(): Promise<AuditVerification> {
    return verifyAuditLog((sql, params) => this.dataSource.query(sql, params));
  }

  /** Lets the batch in flight and the queued appends commit before the connection pool closes. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        const receipts = await this.write(batch.map((p) => p.row));
        batch.forEach((p, i) => p.resolve(receipts[i]));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.draining = undefined;
  }

  private async write(rows: Pending['row'][]): Promise<AuditReceipt[]> {
    if (this.tail && Date.now() >= this.lockFirstUntil) {
      try {
        return this.committed(await this.insert(this.dataSource.manager, rows, this.tail));
      } catch (error) {
        if (!isSeqTaken(error)) throw error;
        this.lockFirstUntil = Date.now() + CONTENDED_MS;
      }
    }
    const chained = await this.dataSource.transaction(async (em) => {
      await em.query(`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
      const [last] = await em.query<{ seq: string; hash: string }[]>(
        `select log.seq::text as seq, log.hash from ${AUDIT_TABLE} log order by log.seq desc limit 1`,
      );
      return this.insert(em, rows, last ? { seq: BigInt(last.seq), hash: last.hash } : GENESIS);
    });
    return this.committed(chained);
  }

  private committed(receipts: AuditReceipt[]): AuditReceipt[] {
    const last = receipts[receipts.length - 1];
    if (last) this.tail = { seq: BigInt(last.seq), hash: last.hash };
    return receipts;
  }

  /** Chains `rows` onto `tail` and inserts them in one statement that first takes the chain lock. */
  private async insert(em: EntityManager, rows: Pending['row'][], tail: Tail): Promise<AuditReceipt[]> {
    let seq = tail.seq;
    let prevHash = tail.hash;
    const params: unknown[] = [];
    const values: string[] = [];
    const receipts: AuditReceipt[] = [];
    for (const row of rows) {
      seq += 1n;
      const chained = { ...row, seq: seq.toString(), prevHash };
      const hash = hashRow(chained);
      const n = params.length;
      values.push(`(${COLUMN_TYPES.map((type, i) => `$${n + i + 1}::${type}`).join(', ')})`);
      params.push(
        chained.seq,
        row.occurredAt,
        row.actor.type,
        row.actor.id,
        row.actor.role ?? null,
        row.subjectId,
        row.activityId,
        row.action,
        row.fields,
        prevHash,
        hash,
      );
      receipts.push({ seq: chained.seq, hash });
      prevHash = hash;
    }
    // MATERIALIZED: the lock is taken once, before the first row is produced (and so inserted).
    await em.query(
      `with chain_lock as materialized (select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}))
       insert into ${AUDIT_TABLE}
         (seq, occurred_at, actor_type, actor_id, actor_role, subject_id, activity_id, action, fields, prev_hash, hash)
       select batch.* from chain_lock, (values ${values.join(', ')}) as batch`,
      params,
    );
    return receipts;
  }
}

const GENESIS: Tail = { seq: 0n, hash: GENESIS_HASH };

/** The types of the INSERT's columns, in its order: the VALUES list of an INSERT ... SELECT needs them spelt out. */
const COLUMN_TYPES = [
  'bigint',
  'timestamptz',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text[]',
  'text',
  'text',
];

/** Another writer took the seq this batch chained onto: its tail was stale, nothing was written. */
function isSeqTaken(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const driverError = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return driverError?.code === '23505' && driverError.constraint === 'access_audit_log_pkey';
}

function validate(entry: AuditEntry, actor: Actor): void {
  const problems: string[] = [];
  if (typeof entry.subjectId !== 'string' || !SUBJECT_ID.test(entry.subjectId))
    problems.push('subjectId must be an id (1-200 characters, no spaces, no @), not a personal value');
  if (typeof entry.activityId !== 'string' || !NAME.test(entry.activityId))
    problems.push('activityId must be an activity id');
  if (typeof entry.action !== 'string' || !NAME.test(entry.action)) problems.push('action must be a name');
  if (!Array.isArray(entry.fields) || !entry.fields.every((f) => typeof f === 'string' && NAME.test(f)))
    problems.push('fields must be field names (no spaces, no @), never values');
  if (!ACTOR_TYPES.has(actor.type) || typeof actor.id !== 'string' || actor.id.length === 0)
    problems.push('actor must have a type (staff, partner, subject, system) and an id');
  if (problems.length > 0) throw new Error(`invalid audit entry: ${problems.join('; ')}`);
}
