import { Injectable } from '@nestjs/common';
import { ConsentLedger, type DueRecord } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DataKeys } from './data-keys.js';
import {
  DEVICE_ANALYSIS_ACTIVITY_ID,
  DEVICE_IMPROVEMENT_ACTIVITY_ID,
} from './device-analysis.declarations.js';

/** Rows per sweep and policy: the sweep runs again on its next schedule for the rest. */
const BATCH = 500;

/**
 * The retention of device analyses, run by the kernel's sweep:
 * - images: deleted DEVICE_IMAGE_RETENTION_DAYS after the result was delivered, unless the subject's
 *   device-improvement consent is in force (then kept until the result goes);
 * - results: the whole analysis DEVICE_RESULT_RETENTION_DAYS after the upload; a subject left without
 *   analyses is crypto-shredded (data key destroyed, subject row deleted).
 */
@Injectable()
export class DeviceRetention {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: DataKeys,
    private readonly ledger: ConsentLedger,
  ) {}

  /**
   * Subjects whose device-analysis consent was withdrawn elsewhere than at the device (a privacy request;
   * the device route shreds at once), and subjects whose key is gone but whose rows are still there (a
   * shred whose deletion after the commit did not run): crypto-shredded by the next sweep. Walks every
   * subject through the consent ledger, a page at a time.
   */
  async findWithdrawnSubjects(now: Date, manager: EntityManager): Promise<DueRecord[]> {
    void now;
    const due: DueRecord[] = [];
    await this.walk<{ id: string; created_at: Date; has_key: boolean }>(
      manager,
      `select s.id, s.created_at, exists (select 1 from device_keys.subject_key k where k.subject_id = s.id) as has_key
         from device_subject s where s.id > $1 order by s.id limit $2`,
      async (row) => {
        const state = await this.ledger.state(
          `device-subject:${row.id}`,
          DEVICE_ANALYSIS_ACTIVITY_ID,
          manager,
        );
        if ((!state.granted && state.since !== undefined) || !row.has_key)
          due.push({ recordId: row.id, subjectId: `device-subject:${row.id}`, occurredAt: row.created_at });
        return due.length < BATCH;
      },
    );
    return due;
  }

  async shredSubjects(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await this.keys.destroy(ids, manager);
    await manager.query('delete from device_subject where id = any($1::uuid[])', [ids]);
  }

  /** Statistics samples of subjects whose device-improvement consent is no longer in force. */
  async findWithdrawnSamples(now: Date, manager: EntityManager): Promise<DueRecord[]> {
    void now;
    const due: DueRecord[] = [];
    await this.walk<{ id: string }>(
      manager,
      'select distinct subject_id as id from device_improvement_sample where subject_id > $1 order by 1 limit $2',
      async (row) => {
        if (await this.improvementConsent(row.id, manager)) return true;
        const samples = await manager.query<{ analysis_id: string; created_at: Date }[]>(
          'select analysis_id, created_at from device_improvement_sample where subject_id = $1',
          [row.id],
        );
        for (const x of samples)
          due.push({
            recordId: x.analysis_id,
            subjectId: `device-subject:${row.id}`,
            occurredAt: x.created_at,
          });
        return due.length < BATCH;
      },
    );
    return due;
  }

  async eraseSamples(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('delete from device_improvement_sample where analysis_id = any($1::uuid[])', [ids]);
  }

  /** Images past their period whose subject has no improvement consent in force (asked of the ledger). */
  async findDueImages(now: Date, manager: EntityManager): Promise<DueRecord[]> {
    const due: DueRecord[] = [];
    const consent = new Map<string, boolean>();
    await this.walk<{ id: string; subject_id: string; created_at: Date }>(
      manager,
      `select id, subject_id, created_at from device_analysis
        where id > $1 and image_ct is not null and delivered_at < $3::timestamptz - make_interval(days => $4)
        order by id limit $2`,
      async (row) => {
        if (!consent.has(row.subject_id))
          consent.set(row.subject_id, await this.improvementConsent(row.subject_id, manager));
        if (!consent.get(row.subject_id))
          due.push({
            recordId: row.id,
            subjectId: `device-subject:${row.subject_id}`,
            occurredAt: row.created_at,
          });
        return due.length < BATCH;
      },
      [now, this.config.DEVICE_IMAGE_RETENTION_DAYS],
    );
    return due;
  }

  async eraseImages(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `update device_analysis set image_ct = null, image_format = null, image_deleted_at = now()
        where id = any($1::uuid[])`,
      [ids],
    );
  }

  private improvementConsent(subjectUuid: string, manager: EntityManager): Promise<boolean> {
    return this.ledger.isGranted(`device-subject:${subjectUuid}`, DEVICE_IMPROVEMENT_ACTIVITY_ID, manager);
  }

  /** Keyset pages over `sql` ($1 the last id, $2 the page size, then `params`) until `visit` answers false. */
  private async walk<R extends { id: string }>(
    manager: EntityManager,
    sql: string,
    visit: (row: R) => Promise<boolean>,
    params: unknown[] = [],
  ): Promise<void> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await manager.query<R[]>(sql, [after, BATCH, ...params]);
      for (const row of rows) if (!(await visit(row))) return;
      if (rows.length < BATCH) return;
      after = rows[rows.length - 1].id;
    }
  }

  async findDueResults(now: Date, manager: EntityManager): Promise<DueRecord[]> {
    const rows = await manager.query<{ id: string; subject_id: string; created_at: Date }[]>(
      `select id, subject_id, created_at from device_analysis
        where created_at < $1::timestamptz - make_interval(days => $2)
        order by created_at limit $3`,
      [now, this.config.DEVICE_RESULT_RETENTION_DAYS, BATCH],
    );
    return rows.map((r) => ({
      recordId: r.id,
      subjectId: `device-subject:${r.subject_id}`,
      occurredAt: r.created_at,
    }));
  }

  async eraseResults(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    // TypeORM answers a DELETE ... RETURNING with [rows, count].
    const [deleted] = await manager.query<[{ subject_id: string }[], number]>(
      'delete from device_analysis where id = any($1::uuid[]) returning subject_id',
      [ids],
    );
    const subjects = [...new Set(deleted.map((d) => d.subject_id))];
    const empty = await manager.query<{ id: string }[]>(
      `select s.id from device_subject s where s.id = any($1::uuid[])
          and not exists (select 1 from device_analysis a where a.subject_id = s.id)`,
      [subjects],
    );
    const shred = empty.map((e) => e.id);
    await this.keys.destroy(shred, manager);
    if (shred.length > 0)
      await manager.query('delete from device_subject where id = any($1::uuid[])', [shred]);
  }
}
