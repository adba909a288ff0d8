import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobQueue } from '@app/privacy';
import { DataSource } from 'typeorm';
import { MAILER, type Mailer } from './mailer.port.js';
import { NoticeCatalogue } from './notice-catalogue.js';
import type { NoticeJob } from './notice.contracts.js';
import { NOTICE_JOB } from './notification-outbox.js';

export type DeliveryOutcome = 'sent' | 'recipient-gone';

/**
 * Sends the notices the outbox enqueued: renders the template for the recipient as it is now and
 * hands the message to the Mailer. Runs where workers run (JOBS_ENABLED); pg-boss retries a failed
 * delivery with backoff, and the Mailer writes each job's message once however often it runs.
 */
@Injectable()
export class NotificationWorker implements OnModuleInit {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly jobs: JobQueue,
    private readonly catalogue: NoticeCatalogue,
    @Inject(MAILER) private readonly mailer: Mailer,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    this.jobs.declareQueue(NOTICE_JOB, {
      retryLimit: 8,
      retryDelay: 30,
      retryBackoff: true,
      retryDelayMax: 3600,
      expireInSeconds: 300,
    });
    // Up to 10 notices per fetch, fetching again at once while batches come back full: a burst of
    // registrations is not sent one per polling interval. A batch that fails is retried whole; the
    // idempotency key keeps the notices it had already sent from being sent twice.
    await this.jobs.work<NoticeJob>(
      NOTICE_JOB,
      async (job, meta) => {
        await this.deliver(job, meta.id);
      },
      { batchSize: 10, burstWhenBatchFull: true, pollingIntervalSeconds: 1 },
    );
  }

  /** Delivers one notice job; `jobId` makes a repeated delivery write nothing new. */
  async deliver(job: NoticeJob, jobId: string): Promise<DeliveryOutcome> {
    const template = this.catalogue.template(job.template);
    if (!template) throw new Error(`notice job ${jobId}: no template "${job.template}" is registered`);
    const resolve = this.catalogue.resolver(job.recipient.kind);
    if (!resolve) throw new Error(`notice job ${jobId}: no recipients of kind "${job.recipient.kind}"`);
    const recipient = await resolve(job.recipient.id, this.dataSource.manager);
    if (!recipient) {
      // Erased (or blocked) since the notice was enqueued: they get nothing (ids only in the log).
      this.logger.log(`notice job ${jobId} (${job.template}): the recipient no longer exists; nothing sent`);
      return 'recipient-gone';
    }
    const rendered = template.render(recipient, job.data ?? {});
    await this.mailer.send({
      idempotencyKey: `job:${jobId}`,
      template: template.id,
      subjectId: recipient.subjectId,
      to: recipient.email,
      subject: rendered.subject,
      text: rendered.text,
    });
    return 'sent';
  }
}
