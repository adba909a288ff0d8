import { Injectable } from '@nestjs/common';
import type { DueRecord } from '@app/privacy';
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
  ) {}

  /**
   * Subjects whose latest device-analysis consent event is a withdrawal made elsewhere than at the
   * device (a privacy request; the device route shreds at once): crypto-shredded by the next sweep.
   */
  async findWithdrawnSubjects(now: Date, manager: EntityManager): Promise<DueRecord[]> {
    void now;
    const rows = await manager.query<{ id: string; created_at: Date }[]>(
      `select s.id, s.created_at from device_subject s
        where (select e.action from privacy.consent_event e
                where e.subject_id = 'device-subject:' || s.id and e.purpose = $1
                order by e.id desc limit 1) = 'withdraw'
        limit $2`,
      [DEVICE_ANALYSIS_ACTIVITY_ID, BATCH],
    );
    return rows.map((r) => ({
      recordId: r.id,
      subjectId: `device-subject:${r.id}`,
      occurredAt: r.created_at,
    }));
  }

  async shredSubjects(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await this.keys.destroy(ids, manager);
    await manager.query('delete from device_subject where id = any($1::uuid[])', [ids]);
  }

  /** Statistics samples of subjects whose device-improvement consent is no longer in force. */
  async findWithdrawnSamples(now: Date, manager: EntityManager): Promise<DueRecord[]> {
    void now;
    const rows = await manager.query<{ analysis_id: string; subject_id: string; created_at: Date }[]>(
      `select x.analysis_id, x.subject_id, x.created_at from device_improvement_sample x
        where coalesce((select e.action = 'grant' from privacy.consent_event e
                         where e.subject_id = 'device-subject:' || x.subject_id and e.purpose = $1
                         order by e.id desc limit 1), false) = false
        limit $2`,
      [DEVICE_IMPROVEMENT_ACTIVITY_ID, BATCH],
    );
    return rows.map((r) => ({
      recordId: r.analysis_id,
      subjectId: `device-subject:${r.subject_id}`,
      occurredAt: r.created_at,
    }));
  }

  async eraseSamples(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('delete from device_improvement_sample where analysis_id = any($1::uuid[])', [ids]);
  }

  async findDueImages(now: Date, manager: EntityManager): Promise<DueRecord[]> {
    const rows = await manager.query<{ id: string; subject_id: string; created_at: Date }[]>(
      `select a.id, a.subject_id, a.created_at
         from device_analysis a
        where a.image_ct is not null
          and a.delivered_at < $1::timestamptz - make_interval(days => $2)
          and coalesce((
                select e.action = 'grant' from privacy.consent_event e
                 where e.subject_id = 'device-subject:' || a.subject_id and e.purpose = $3
                 order by e.id desc limit 1), false) = false
        order by a.delivered_at limit $4`,
      [now, this.config.DEVICE_IMAGE_RETENTION_DAYS, DEVICE_IMPROVEMENT_ACTIVITY_ID, BATCH],
    );
    return rows.map((r) => ({
      recordId: r.id,
      subjectId: `device-subject:${r.subject_id}`,
      occurredAt: r.created_at,
    }));
  }

  async eraseImages(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `update device_analysis set image_ct = null, image_format = null, image_deleted_at = now()
        where id = any($1::uuid[])`,
      [ids],
    );
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
