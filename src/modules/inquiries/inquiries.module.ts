import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobQueue, PrivacyModule, RetentionPolicies, RightsRegistry } from '@app/privacy';
import { INQUIRIES, INQUIRIES_ACTIVITY_ID, INQUIRY_RECORD } from './inquiries.declarations.js';
import { InquiriesAdminController } from './inquiries-admin.controller.js';
import { InquiriesRights } from './inquiries.rights.js';
import { INQUIRY_ANSWERED_JOB, InquiriesService } from './inquiries.service.js';
import { InquiriesShopController } from './inquiries-shop.controller.js';
import { InquiryAnswerDelivery } from './inquiry-answer-delivery.js';
import { InquiryDeletion } from './inquiry-deletion.js';
import { Inquiry, InquiryAnswer } from './inquiry.entity.js';

/**
 * Contact form and product inquiries (registry activity `inquiries`). Public API for other modules:
 * InquiryAnswerDelivery (the notifications outbox's seam, job INQUIRY_ANSWERED_JOB) and
 * InquiriesRights.subjectsByEmail (the data-subject-rights module's lookup).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Inquiry, InquiryAnswer]),
    PrivacyModule.forFeature({ activities: [INQUIRIES] }),
  ],
  controllers: [InquiriesShopController, InquiriesAdminController],
  providers: [InquiriesService, InquiryDeletion, InquiriesRights, InquiryAnswerDelivery],
  exports: [InquiriesService, InquiriesRights, InquiryAnswerDelivery],
})
export class InquiriesModule implements OnModuleInit {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly inquiriesRights: InquiriesRights,
    private readonly retention: RetentionPolicies,
    private readonly deletion: InquiryDeletion,
    private readonly jobs: JobQueue,
  ) {}

  onModuleInit(): void {
    this.rights.registerExporter(this.inquiriesRights);
    this.rights.registerEraser(this.inquiriesRights);
    this.retention.register({
      id: 'inquiries.ended',
      activityId: INQUIRIES_ACTIVITY_ID,
      recordType: INQUIRY_RECORD,
      findExpired: (now, manager) => this.deletion.findDue(now, manager),
      erase: (ids, manager) => this.deletion.erase(ids, manager),
    });
    // Sending an answer is retried (a mail server may be down for a while), then left to the wait limit.
    this.jobs.declareQueue(INQUIRY_ANSWERED_JOB, { retryLimit: 10, retryDelay: 60, retryBackoff: true });
  }
}
