import { Module } from '@nestjs/common';
import { PrivacyModule } from '@app/privacy';
import { DATA_SUBJECT_RIGHTS } from './data-subject-rights.declarations.js';
import { PrivacyRequestsAdminController, PrivacyRequestsController } from './privacy-requests.controller.js';
import { PrivacyRequests } from './privacy-requests.service.js';

/** Arts. 15-21: the person's requests, answered from the kernel's registry, exporters and erasers. */
@Module({
  imports: [PrivacyModule.forFeature({ activities: [DATA_SUBJECT_RIGHTS] })],
  controllers: [PrivacyRequestsController, PrivacyRequestsAdminController],
  providers: [PrivacyRequests],
})
export class DataSubjectRightsModule {}
