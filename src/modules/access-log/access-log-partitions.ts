import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActorContext, LegalHolds } from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import { ACCESS_LOG_RETENTION_DAYS } from './access-log.declarations.js';
import { accessLogHolds, SqlParameters } from './hold-conditions.js';

/** The pg-boss queue of the partition maintenance. */
export const ACCESS_LOG_MAINTENANCE_JOB = 'access-log.maintain-partitions';

/** Any constant: one maintenance at a time across every instance (transaction advisory lock). */
const MAINTENANCE_LOCK = 7_301_914_301;
const DAY_MS = 86_400_000;
const PARTITION = /^access_log_(\d{4})(\d{2})(\d{2})$/;

/** The columns of a line, in the order both tables declare them after their own. */
const LINE_COLUMNS =
  'id, occurred_at, ip, method, url, status, referrer, browser_name, browser_version, os_name, os_version, duration_ms, request_id';

/** What one maintenance run did. */
export interface MaintenanceReport {
  /** Day partitions created (`access_log_YYYYMMDD`). */
  created: string[];
  /** Day partitions dropped, all their lines older than the retention. */
  dropped: string[];
  /** Lines moved into access_log_held because an active legal hold covers them. */
  held: number;
  /** Lines older than the retention deleted from the default partition. */
  purgedFromDefault: number;
  /** Held lines deleted because no active hold covers them any more. */
  released: number;
}

/** 00:00 UTC of the day `date` falls in. */
export const utcDay = (date: Date): Date =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));

/** `access_log_20260615` for any instant on 2026-06-15 (UTC). */
export function partitionName(date: Date): string {
  const day = utcDay(date);
  const y = day.getUTCFullYear().toString().padStart(4, '0');
  const m = (day.getUTCMonth() + 1).toString().padStart(2, '0');
  const d = day.getUTCDate().toString().padStart(2, '0');
  return `access_log_${y}${m}${d}`;
}

/** The day a partition name stands for, or undefined for any other table. */
export function partitionDay(name: string): Date | undefined {
  const match = PARTITION.exec(name);
  if (!match) return undefined;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return partitionName(day) === name ? day : undefined;
}

/**
 * Retention of the access log by whole days. `maintainPartitions(now)`:
 * 1. creates today's and tomorrow's partitions ahead (moving in any of their lines the default
 *    partition caught);
 * 2. drops every day partition whose last instant is more than 7 days before `now`, after moving the
 *    lines an active legal hold covers into `access_log_held`, in the same transaction;
 * 3. does the same, line by line, for expired lines in the default partition;
 * 4. deletes held lines no active hold covers any more (their hold was released).
 * Each drop is its own transaction that first takes the kernel's legal-hold lock: a hold created
 * while it runs is either seen or waits until the drop has committed, never missed in between.
 * Runs at start and on the ACCESS_LOG_MAINTENANCE_CRON schedule; one run at a time across instances.
 */
