import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { ActorContext } from '../context/actor-context.js';
import { JobQueue } from '../jobs/job-queue.js';
import { PRIVACY_OPTIONS, type PrivacyKernelOptions } from '../privacy.options.js';
import { RightsRegistry } from '../rights/rights.registry.js';
import type { BlockedRecord } from './blocked-records.js';
import { BlockedRecords } from './blocked-records.js';
import { holdFor, type ActiveHold } from './hold-scope.js';
import { LegalHolds } from './legal-holds.service.js';
import {
  BlockedRecordEntity,
  RetentionSweepEntity,
  type SweepBlockedResult,
  type SweepDetails,
  type SweepPolicyResult,
} from './retention.entities.js';
import { RETENTION_OPTIONS, type RetentionOptions } from './retention.options.js';
import {
  isTablePolicy,
  quoteIdentifier,
  RetentionPolicies,
  type CustomRetentionPolicy,
  type DueRecord,
  type RetentionPolicy,
  type TableRetentionPolicy,
} from './retention-policy.js';

/** The pg-boss queue of the sweep. */
export const RETENTION_SWEEP_JOB = 'privacy.retention-sweep';

/** Any constant: one sweep at a time across every instance (session advisory lock). */
const SWEEP_LOCK = 7_301_914_201;

const DAY_MS = 86_400_000;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 500);

type Trigger = RetentionSweepEntity['trigger'];

/** What one sweep did, as stored in privacy.retention_sweep. */
export interface SweepReport {
  id: string;
  trigger: Trigger;
  asOf: Date;
  startedAt: Date;
  finishedAt: Date;
  erased: number;
  held: number;
  errors: number;
  details: SweepDetails;
}

/** A batch of due records, sorted: what may go, what a hold keeps, what a statute keeps. */
interface Triage {
  erasable: string[];
  held: number;
  heldBy: Record<string, number>;
  blocked: number;
}

/**
 * The retention sweep: erases (or anonymises) what every registered policy finds past its period,
 * and the blocked records whose statutory date has passed, skipping whatever an active legal hold
 * covers; then writes one report row. It runs as the pg-boss job RETENTION_SWEEP_JOB on the cron
 * of PRIVACY_OPTIONS.retentionSweepCron; `runSweep()` runs it directly.
 *
 * Each step (one batch of one policy, the blocked records of one eraser) is its own transaction
 * that first locks the legal-hold table (LegalHolds.lockForErasure): a step never erases a record a
 * hold committed before it covers, and a failing step loses only itself, reported as an error.
 */
@Injectable()
export class RetentionSweep implements OnModuleInit {
  private readonly logger = new Logger(RetentionSweep.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: RetentionPolicies,
    private readonly holds: LegalHolds,
    private readonly blocked: BlockedRecords,
    private readonly rights: RightsRegistry,
    private readonly jobs: JobQueue,
    @InjectRepository(RetentionSweepEntity) private readonly reports: Repository<RetentionSweepEntity>,
    @Inject(RETENTION_OPTIONS) private readonly options: RetentionOptions,
    @Inject(PRIVACY_OPTIONS) private readonly kernelOptions: PrivacyKernelOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    // One sweep at a time is enough: a `stately` queue holds at most one waiting and one running.
    this.jobs.declareQueue(RETENTION_SWEEP_JOB, { policy: 'stately', retryLimit: 3, expireInSeconds: 3600 });
    await this.jobs.work<{ trigger?: Trigger }>(RETENTION_SWEEP_JOB, async (data) => {
      const trigger: Trigger = data?.trigger === 'schedule' ? 'schedule' : 'job';
      const report = await this.runSweep(new Date(), trigger);
      if (report.errors > 0)
        this.logger.warn(`retention sweep ${report.id} finished with ${report.errors} errors`);
    });
    const cron = this.kernelOptions.retentionSweepCron;
    // In the shop's time zone (RETENTION_OPTIONS.timeZone), not pg-boss's UTC default; a sweep
    // missed while no instance ran is made up once, not once per missed tick.
    if (cron) {
      await this.jobs.schedule(
        RETENTION_SWEEP_JOB,
        cron,
        { trigger: 'schedule' },
        { tz: this.options.timeZone, missed: 'once' },
      );
    } else await this.jobs.unschedule(RETENTION_SWEEP_JOB);
  }

  /** Runs one sweep judged at `now` and answers its report (also stored). */
  async runSweep(now: Date = new Date(), trigger: Trigger = 'manual'): Promise<SweepReport> {
    return ActorContext.run({ type: 'system', id: 'retention-sweep' }, async () => {
      const lock = this.dataSource.createQueryRunner();
      await lock.connect();
      try {
        await lock.query('select pg_advisory_lock($1)', [SWEEP_LOCK]);
        try {
          return await this.sweep(now, trigger);
        } finally {
          await lock.query('select pg_advisory_unlock($1)', [SWEEP_LOCK]);
        }
      } finally {
        await lock.release();
      }
    });
  }

