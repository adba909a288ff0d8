import { Module, type OnModuleInit } from '@nestjs/common';
import { PrivacyModule } from '@app/privacy';
import { AppConfig } from '../../config/app-config.js';
import { PartnersModule } from '../partners/index.js';
import { DataKeys, parseKeyRing } from './data-keys.js';
import { DEVICE_ANALYSIS, DEVICE_IMPROVEMENT, PRACTICE_RECIPIENT } from './device-analysis.declarations.js';
import { DeviceActorInterceptor, DeviceAuthGuard } from './device-auth.js';
import { DevicesAdminController } from './devices-admin.controller.js';
import { DeviceSelfController } from './device-self.controller.js';
import { Devices } from './devices.service.js';

/**
 * Skin analysis of photos sent by the shop's devices at doctors' practices (registry activities
 * `device-analysis` and `device-improvement`; special category, DPIA in docs/dpia/device-analysis.md).
 * See README.md in this folder.
 */
@Module({
  imports: [
    PartnersModule,
    PrivacyModule.forFeature({
      activities: [DEVICE_ANALYSIS, DEVICE_IMPROVEMENT],
      recipients: [PRACTICE_RECIPIENT],
    }),
  ],
  controllers: [DevicesAdminController, DeviceSelfController],
  providers: [Devices, DataKeys, DeviceAuthGuard, DeviceActorInterceptor],
  exports: [DataKeys],
})
export class DeviceAnalysisModule implements OnModuleInit {
  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    // A DEVICE_KEK_ID naming no key of DEVICE_KEKS fails the start, not the first upload.
    if (this.config.DEVICE_KEKS) parseKeyRing(this.config.DEVICE_KEKS, this.config.DEVICE_KEK_ID);
  }
}