@Injectable()
export class AccessLogPartitions {
  private readonly logger = new Logger('AccessLogPartitions');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly holds: LegalHolds,
  ) {}

  async maintainPartitions(now: Date = new Date()): Promise<MaintenanceReport> {
    return ActorContext.run({ type: 'system', id: 'access-log-maintenance' }, async () => {
      const report: MaintenanceReport = {
        created: [],
        dropped: [],
        held: 0,
        purgedFromDefault: 0,
        released: 0,
      };
      const today = utcDay(now);
      for (const day of [today, new Date(today.getTime() + DAY_MS)]) {
        const created = await this.step((manager) => this.ensurePartition(day, manager));
        if (created) report.created.push(created);
      }
      const cutoff = new Date(now.getTime() - ACCESS_LOG_RETENTION_DAYS * DAY_MS);
      for (const name of await this.expiredPartitions(cutoff)) {
        const moved = await this.step((manager) => this.dropPartition(name, manager));
        if (moved !== undefined) {
          report.dropped.push(name);
          report.held += moved;
        }
      }
      const purge = await this.step((manager) => this.purgeDefault(cutoff, manager));
      report.held += purge.held;
      report.purgedFromDefault = purge.deleted;
      report.released = await this.step((manager) => this.releaseHeld(manager));
      if (
        report.dropped.length > 0 ||
        report.held > 0 ||
        report.released > 0 ||
        report.purgedFromDefault > 0
      ) {
        this.logger.log(
          `access log: dropped ${report.dropped.length} day(s), held ${report.held} line(s), ` +
            `released ${report.released}, purged ${report.purgedFromDefault} from the default partition`,
        );
      }
      return report;
    });
  }

  /** One transaction under the maintenance lock: several instances starting at once take turns. */
  private step<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1)', [MAINTENANCE_LOCK]);
      return work(manager);
    });
  }

  /** Creates the day's partition unless it exists, moving in what the default partition holds of it. */
  private async ensurePartition(day: Date, manager: EntityManager): Promise<string | undefined> {
    const name = partitionName(day);
    const [{ exists }] = await manager.query<{ exists: boolean }[]>(
      `select to_regclass($1) is not null as exists`,
      [`public.${name}`],
    );
    if (exists) return undefined;
    const from = day.toISOString();
    const to = new Date(day.getTime() + DAY_MS).toISOString();
    // Created on its own, filled, then attached: attaching scans the default partition, which must
    // no longer hold any line of the day by then.
    await manager.query(`create table ${name} (like access_log including defaults including constraints)`);
    await manager.query(
      `with moved as (
         delete from access_log_default where occurred_at >= $1 and occurred_at < $2 returning ${LINE_COLUMNS})
       insert into ${name} (${LINE_COLUMNS}) select ${LINE_COLUMNS} from moved`,
      [from, to],
    );
    await manager.query(
      `alter table access_log attach partition ${name} for values from ('${from}') to ('${to}')`,
    );
    return name;
  }

  /** Day partitions whose every line is older than `cutoff`, oldest first. */
  private async expiredPartitions(cutoff: Date): Promise<string[]> {
    const rows = await this.dataSource.query<{ name: string }[]>(
      `select c.relname as name
         from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'public.access_log'::regclass`,
    );
    return rows
      .map((r) => ({ name: r.name, day: partitionDay(r.name) }))
      .filter((p): p is { name: string; day: Date } => p.day !== undefined)
      .filter((p) => p.day.getTime() + DAY_MS <= cutoff.getTime())
      .sort((a, b) => a.day.getTime() - b.day.getTime())
      .map((p) => p.name);
  }

  /** Moves the held lines aside and drops the partition; answers how many were moved (undefined: gone already). */
  private async dropPartition(name: string, manager: EntityManager): Promise<number | undefined> {
    const [{ exists }] = await manager.query<{ exists: boolean }[]>(
      `select to_regclass($1) is not null as exists`,
      [`public.${name}`],
    );
    if (!exists) return undefined;
    const moved = await this.moveHeld(name, undefined, manager);
    await manager.query(`drop table ${name}`);
    return moved;
  }

  /** Expired lines in the default partition: held ones moved aside, the rest deleted. */
  private async purgeDefault(
    cutoff: Date,
    manager: EntityManager,
  ): Promise<{ held: number; deleted: number }> {
    const held = await this.moveHeld('access_log_default', cutoff, manager);
    const [, deleted] = await manager.query<[unknown, number]>(
      'delete from access_log_default where occurred_at < $1',
      [cutoff],
    );
    return { held, deleted };
  }

  /**
   * Copies the lines of `table` (older than `before`, when given) that an active legal hold covers
   * into access_log_held, each with the first hold that covers it. Takes the legal-hold lock first.
   */
  private async moveHeld(table: string, before: Date | undefined, manager: EntityManager): Promise<number> {
    await this.holds.lockForErasure(manager);
    const params = new SqlParameters(before ? 1 : 0);
    const holds = accessLogHolds(await this.holds.activeHolds(manager), params);
    if (!holds) return 0;
    const [{ moved }] = await manager.query<{ moved: number }[]>(
      `with copied as (
         insert into access_log_held (hold_id, ${LINE_COLUMNS})
         select ${holds.holdIdOf()}, ${LINE_COLUMNS} from ${table}
          where ${before ? 'occurred_at < $1 and ' : ''}(${holds.covered})
         on conflict (id) do nothing
         returning 1)
       select count(*)::int as moved from copied`,
      before ? [before, ...params.values] : params.values,
    );
    return moved;
  }

  /**
   * Deletes held lines no active hold covers any more; a line whose own hold was released but that
   * another active hold covers stays, now under that hold.
   */
  private async releaseHeld(manager: EntityManager): Promise<number> {
    await this.holds.lockForErasure(manager);
    const activeHolds = await this.holds.activeHolds(manager);
    const params = new SqlParameters();
    const holds = accessLogHolds(activeHolds, params);
    if (!holds) {
      const [, deleted] = await manager.query<[unknown, number]>('delete from access_log_held');
      return deleted;
    }
    const [, deleted] = await manager.query<[unknown, number]>(
      `delete from access_log_held where not (${holds.covered})`,
      params.values,
    );
    const reassign = new SqlParameters();
    const current = accessLogHolds(activeHolds, reassign);
    if (current) {
      const holdId = current.holdIdOf();
      const ids = reassign.add(current.ids, 'uuid[]');
      await manager.query(
        `update access_log_held set hold_id = ${holdId} where hold_id <> all(${ids})`,
        reassign.values,
      );
    }
    return deleted;
  }
}