  private async sweep(now: Date, trigger: Trigger): Promise<SweepReport> {
    const startedAt = new Date();
    // Blocked records first: once their date has passed their eraser erases them and the block
    // goes; the policies below leave every still-blocked record alone.
    const blocked = await this.sweepBlocked(now);
    const policies: SweepPolicyResult[] = [];
    for (const policy of this.policies.all()) policies.push(await this.sweepPolicy(policy, now));
    const details: SweepDetails = { policies, blocked };
    const row = await this.reports.save(
      this.reports.create({
        trigger,
        asOf: now,
        startedAt,
        finishedAt: new Date(),
        erased: blocked.erased + policies.reduce((n, p) => n + p.erased, 0),
        held: blocked.held + policies.reduce((n, p) => n + p.held, 0),
        errors: blocked.errors.length + policies.reduce((n, p) => n + p.errors.length, 0),
        details,
      }),
    );
    return { ...row };
  }

  // ---- blocked records -------------------------------------------------------------------------

  private async sweepBlocked(now: Date): Promise<SweepBlockedResult> {
    const result: SweepBlockedResult = { due: 0, erased: 0, held: 0, heldBy: {}, byEraser: {}, errors: [] };
    const erasers: { eraser: string }[] = await this.dataSource.query(
      'select distinct eraser from privacy.blocked_record where blocked_until < $1 order by eraser',
      [now],
    );
    for (const { eraser: name } of erasers) {
      try {
        const step = await this.dataSource.transaction(async (manager) => {
          await this.holds.lockForErasure(manager);
          const holds = await this.holds.activeHolds(manager);
          const due = await manager
            .getRepository(BlockedRecordEntity)
            .createQueryBuilder('b')
            .setLock('pessimistic_write')
            .setOnLocked('skip_locked')
            .where('b.eraser = :name and b.blocked_until < :now', { name, now })
            .orderBy('b.blocked_until')
            .getMany();
          const toErase: BlockedRecord[] = [];
          const heldBy: Record<string, number> = {};
          for (const b of due) {
            const hold = holdFor(holds, { ...b, occurredAt: b.recordDate ?? b.blockedAt });
            if (hold) heldBy[hold.id] = (heldBy[hold.id] ?? 0) + 1;
            else toErase.push({ ...b });
          }
          if (toErase.length > 0) {
            const eraser = this.rights.eraser(name);
            if (!eraser) throw new Error(`no eraser "${name}" is registered; its blocked records wait`);
            await eraser.eraseBlocked(toErase, manager);
            await manager.query(
              `delete from privacy.blocked_record b
                using unnest($1::text[], $2::text[]) as e(record_type, record_id)
                where b.record_type = e.record_type and b.record_id = e.record_id`,
              [toErase.map((b) => b.recordType), toErase.map((b) => b.recordId)],
            );
          }
          return { due: due.length, erased: toErase.length, heldBy };
        });
        result.due += step.due;
        result.erased += step.erased;
        if (step.erased > 0) result.byEraser[name] = step.erased;
        for (const [id, n] of Object.entries(step.heldBy)) {
          result.heldBy[id] = (result.heldBy[id] ?? 0) + n;
          result.held += n;
        }
      } catch (e) {
        result.errors.push(`${name}: ${message(e)}`);
      }
    }
    return result;
  }

  // ---- policies ----------------------------------------------------------------------------------

  private async sweepPolicy(policy: RetentionPolicy, now: Date): Promise<SweepPolicyResult> {
    const result: SweepPolicyResult = {
      policyId: policy.id,
      activityId: policy.activityId,
      ...(policy.category ? { category: policy.category } : {}),
      recordType: policy.recordType,
      action: isTablePolicy(policy) ? (policy.anonymise ? 'anonymise' : 'erase') : (policy.action ?? 'erase'),
      due: 0,
      erased: 0,
      held: 0,
      heldBy: {},
      blocked: 0,
      errors: [],
    };
    try {
      if (isTablePolicy(policy)) await this.sweepTable(policy, now, result);
      else await this.sweepCustom(policy, now, result);
    } catch (e) {
      result.errors.push(message(e));
    }
    return result;
  }

  /** Splits due records into held (by which hold), blocked and erasable. */
  private async triage(
    policy: RetentionPolicy,
    due: DueRecord[],
    holds: readonly ActiveHold[],
    manager: EntityManager,
  ): Promise<Triage> {
    const blocks = await this.blocked.blocksAmong(
      policy.recordType,
      due.map((d) => d.recordId),
      manager,
    );
    const triage: Triage = { erasable: [], held: 0, heldBy: {}, blocked: 0 };
    for (const d of due) {
      const hold = holdFor(holds, { ...d, activityId: policy.activityId, recordType: policy.recordType });
      if (hold) {
        triage.held += 1;
        triage.heldBy[hold.id] = (triage.heldBy[hold.id] ?? 0) + 1;
      } else if (blocks.has(d.recordId)) {
        // A statute keeps it (or its block has just expired and its eraser failed above): the
        // blocked-record sweep, through the owning eraser, is the only way it goes.
        triage.blocked += 1;
      } else {
        triage.erasable.push(d.recordId);
      }
    }
    return triage;
  }

