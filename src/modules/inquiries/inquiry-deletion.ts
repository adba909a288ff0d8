import { Injectable } from '@nestjs/common';
import { holdCovers, LegalHolds, type DueRecord } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { inquirySubject } from '../../common/subjects.js';
import {
  ANSWER_DELIVERY_WAIT_DAYS,
  INQUIRIES_ACTIVITY_ID,
  INQUIRY_RECORD,
} from './inquiries.declarations.js';

const DAY_MS = 86_400_000;

/** Why an ended inquiry is still there. */
export type KeptFor = 'grace' | 'legal-hold' | 'answer-undelivered';

export type DeletionDecision = { deleted: true } | { deleted: false; keptFor: KeptFor; holdId?: string };

/** Most inquiries the retention sweep deletes in one run (it runs daily; the rest go next time). */
const SWEEP_LIMIT = 5000;

interface EndedRow {
  id: string;
  created_at: Date;
  delete_after: Date | null;
  withdrawn: boolean;
  undelivered: number;
}

/**
 * When an inquiry that has ended (closed by support, or withdrawn by the person) is deleted, in one
 * place for the close, the withdrawal, the delivery of an answer and the retention sweep:
 * - not before `delete_after` (closing + the configured grace; a withdrawal sets it to now);
 * - a closed inquiry whose answer the notifications outbox has not yet sent waits for the sending, at
 *   most ANSWER_DELIVERY_WAIT_DAYS: deleting it would lose the answer. A withdrawal does not wait;
 * - never while a legal hold covers it (Art. 17(3)(e)); the sweep deletes it after the release.
 * Deletion is a hard delete; answers go with their inquiry (on delete cascade).
 */
@Injectable()
export class InquiryDeletion {
  constructor(private readonly holds: LegalHolds) {}

  /**
   * Deletes the ended inquiry now if nothing keeps it, inside the caller's transaction (which has
   * locked the inquiry row). Takes the legal-hold lock, so a hold created meanwhile is either seen
   * here or created after this transaction commits.
   */
  async deleteIfDue(inquiryId: string, now: Date, manager: EntityManager): Promise<DeletionDecision> {
    const [row] = await manager.query<EndedRow[]>(
      `select i.id, i.created_at, i.delete_after, i.withdrawn_at is not null as withdrawn,
              (select count(*)::int from inquiry_answer a where a.inquiry_id = i.id and a.delivered_at is null) as undelivered
         from inquiry i
        where i.id = $1 and (i.closed_at is not null or i.withdrawn_at is not null)`,
      [inquiryId],
    );
    if (!row || row.delete_after === null) throw new Error(`inquiry ${inquiryId} has not ended`);
    if (row.delete_after.getTime() > now.getTime()) return { deleted: false, keptFor: 'grace' };
    if (
      !row.withdrawn &&
      row.undelivered > 0 &&
      row.delete_after.getTime() + ANSWER_DELIVERY_WAIT_DAYS * DAY_MS > now.getTime()
    ) {
      return { deleted: false, keptFor: 'answer-undelivered' };
    }
    await this.holds.lockForErasure(manager);
    const hold = (await this.holds.activeHolds(manager)).find((h) =>
      holdCovers(h.scope, {
        activityId: INQUIRIES_ACTIVITY_ID,
        recordType: INQUIRY_RECORD,
        recordId: row.id,
        subjectId: inquirySubject(row.id),
        occurredAt: row.created_at,
      }),
    );
    if (hold) return { deleted: false, keptFor: 'legal-hold', holdId: hold.id };
    await this.erase([row.id], manager);
    return { deleted: true };
  }

  /**
   * The ended inquiries whose time has come, for the retention sweep (which then leaves out the
   * held ones). The oldest due first, bounded per run.
   */
  async findDue(now: Date, manager: EntityManager): Promise<DueRecord[]> {
    const rows = await manager.query<{ id: string; created_at: Date }[]>(
      `select i.id, i.created_at
         from inquiry i
        where i.delete_after <= $1
          and (i.withdrawn_at is not null
               or i.delete_after <= $1::timestamptz - make_interval(days => $2)
               or not exists (select 1 from inquiry_answer a where a.inquiry_id = i.id and a.delivered_at is null))
        order by i.delete_after, i.id
        limit $3`,
      [now, ANSWER_DELIVERY_WAIT_DAYS, SWEEP_LIMIT],
    );
    return rows.map((r) => ({ recordId: r.id, subjectId: inquirySubject(r.id), occurredAt: r.created_at }));
  }

  /** Hard-deletes inquiries and, by cascade, their answers. */
  async erase(ids: readonly string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('delete from inquiry where id = any($1::uuid[])', [[...ids]]);
  }
}
