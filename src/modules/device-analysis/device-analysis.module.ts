import { Module, type OnModuleInit } from '@nestjs/common';
import { PrivacyModule, RetentionPolicies, RightsRegistry } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import { DataSubjectRightsModule, ReceiptSubjects } from '../data-subject-rights/index.js';
import { PartnersModule } from '../partners/index.js';
import { DataKeys, parseKeyRing } from './data-keys.js';
import {
  ANALYSIS_IMAGE_RECORD,
  ANALYSIS_RECORD,
  DEVICE_ANALYSIS,
  DEVICE_CATEGORIES,
  DEVICE_IMPROVEMENT,
  DEVICE_SUBJECT_RECORD,
  IMPROVEMENT_SAMPLE_RECORD,
  PRACTICE_RECIPIENT,
} from './device-analysis.declarations.js';
import { DeviceAnalysisRights } from './device-analysis.rights.js';
import { DeviceRetention } from './device-retention.js';
import { DeviceActorInterceptor, DeviceAuthGuard } from './device-auth.js';
import { DevicesAdminController } from './devices-admin.controller.js';
import { DeviceSelfController } from './device-self.controller.js';
import { AnalysesAdminController } from './analyses-admin.controller.js';
import { AnalysesController } from './analyses.controller.js';
import { Analyses } from './analyses.service.js';
import { ImprovementStatistics } from './improvement-statistics.js';
import { Devices } from './devices.service.js';

/**
 * Skin analysis of photos sent by the shop's devices at doctors' practices (registry activities
 * `device-analysis` and `device-improvement`; special category, DPIA in docs/dpia/device-analysis.md).
 * See README.md in this folder.
 */
@Module({
  imports: [
    PartnersModule,
    DataSubjectRightsModule,
    PrivacyModule.forFeature({
      activities: [DEVICE_ANALYSIS, DEVICE_IMPROVEMENT],
      recipients: [PRACTICE_RECIPIENT],
    }),
  ],
  controllers: [DevicesAdminController, DeviceSelfController, AnalysesController, AnalysesAdminController],
  providers: [
    Devices,
    DataKeys,
    Analyses,
    ImprovementStatistics,
    DeviceRetention,
    DeviceAnalysisRights,
    DeviceAuthGuard,
    DeviceActorInterceptor,
  ],
  exports: [DataKeys],
})
export class DeviceAnalysisModule implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly rights: RightsRegistry,
    private readonly deviceRights: DeviceAnalysisRights,
    private readonly retention: RetentionPolicies,
    private readonly deviceRetention: DeviceRetention,
    private readonly receipts: ReceiptSubjects,
    private readonly analyses: Analyses,
  ) {}

  onModuleInit(): void {
    // A DEVICE_KEK_ID naming no key of DEVICE_KEKS fails the start, not the first upload.
    if (this.config.DEVICE_KEKS) parseKeyRing(this.config.DEVICE_KEKS, this.config.DEVICE_KEK_ID);
    this.rights.registerExporter(this.deviceRights);
    this.rights.registerEraser(this.deviceRights);
    // A patient has no account: a privacy request names them by the reference on their receipt.
    this.receipts.register((reference) => this.analyses.receiptSubject(reference));
    this.retention.register({
      id: 'device-analysis.images',
      activityId: DEVICE_ANALYSIS.id,
      category: DEVICE_CATEGORIES.image,
      recordType: ANALYSIS_IMAGE_RECORD,
      findExpired: (now, manager) => this.deviceRetention.findDueImages(now, manager),
      erase: (ids, manager) => this.deviceRetention.eraseImages(ids, manager),
    });
    this.retention.register({
      id: 'device-analysis.withdrawn-subjects',
      activityId: DEVICE_ANALYSIS.id,
      recordType: DEVICE_SUBJECT_RECORD,
      findExpired: (now, manager) => this.deviceRetention.findWithdrawnSubjects(now, manager),
      erase: (ids, manager) => this.deviceRetention.shredSubjects(ids, manager),
    });
    this.retention.register({
      id: 'device-improvement.withdrawn-samples',
      activityId: DEVICE_IMPROVEMENT.id,
      recordType: IMPROVEMENT_SAMPLE_RECORD,
      findExpired: (now, manager) => this.deviceRetention.findWithdrawnSamples(now, manager),
      erase: (ids, manager) => this.deviceRetention.eraseSamples(ids, manager),
    });
    this.retention.register({
      id: 'device-analysis.results',
      activityId: DEVICE_ANALYSIS.id,
      recordType: ANALYSIS_RECORD,
      findExpired: (now, manager) => this.deviceRetention.findDueResults(now, manager),
      erase: (ids, manager) => this.deviceRetention.eraseResults(ids, manager),
    });
  }
}
