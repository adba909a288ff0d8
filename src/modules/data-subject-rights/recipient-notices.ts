import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '@app/core';
import {
  Discloser,
  JobQueue,
  PrivacyRegistryService,
  RightsRegistry,
  type RecipientNoticeKind,
} from '@app/privacy';

/** The pg-boss queue Art. 19 notices travel on (one job per recipient and request). */
export const RECIPIENT_NOTICE_JOB = 'data-subject-rights.recipient-notice';

export interface RecipientNoticeView {
  recipient: string;
  name: string;
  kind: RecipientNoticeKind;
  status: 'pending' | 'sent' | 'no-channel' | 'failed';
  sentAt: Date | null;
}

interface NoticeRow {
  id: string;
  request_id: string;
  subject_id: string;
  recipient_id: string;
  kind: RecipientNoticeKind;
  refs: string[];
  status: RecipientNoticeView['status'];
  attempts: number;
  created_at: Date;
  sent_at: Date | null;
}

/**
 * Art. 19 GDPR: after a rectification, erasure or restriction, every recipient that received the
 * person's data (the disclosure log knows them) is told, on its own channel (the RecipientNotifier
 * the module that talks to it registered with the kernel). `prepare` records one notice per
 * recipient with the references the recipient knows, before an erasure removes them; `dispatch`
 * enqueues the jobs in the caller's transaction (the outbox); the worker sends and pg-boss retries.
 * A recipient without a channel is marked `no-channel` and stays in the privacy officer's queue.
 */
@Injectable()
export class RecipientNotices implements OnModuleInit {
  private readonly logger = new Logger('Art19Notices');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: JobQueue,
    private readonly discloser: Discloser,
    private readonly rights: RightsRegistry,
    private readonly registry: PrivacyRegistryService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.jobs.declareQueue(RECIPIENT_NOTICE_JOB, {
      retryLimit: 10,
      retryDelay: 60,
      retryBackoff: true,
      retryDelayMax: 6 * 3600,
      expireInSeconds: 300,
    });
    await this.jobs.work<{ noticeId: string }>(RECIPIENT_NOTICE_JOB, async (job) => {
      await this.deliver(job.noticeId);
    });
  }

  /** Records the notices of a request once (a retried step finds them there). */
  async prepare(
    requestId: string,
    subjectIds: readonly string[],
    kind: RecipientNoticeKind,
  ): Promise<number> {
    const manager = this.uow.manager;
    const existing: { n: number }[] = await manager.query(
      `select count(*)::int as n from privacy_recipient_notice where request_id = $1`,
      [requestId],
    );
    if (existing[0].n > 0) return existing[0].n;
    const pairs = new Map<string, { subjectId: string; recipientId: string }>();
    for (const id of subjectIds) {
      for (const d of await this.discloser.disclosuresAbout(id, manager)) {
        if (d.outcome === 'sent')
          pairs.set(`${id}\u0000${d.recipientId}`, { subjectId: id, recipientId: d.recipientId });
      }
    }
    for (const { subjectId, recipientId } of pairs.values()) {
      const notifier = this.rights.recipientNotifier(recipientId);
      const refs = notifier ? await notifier.references(recipientId, subjectId, manager) : [];
      await manager.query(
        `insert into privacy_recipient_notice (request_id, subject_id, recipient_id, kind, refs, status)
         values ($1, $2, $3, $4, $5, $6)`,
        [requestId, subjectId, recipientId, kind, refs, notifier ? 'pending' : 'no-channel'],
      );
    }
    return pairs.size;
  }

  /** Whether any recipient received data about these subjects (the disclosure log). */
  async anyRecipient(subjectIds: readonly string[]): Promise<boolean> {
    for (const id of subjectIds) {
      const disclosures = await this.discloser.disclosuresAbout(id, this.uow.manager);
      if (disclosures.some((d) => d.outcome === 'sent')) return true;
    }
    return false;
  }

  /** Enqueues the pending notices of a request; call inside the transaction that completes the step. */
  async dispatch(requestId: string): Promise<void> {
    const manager = this.uow.requireTransaction('dispatching Art. 19 notices');
    const rows: { id: string }[] = await manager.query(
      `select id from privacy_recipient_notice where request_id = $1 and status = 'pending'`,
      [requestId],
    );
    for (const row of rows) {
      await this.jobs.send(RECIPIENT_NOTICE_JOB, { noticeId: row.id }, { db: manager, singletonKey: row.id });
    }
  }

  /** Sends one notice; throws when the recipient could not be reached (pg-boss retries). */
  async deliver(noticeId: string): Promise<void> {
    const rows: NoticeRow[] = await this.uow.manager.query(
      `select * from privacy_recipient_notice where id = $1`,
      [noticeId],
    );
    const notice = rows[0];
    if (!notice || notice.status === 'sent' || notice.status === 'no-channel') return;
    const notifier = this.rights.recipientNotifier(notice.recipient_id);
    if (!notifier) {
      await this.uow.manager.query(
        `update privacy_recipient_notice set status = 'no-channel' where id = $1`,
        [noticeId],
      );
      return;
    }
    try {
      await notifier.notify({
        noticeId: notice.id,
        recipientId: notice.recipient_id,
        kind: notice.kind,
        references: notice.refs,
        occurredAt: notice.created_at,
      });
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 300);
      await this.uow.manager.query(
        `update privacy_recipient_notice set status = 'failed', attempts = attempts + 1, last_error = $2 where id = $1`,
        [noticeId, message],
      );
      this.logger.warn(`Art. 19 notice ${noticeId} to ${notice.recipient_id} failed; it will be retried`);
      throw error;
    }
    await this.uow.manager.query(
      `update privacy_recipient_notice set status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = null
        where id = $1`,
      [noticeId],
    );
  }

  /** Who was told, for the person (Art. 19, second sentence) and the privacy officer. */
  async forRequest(requestId: string): Promise<RecipientNoticeView[]> {
    const rows: NoticeRow[] = await this.uow.manager.query(
      `select * from privacy_recipient_notice where request_id = $1 order by created_at, recipient_id`,
      [requestId],
    );
    const names = new Map(this.registry.registry.recipients().map((r) => [r.id, r.name]));
    return rows.map((r) => ({
      recipient: r.recipient_id,
      name: names.get(r.recipient_id) ?? r.recipient_id,
      kind: r.kind,
      status: r.status,
      sentAt: r.sent_at,
    }));
  }
}