  private static add(result: SweepPolicyResult, due: number, erased: number, triage: Triage): void {
    result.due += due;
    result.erased += erased;
    result.held += triage.held;
    result.blocked += triage.blocked;
    for (const [holdId, n] of Object.entries(triage.heldBy)) {
      result.heldBy[holdId] = (result.heldBy[holdId] ?? 0) + n;
    }
  }

  private async sweepCustom(
    policy: CustomRetentionPolicy,
    now: Date,
    result: SweepPolicyResult,
  ): Promise<void> {
    const step = await this.dataSource.transaction(async (manager) => {
      await this.holds.lockForErasure(manager);
      const holds = await this.holds.activeHolds(manager);
      const due = await policy.findExpired(now, manager);
      const triage = await this.triage(policy, due, holds, manager);
      if (triage.erasable.length > 0) await policy.erase(triage.erasable, manager);
      return { due: due.length, erased: triage.erasable.length, triage };
    });
    RetentionSweep.add(result, step.due, step.erased, step.triage);
  }

  private async sweepTable(
    policy: TableRetentionPolicy,
    now: Date,
    result: SweepPolicyResult,
  ): Promise<void> {
    const table = quoteIdentifier(policy.table, true);
    const id = quoteIdentifier(policy.idColumn);
    const ts = quoteIdentifier(policy.timestampColumn);
    const subject = policy.subjectColumn ? `${quoteIdentifier(policy.subjectColumn)}::text` : 'null::text';
    const idType = await this.columnType(policy.table, policy.idColumn);
    const cutoff = new Date(now.getTime() - policy.afterDays * DAY_MS);
    const anonymise = policy.anonymise?.map((c) => quoteIdentifier(c));
    // Anonymised rows stay; without this they would be found (and counted) again every sweep.
    const notYetAnonymised = anonymise
      ? `and (${anonymise.map((c) => `${c} is not null`).join(' or ')})`
      : '';
    const batch = this.options.sweepBatchSize;
    let cursor: string | undefined;
    for (;;) {
      const step = await this.dataSource.transaction(async (manager) => {
        await this.holds.lockForErasure(manager);
        const holds = await this.holds.activeHolds(manager);
        const rows: { record_id: string; subject_id: string | null; occurred_at: Date }[] =
          await manager.query(
            `select ${id}::text as record_id, ${subject} as subject_id, ${ts} as occurred_at
             from ${table}
            where ${ts} < $1 ${notYetAnonymised} ${cursor === undefined ? '' : `and ${id} > $3::${idType}`}
            order by ${id}
            limit $2`,
            cursor === undefined ? [cutoff, batch] : [cutoff, batch, cursor],
          );
        const due: DueRecord[] = rows.map((r) => ({
          recordId: r.record_id,
          subjectId: r.subject_id,
          occurredAt: r.occurred_at,
        }));
        const triage = await this.triage(policy, due, holds, manager);
        let erased = 0;
        if (triage.erasable.length > 0) {
          // The age is checked again in the statement itself: what is erased is what is due.
          const sql = anonymise
            ? `update ${table} set ${anonymise.map((c) => `${c} = null`).join(', ')}
                where ${id} = any($1::${idType}[]) and ${ts} < $2`
            : `delete from ${table} where ${id} = any($1::${idType}[]) and ${ts} < $2`;
          const [, affected] = await manager.query<[unknown, number]>(sql, [triage.erasable, cutoff]);
          erased = affected;
        }
        return { due: rows.length, erased, triage, last: rows.at(-1)?.record_id };
      });
      RetentionSweep.add(result, step.due, step.erased, step.triage);
      if (step.due < batch || step.last === undefined) return;
      cursor = step.last;
    }
  }

  /** The SQL type of a column (`uuid`, `bigint`, …), so ids compare typed and use the index. */
  private async columnType(table: string, column: string): Promise<string> {
    const rows: { type: string }[] = await this.dataSource.query(
      `select format_type(a.atttypid, a.atttypmod) as type
         from pg_attribute a
        where a.attrelid = to_regclass($1) and a.attname = $2 and not a.attisdropped and a.attnum > 0`,
      [table, column],
    );
    const type = rows[0]?.type;
    if (!type) throw new Error(`column ${table}.${column} does not exist`);
    // format_type answers catalog spellings only (e.g. `character varying(64)`, `uuid`): safe to inline.
    if (!/^[a-z0-9 _(),."]+$/.test(type)) throw new Error(`unexpected column type "${type}"`);
    return type;
  }
}
