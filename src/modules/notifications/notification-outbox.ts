import { Injectable } from '@nestjs/common';
import { JobQueue } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { NoticeCatalogue } from './notice-catalogue.js';
import type { NoticeData, NoticeJob, NoticeRecipientRef } from './notice.contracts.js';

/** The pg-boss queue notices travel on. */
export const NOTICE_JOB = 'notifications.send';

/** An id, a number or a flag: no spaces and no @, so no name, address or free text gets into a job. */
const ID_VALUE = /^[A-Za-z0-9_.:-]{1,100}$/;
const DATA_KEY = /^[a-z][A-Za-z0-9]{0,39}$/;

/** Why a notice's job data is refused, or null when it holds ids only. */
export function noticeDataProblem(recipient: NoticeRecipientRef, data: NoticeData): string | null {
  if (!ID_VALUE.test(recipient.kind) || !ID_VALUE.test(recipient.id))
    return 'the recipient must be a kind and an id';
  const entries = Object.entries(data);
  if (entries.length > 20) return 'a notice carries at most 20 data entries';
  for (const [key, value] of entries) {
    if (!DATA_KEY.test(key)) return `data key "${key}" is not a camelCase name`;
    if (typeof value === 'boolean') continue;
    if (typeof value === 'number' && Number.isFinite(value)) continue;
    if (typeof value === 'string' && ID_VALUE.test(value)) continue;
    return `data "${key}" must be an id, a number or a flag (no personal data in jobs)`;
  }
  return null;
}

/**
 * The one way a module sends a notice: enqueued in the caller's transaction (the transactional
 * outbox, docs/architecture.md), so the notice exists exactly when the write it follows committed. The
 * NotificationWorker renders and sends it later, reading the recipient at that moment.
 */
@Injectable()
export class NotificationOutbox {
  constructor(
    private readonly jobs: JobQueue,
    private readonly catalogue: NoticeCatalogue,
  ) {}

  /** `manager` must belong to an open transaction (JobQueue refuses anything else). */
  async notify(
    notice: { template: string; recipient: NoticeRecipientRef; data?: NoticeData },
    manager: EntityManager,
  ): Promise<void> {
    if (!this.catalogue.template(notice.template))
      throw new Error(`no notice template "${notice.template}" is registered`);
    if (!this.catalogue.resolver(notice.recipient.kind))
      throw new Error(`no recipients of kind "${notice.recipient.kind}" are registered`);
    const data = notice.data ?? {};
    const problem = noticeDataProblem(notice.recipient, data);
    if (problem) throw new Error(`notice "${notice.template}" refused: ${problem}`);
    const job: NoticeJob = { template: notice.template, recipient: notice.recipient, data };
    await this.jobs.send(NOTICE_JOB, job, { db: manager });
  }
}
