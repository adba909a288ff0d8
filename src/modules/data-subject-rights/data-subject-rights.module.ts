import { DisclosuresAdminController } from './disclosures-admin.controller.js';
import { Module } from '@nestjs/common';
import { PrivacyModule } from '@app/privacy';
import { InquiriesModule } from '../inquiries/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { OrdersModule } from '../orders/index.js';
import { DATA_SUBJECT_RIGHTS } from './data-subject-rights.declarations.js';
import { PRIVACY_EVIDENCE } from './privacy-evidence.declarations.js';
import { PrivacyRequestStore } from './privacy-request.store.js';
import {
  DATA_SUBJECT_RIGHTS_GUARDS,
  PrivacyRequestsAdminController,
  PrivacyRequestsController,
} from './privacy-requests.controller.js';
import { PrivacyRequests } from './privacy-requests.service.js';
import { ReceiptSubjects } from './receipt-subjects.js';
import { RecipientNotices } from './recipient-notices.js';
import { RequestCodes } from './request-codes.js';

/**
 * Arts. 15-21 for everyone (account holders, guests, inquirers; requests recorded by staff), with
 * identity verification, deadlines, confirmation of erasure and the Art. 19 notices to recipients.
 */
@Module({
  imports: [
    PrivacyModule.forFeature({ activities: [DATA_SUBJECT_RIGHTS, PRIVACY_EVIDENCE] }),
    NotificationsModule,
    OrdersModule,
    InquiriesModule,
  ],
  controllers: [PrivacyRequestsController, PrivacyRequestsAdminController, DisclosuresAdminController],
  providers: [
    PrivacyRequests,
    PrivacyRequestStore,
    ReceiptSubjects,
    RecipientNotices,
    RequestCodes,
    ...DATA_SUBJECT_RIGHTS_GUARDS,
  ],
  exports: [PrivacyRequests, ReceiptSubjects],
})
export class DataSubjectRightsModule {}
