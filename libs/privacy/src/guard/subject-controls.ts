import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/** Objection to every (f)-based activity at once (e.g. "stop all of it"). */
export const ALL_ACTIVITIES = '*';

/**
 * Restriction (Art. 18) and objection (Art. 21): what a subject asked the shop to stop. Rows are
 * closed (lifted, withdrawn), never deleted, so the history of a request stays provable.
 */
@Injectable()
export class SubjectControls {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Restricts every activity, or only `activityId` (Art. 18 may concern one processing). */
  async restrict(
    subjectId: string,
    reason: string,
    requestedBy: string,
    manager?: EntityManager,
    activityId?: string,
  ): Promise<string> {
    const rows: { id: string }[] = await (manager ?? this.dataSource.manager).query(
      `insert into privacy.restriction (subject_id, reason, requested_by, activity_id) values ($1, $2, $3, $4) returning id`,
      [subjectId, reason, requestedBy, activityId ?? null],
    );
    return rows[0].id;
  }

  /** The open restrictions of a subject (null activity: all of them). */
  async restrictions(
    subjectId: string,
    manager?: EntityManager,
  ): Promise<{ id: string; activityId: string | null; restrictedAt: Date }[]> {
    const rows: { id: string; activity_id: string | null; created_at: Date }[] = await (
      manager ?? this.dataSource.manager
    ).query(
      `select id, activity_id, since as created_at from privacy.restriction where subject_id = $1 and lifted_at is null order by created_at`,
      [subjectId],
    );
    return rows.map((r) => ({ id: r.id, activityId: r.activity_id, restrictedAt: r.created_at }));
  }

  async liftRestriction(subjectId: string, liftedBy: string, manager?: EntityManager): Promise<number> {
    const result: [unknown[], number] = await (manager ?? this.dataSource.manager).query(
      `update privacy.restriction set lifted_at = now(), lifted_by = $2 where subject_id = $1 and lifted_at is null`,
      [subjectId, liftedBy],
    );
    return result[1];
  }

  async isRestricted(subjectId: string, manager?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await (manager ?? this.dataSource.manager).query(
      `select 1 from privacy.restriction where subject_id = $1 and lifted_at is null limit 1`,
      [subjectId],
    );
    return rows.length > 0;
  }

  async object(
    subjectId: string,
    activityId: string,
    channel: string,
    manager?: EntityManager,
  ): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `insert into privacy.objection (subject_id, activity_id, channel)
       select $1, $2, $3 where not exists (
         select 1 from privacy.objection where subject_id = $1 and activity_id = $2 and withdrawn_at is null)`,
      [subjectId, activityId, channel],
    );
  }

  async withdrawObjection(subjectId: string, activityId: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `update privacy.objection set withdrawn_at = now() where subject_id = $1 and activity_id = $2 and withdrawn_at is null`,
      [subjectId, activityId],
    );
  }

  async hasObjected(subjectId: string, activityId: string, manager?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await (manager ?? this.dataSource.manager).query(
      `select 1 from privacy.objection where subject_id = $1 and activity_id = any($2) and withdrawn_at is null limit 1`,
      [subjectId, [activityId, ALL_ACTIVITIES]],
    );
    return rows.length > 0;
  }
}
